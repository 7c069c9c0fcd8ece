// The board's raw counts (GET /v1/reports/board), before suppression (domain/board-report.ts).
// Every figure is read from facts that outlive the retention purge (timestamps, statuses, the
// setting, incident type and risk level, the age and repeat stamps), so a report reads the same
// before and after it (children told through an LA's contact are counted by the reserved URN the
// notification went to: 9900… children's services, 9901… health visiting). Dates select on policeAwareAt in Europe/London, both ends inclusive.
import { AGE_BANDS, ESCALATION_REASONS, INCIDENT_TYPES, RISK_LEVELS, type BoardGroupBy, type BoardRaw } from '../domain/board-report.js'
import type { Queryable } from './db.js'

const KEY: Record<BoardGroupBy, { notification: string; child: string }> = {
  force: { notification: 'n.force_code', child: 'i.force_code' },
  la: { notification: "coalesce(n.la_code, 'unknown')", child: "'unknown'" },
  month: { notification: "to_char(n.police_aware_at AT TIME ZONE 'Europe/London', 'YYYY-MM')", child: "to_char(i.police_aware_at AT TIME ZONE 'Europe/London', 'YYYY-MM')" },
}

const RANGE = (col: string) =>
  `${col} >= ($1::date)::timestamp AT TIME ZONE 'Europe/London' AND ${col} < (($2::date + 1)::timestamp AT TIME ZONE 'Europe/London')`

// Out of school hours: a weekend, or before 08:30 or from 15:30 on a weekday, London time. (Bank
// holidays and school holidays count as weekdays here: the figure is about the time of day.)
const OUT_OF_HOURS = `(extract(isodow FROM n.police_aware_at AT TIME ZONE 'Europe/London') >= 6
  OR (n.police_aware_at AT TIME ZONE 'Europe/London')::time < '08:30' OR (n.police_aware_at AT TIME ZONE 'Europe/London')::time >= '15:30')`
const ESCALATED = '(n.deputies_notified_at IS NOT NULL OR n.desk_alerted_at IS NOT NULL)'

interface Row {
  key: string | null
  [k: string]: unknown
}

async function counts(db: Queryable, from: string, to: string, key: string | null): Promise<Row[]> {
  const group = key ? `${key}` : 'NULL::text'
  const { rows } = await db.query<Row>(
    `SELECT ${group} AS key,
       count(*)::int AS notified,
       count(*) FILTER (WHERE c.times_notified_12m >= 2)::int AS r2,
       count(*) FILTER (WHERE c.times_notified_12m >= 3)::int AS r3,
       count(*) FILTER (WHERE c.age_years BETWEEN 0 AND 4)::int AS "age0-4",
       count(*) FILTER (WHERE c.age_years BETWEEN 5 AND 10)::int AS "age5-10",
       count(*) FILTER (WHERE c.age_years BETWEEN 11 AND 15)::int AS "age11-15",
       count(*) FILTER (WHERE c.age_years >= 16)::int AS "age16-17",
       count(*) FILTER (WHERE c.age_years IS NULL OR c.age_years < 0)::int AS "ageunknown",
       count(*) FILTER (WHERE i.incident_type = 'crime')::int AS "typecrime",
       count(*) FILTER (WHERE i.incident_type = 'non-crime')::int AS "typenon-crime",
       count(*) FILTER (WHERE i.risk_level = 'standard')::int AS "riskstandard",
       count(*) FILTER (WHERE i.risk_level = 'medium')::int AS "riskmedium",
       count(*) FILTER (WHERE i.risk_level = 'high')::int AS "riskhigh",
       count(*) FILTER (WHERE i.risk_level = 'unknown')::int AS "riskunknown",
       count(*) FILTER (WHERE i.risk_level IS NULL)::int AS "risknot-given",
       count(*) FILTER (WHERE ${OUT_OF_HOURS})::int AS ooh,
       count(n.sent_at)::int AS sent,
       count(*) FILTER (WHERE n.sent_at <= n.due_by)::int AS on_time,
       -- A child is its rows, one per setting (migration 023): told on time when every one of its
       -- settings was.
       count(DISTINCT (c.incident_id, c.position))::int AS kids,
       count(DISTINCT (c.incident_id, c.position)) FILTER (WHERE NOT EXISTS (
         SELECT 1 FROM children c2 JOIN notifications n2 ON n2.child_id = c2.id
          WHERE c2.incident_id = c.incident_id AND c2.position = c.position AND (n2.sent_at IS NULL OR n2.sent_at > n2.due_by)))::int AS kids_on_time,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM n.sent_at - n.police_aware_at)) FILTER (WHERE n.sent_at IS NOT NULL) AS sent_p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM n.sent_at - n.police_aware_at)) FILTER (WHERE n.sent_at IS NOT NULL) AS sent_p90,
       count(n.acknowledged_at) FILTER (WHERE n.sent_at IS NOT NULL)::int AS acked,
       count(*) FILTER (WHERE ${ESCALATED})::int AS escalated,
       count(*) FILTER (WHERE ${ESCALATED} AND n.failed_at IS NOT NULL)::int AS "escdeliveryFailed",
       count(*) FILTER (WHERE ${ESCALATED} AND n.failed_at IS NULL AND (n.sent_at IS NULL OR n.sent_at > n.due_by))::int AS "escsentAfterDeadline",
       count(*) FILTER (WHERE ${ESCALATED} AND n.failed_at IS NULL AND n.sent_at <= n.due_by)::int AS "escnotAcknowledgedInTime",
       count(n.failed_at)::int AS failed,
       count(*) FILTER (WHERE c.match_method = 'manual')::int AS manual,
       count(*) FILTER (WHERE n.urn ~ '^9900[0-9]{4}$')::int AS to_cs,
       count(*) FILTER (WHERE n.urn ~ '^9901[0-9]{4}$')::int AS to_hv,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY n.report_sent_to_ack_us) / 1e6 AS ack_p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY n.report_sent_to_ack_us) / 1e6 AS ack_p90,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.matched_at - c.held_at)) FILTER (WHERE c.match_method = 'manual' AND c.held_at IS NOT NULL) AS review_p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM c.matched_at - c.held_at)) FILTER (WHERE c.match_method = 'manual' AND c.held_at IS NOT NULL) AS review_p90
     FROM notifications n JOIN children c ON c.id = n.child_id JOIN incidents i ON i.id = n.incident_id
    WHERE ${RANGE('n.police_aware_at')}
    ${key ? 'GROUP BY 1' : ''}`,
    [from, to],
  )
  return rows
}

export async function boardReportRaw(db: Queryable, q: { from: string; to: string; groupBy: BoardGroupBy }): Promise<{ overall: BoardRaw; rows: BoardRaw[] }> {
  const k = KEY[q.groupBy]
  const [overallRows, rows] = [await counts(db, q.from, q.to, null), await counts(db, q.from, q.to, k.notification)]
  const settings = await db.query<{ key: string | null; setting: string; n: number }>(
    `SELECT ${k.notification} AS key,
            CASE WHEN s.source = 'la-childrens-services' THEN 'LA children''s services'
                 WHEN s.source = 'la-health-visiting' THEN 'LA health visiting' ELSE coalesce(nullif(s.phase, ''), 'Unknown') END AS setting,
            count(*)::int AS n
       FROM notifications n LEFT JOIN schools s ON s.urn = n.urn
      WHERE ${RANGE('n.police_aware_at')} GROUP BY 1, 2`,
    [q.from, q.to],
  )
  // Children still waiting in a review queue (never placed), by when the police knew.
  const unplaced = await db.query<{ key: string; n: number }>(
    `SELECT ${k.child} AS key, count(*)::int AS n
       FROM children c JOIN incidents i ON i.id = c.incident_id
      WHERE c.match_status = 'unmatched' AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.child_id = c.id)
        AND ${RANGE('i.police_aware_at')}
      GROUP BY 1`,
    [q.from, q.to],
  )
  const settingsOf = (key: string | null, all: boolean) => {
    const out: Record<string, number> = {}
    for (const s of settings.rows) if (all || s.key === key) out[s.setting] = (out[s.setting] ?? 0) + s.n
    return out
  }
  const unplacedOf = (key: string | null, all: boolean) => unplaced.rows.filter((u) => all || u.key === key).reduce((a, u) => a + u.n, 0)
  const raw = (r: Row | undefined, key: string | null, all: boolean): BoardRaw => {
    const n = (f: string) => Number(r?.[f] ?? 0)
    const sec = (f: string) => (r?.[f] === null || r?.[f] === undefined ? null : Math.round(Number(r[f]) * 1000) / 1000)
    return {
      key,
      childrenNotified: n('notified'),
      notified2Plus: n('r2'),
      notified3Plus: n('r3'),
      ageBands: Object.fromEntries(AGE_BANDS.map((b) => [b, n(`age${b}`)])) as BoardRaw['ageBands'],
      settingTypes: settingsOf(key, all),
      incidentTypes: Object.fromEntries(INCIDENT_TYPES.map((t) => [t, n(`type${t}`)])) as BoardRaw['incidentTypes'],
      riskLevels: Object.fromEntries(RISK_LEVELS.map((l) => [l, n(`risk${l}`)])) as BoardRaw['riskLevels'],
      knownOutOfSchoolHours: n('ooh'),
      sent: n('sent'),
      onTime: n('on_time'),
      children: n('kids'),
      childrenOnTime: n('kids_on_time'),
      acknowledged: n('acked'),
      escalated: n('escalated'),
      escalationReasons: Object.fromEntries(ESCALATION_REASONS.map((e) => [e, n(`esc${e}`)])) as BoardRaw['escalationReasons'],
      deliveryFailures: n('failed'),
      placedByOfficer: n('manual'),
      childrenUnplaced: unplacedOf(key, all),
      toChildrensServices: n('to_cs'),
      toHealthVisiting: n('to_hv'),
      policeToSentSeconds: { p50: sec('sent_p50'), p90: sec('sent_p90') },
      sentToAcknowledgedSeconds: { p50: sec('ack_p50'), p90: sec('ack_p90') },
      reviewQueueSeconds: { p50: sec('review_p50'), p90: sec('review_p90') },
    }
  }
  const keys = [...new Set([...rows.map((r) => r.key), ...unplaced.rows.map((u) => u.key)])].sort((a, b) => String(a).localeCompare(String(b)))
  return {
    overall: raw(overallRows[0], null, true),
    rows: keys.map((key) => raw(rows.find((r) => r.key === key), key, false)),
  }
}
