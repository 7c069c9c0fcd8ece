// Reads for the boards. One pass over the notifications in the range yields every group and the
// overall row together (GROUPING SETS), with continuous percentiles computed by Postgres. Only
// counts, codes and durations leave this module: no child, no contact, no reference.
import { ISO_WEEKDAYS, onTimeRate, roundSeconds, sortRows, type GroupBy, type LatencyRow } from '../domain/latency.js'
import type { PoolClient } from 'pg'
import { withTransaction, type Db } from './db.js'

// Fixed SQL per grouping (never built from input): what to group on, and the key shown for a
// group. Month and weekday group on cheap values (an instant, an ISO day number) and are labelled
// once per group rather than formatted once per row. Codes compare in "C" order: byte order is
// all codes need, and much cheaper to sort than the locale's rules.
const GROUPINGS: Record<GroupBy, { group: string; label: string }> = {
  force: { group: 'force_code COLLATE "C"', label: 'key' },
  la: { group: 'la_code COLLATE "C"', label: 'key' },
  school: { group: 'urn COLLATE "C"', label: 'key' },
  month: { group: `date_trunc('month', police_aware_at, 'Europe/London')`, label: `to_char(key AT TIME ZONE 'Europe/London', 'YYYY-MM')` },
  weekday: {
    group: `date_part('isodow', police_aware_at AT TIME ZONE 'Europe/London')`,
    label: `(ARRAY[${ISO_WEEKDAYS.map((d) => `'${d}'`).join(', ')}])[key::int]`,
  },
}

// Durations are float8 seconds: date_part, unlike extract, does no numeric arithmetic, which
// matters a million rows at a time. percentile_cont ignores NULL inputs, so each duration is
// measured over the notifications that reached both of its ends, and is NULL for a group with none.
const latencySql = (groupBy: GroupBy) => `
  WITH selected AS (
    SELECT ${GROUPINGS[groupBy].group} AS key,
           sent_at IS NOT NULL AS is_sent,
           acknowledged_at IS NOT NULL AS is_acknowledged,
           sent_at <= due_by AS is_on_time,
           date_part('epoch', sent_at - police_aware_at) AS police_to_sent,
           date_part('epoch', acknowledged_at - police_aware_at) AS police_to_ack,
           date_part('epoch', received_at - police_aware_at) AS police_to_received,
           date_part('epoch', sent_at - received_at) AS received_to_sent,
           date_part('epoch', acknowledged_at - sent_at) AS sent_to_ack
      FROM notifications
     WHERE police_aware_at >= ($1::date)::timestamp AT TIME ZONE 'Europe/London'
       AND police_aware_at < (($2::date + 1)::timestamp AT TIME ZONE 'Europe/London')
  )
  SELECT GROUPING(key) = 1 AS is_overall,
         ${GROUPINGS[groupBy].label} AS key,
         count(*) AS notifications,
         count(*) FILTER (WHERE is_sent) AS sent,
         count(*) FILTER (WHERE is_acknowledged) AS acknowledged,
         count(*) FILTER (WHERE is_on_time) AS on_time,
         percentile_cont(ARRAY[0.5, 0.9, 0.95]) WITHIN GROUP (ORDER BY police_to_sent) AS police_to_sent,
         max(police_to_sent) AS police_to_sent_max,
         percentile_cont(ARRAY[0.5, 0.9, 0.95]) WITHIN GROUP (ORDER BY police_to_ack) AS police_to_ack,
         max(police_to_ack) AS police_to_ack_max,
         percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY police_to_received) AS police_to_received,
         percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY received_to_sent) AS received_to_sent,
         percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY sent_to_ack) AS sent_to_ack
    FROM selected
   GROUP BY GROUPING SETS ((key), ())`

interface LatencySqlRow {
  is_overall: boolean
  key: string | null
  notifications: number
  sent: number
  acknowledged: number
  on_time: number
  police_to_sent: (number | null)[] | null
  police_to_sent_max: number | null
  police_to_ack: (number | null)[] | null
  police_to_ack_max: number | null
  police_to_received: (number | null)[] | null
  received_to_sent: (number | null)[] | null
  sent_to_ack: (number | null)[] | null
}

function toRow(r: LatencySqlRow): LatencyRow {
  const q = (a: (number | null)[] | null, i: number) => roundSeconds(a?.[i])
  return {
    key: r.is_overall ? null : r.key,
    notifications: r.notifications,
    sent: r.sent,
    acknowledged: r.acknowledged,
    onTime: r.on_time,
    onTimeRate: onTimeRate(r.on_time, r.notifications),
    policeToSentSeconds: { p50: q(r.police_to_sent, 0), p90: q(r.police_to_sent, 1), p95: q(r.police_to_sent, 2), max: roundSeconds(r.police_to_sent_max) },
    policeToAcknowledgedSeconds: { p50: q(r.police_to_ack, 0), p90: q(r.police_to_ack, 1), p95: q(r.police_to_ack, 2), max: roundSeconds(r.police_to_ack_max) },
    stages: {
      policeToReceived: { p50: q(r.police_to_received, 0), p90: q(r.police_to_received, 1) },
      receivedToSent: { p50: q(r.received_to_sent, 0), p90: q(r.received_to_sent, 1) },
      sentToAcknowledged: { p50: q(r.sent_to_ack, 0), p90: q(r.sent_to_ack, 1) },
    },
  }
}

const EMPTY_ROW: LatencyRow = toRow({
  is_overall: true, key: null, notifications: 0, sent: 0, acknowledged: 0, on_time: 0,
  police_to_sent: null, police_to_sent_max: null, police_to_ack: null, police_to_ack_max: null,
  police_to_received: null, received_to_sent: null, sent_to_ack: null,
})

// Read-only, and with room to sort a year of durations in memory rather than on disk.
async function inReportTransaction<T>(db: Db, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return withTransaction(db, async (client) => {
    await client.query('SET TRANSACTION READ ONLY')
    await client.query(`SET LOCAL work_mem = '64MB'`)
    return fn(client)
  })
}

/**
 * Delivery latency for notifications whose police-aware instant falls on a London date from
 * `from` to `to` inclusive, grouped by `groupBy`, plus the overall row (key null).
 */
export async function latencyReport(
  db: Db,
  q: { from: string; to: string; groupBy: GroupBy },
): Promise<{ overall: LatencyRow; rows: LatencyRow[] }> {
  const rows = await inReportTransaction(db, async (client) => (await client.query<LatencySqlRow>(latencySql(q.groupBy), [q.from, q.to])).rows)
  const overall = rows.find((r) => r.is_overall)
  return {
    overall: overall ? toRow(overall) : EMPTY_ROW,
    rows: sortRows(q.groupBy, rows.filter((r) => !r.is_overall).map(toRow)),
  }
}

/** The plan Postgres runs for a report, with timings and buffers: for the benchmark and for operators. */
export async function explainLatencyReport(db: Db, q: { from: string; to: string; groupBy: GroupBy }): Promise<string> {
  return inReportTransaction(db, async (client) => {
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${latencySql(q.groupBy)}`, [q.from, q.to])
    return rows.map((r) => r['QUERY PLAN']).join('\n')
  })
}
