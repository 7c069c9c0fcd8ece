// How long the latency board takes over a year of a busy service: 1,000,000 notifications in a
// throwaway database, each grouping timed five times through the same store function the API
// calls, then the plan for groupBy=la. Target: at most 1 s per report on a 2-core machine.
//
//   npx tsx bench/report-latency.ts
//   BENCH_ROWS=200000 BENCH_KEEP=1 npx tsx bench/report-latency.ts   (smaller; keep the database)
//   BENCH_DB=enc_bench_xxxxxxxx npx tsx bench/report-latency.ts      (reuse a kept database; kept again)
//   BENCH_VERIFY=1 ...   also checks every grouping against the plain percentile_cont query
//   BENCH_WRITES=3000 ... also times an insert/update loop with and without the report columns
//                         and indexes of migrations/008_report_speed.sql (default 2000; 0 skips)
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { GROUP_BYS, type GroupBy } from '../src/domain/latency.js'
import { createPool } from '../src/store/db.js'
import { migrate } from '../src/store/migrate.js'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { migrationsDir } from '../src/paths.js'
import type { Db } from '../src/store/db.js'
import { explainLatencyReport, latencyReport, latencyReportReference as referenceReport } from '../src/store/reports-store.js'

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000)
const RUNS = 5
const SCHOOLS = 20_000
const LAS = 150
const FORCES = 43
const YEAR = { from: '2025-01-01', to: '2025-12-31' }

const reuse = process.env.BENCH_DB
if (reuse !== undefined && !/^enc_bench_[0-9a-f]{8}$/.test(reuse)) throw new Error('BENCH_DB must name a kept enc_bench_ database')
const name = reuse ?? `enc_bench_${randomBytes(4).toString('hex')}`
const keep = Boolean(process.env.BENCH_KEEP) || reuse !== undefined
const admin = new pg.Client({ connectionString: ADMIN_URL })
await admin.connect()
if (!reuse) await admin.query(`CREATE DATABASE ${name}`)
const url = new URL(ADMIN_URL)
url.pathname = `/${name}`
const db = createPool(url.toString(), { max: 2 })

/**
 * What the report's stored durations and covering indexes cost the write path: one notification's
 * life (insert, claim, sent, acknowledged) timed with them and then without them (dropped here,
 * restored afterwards when the database is kept). Each statement on its own, as the service
 * commits them, and all inside one transaction (no commit wait, so the index and column work shows).
 */
async function writeCost(db: Db, n: number): Promise<void> {
  const { rows: inc } = await db.query<{ id: string }>(`SELECT id FROM incidents WHERE reference = 'BENCH-1'`)
  const incidentId = inc[0]!.id
  const loop = async (label: string, oneTransaction: boolean) => {
    const client = await db.connect()
    try {
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO children (incident_id, position, present, match_status)
         SELECT $1, -g, true, 'matched' FROM generate_series(1, $2::int) g RETURNING id`, [incidentId, n])
      if (oneTransaction) await client.query('BEGIN')
      const start = performance.now()
      for (let i = 0; i < n; i++) {
        const aware = new Date(Date.UTC(2025, 5, 1) + i * 61_000)
        const { rows: made } = await client.query<{ id: string }>(
          `INSERT INTO notifications (child_id, incident_id, force_code, urn, la_code, status, police_aware_at, received_at,
                                      matched_at, due_by, school_day, send_after, message_id)
           VALUES ($1, $2, 'force-7', $3, '307', 'scheduled', $4, $5, $5, $6, '2025-06-02', $5, $7) RETURNING id`,
          [rows[i]!.id, incidentId, String(100_000 + (i % SCHOOLS)), aware, new Date(aware.getTime() + 30_000),
            new Date(aware.getTime() + 43_200_000), `write-${label}-${i}-${randomBytes(4).toString('hex')}`],
        )
        const id = made[0]!.id
        await client.query(`UPDATE notifications SET status = 'sending', claimed_at = now(), attempts = attempts + 1 WHERE id = $1`, [id])
        await client.query(`UPDATE notifications SET status = 'sent', sent_at = received_at + interval '5 seconds' WHERE id = $1`, [id])
        await client.query(`UPDATE notifications SET status = 'acknowledged', acknowledged_at = sent_at + interval '20 minutes' WHERE id = $1`, [id])
      }
      const perNotification = (performance.now() - start) / n
      if (oneTransaction) await client.query('ROLLBACK')
      else {
        await client.query(`DELETE FROM notifications WHERE child_id = ANY($1::uuid[])`, [rows.map((r) => r.id)])
      }
      await client.query(`DELETE FROM children WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.id)])
      console.log(`${label.padEnd(44)} ${(perNotification * 1000).toFixed(0).padStart(6)} µs a notification (4 statements)`)
    } finally {
      client.release()
    }
  }
  console.log(`\nwrite path, ${n.toLocaleString('en-GB')} notifications: insert, claim, sent, acknowledged`)
  for (const oneTransaction of [false, true]) {
    const how = oneTransaction ? 'one transaction' : 'autocommit'
    await loop(`with report columns, ${how}`, oneTransaction)
    await loop(`with report columns, ${how} (again)`, oneTransaction)
  }
  await db.query(`DROP INDEX notifications_report_by_time, notifications_report_by_force, notifications_report_by_la, notifications_report_by_school`)
  await db.query(`ALTER TABLE notifications DROP COLUMN report_police_to_sent_us, DROP COLUMN report_police_to_ack_us, DROP COLUMN report_police_to_received_us,
                  DROP COLUMN report_received_to_sent_us, DROP COLUMN report_sent_to_ack_us, DROP COLUMN report_on_time`)
  try {
    for (const oneTransaction of [false, true]) {
      const how = oneTransaction ? 'one transaction' : 'autocommit'
      await loop(`without them, ${how}`, oneTransaction)
      await loop(`without them, ${how} (again)`, oneTransaction)
    }
  } finally {
    if (keep) await step('restore report columns and indexes', async () => db.query(await readFile(join(migrationsDir, '008_report_speed.sql'), 'utf8')))
  }
}

const step = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
  const start = performance.now()
  const out = await fn()
  console.log(`${label.padEnd(44)} ${((performance.now() - start) / 1000).toFixed(1).padStart(6)} s`)
  return out
}

try {
  if (!reuse) {
    await step('migrate', () => migrate(db))
    const incidentId = await step('forces + one incident', async () => {
      await db.query(`INSERT INTO forces (code) SELECT 'force-' || f FROM generate_series(0, ${FORCES - 1}) f`)
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO incidents (force_code, reference, content_hash, police_aware_at, incident_type)
         VALUES ('force-0', 'BENCH-1', 'x', '2025-01-01T00:00:00Z', 'crime') RETURNING id`,
      )
      return rows[0]!.id
    })
    // Children carry no names here; they exist because each notification belongs to one.
    await step(`${ROWS.toLocaleString('en-GB')} children`, () =>
      db.query(`INSERT INTO children (incident_id, position, present, match_status) SELECT $1, g, true, 'matched' FROM generate_series(1, $2::int) g`, [incidentId, ROWS]),
    )
    // Spread over the London year; schools sit in LAs, LAs in forces. Delays are skewed the way
    // real ones are: most short, a long tail (notifications waiting for the next school day).
    await step(`${ROWS.toLocaleString('en-GB')} notifications`, async () => {
      const client = await db.connect()
      try {
        await client.query('SELECT setseed(0.42)')
        await client.query(
          `INSERT INTO notifications (child_id, incident_id, force_code, urn, la_code, status, police_aware_at, received_at,
                                      matched_at, due_by, school_day, send_after, message_id, sent_at, acknowledged_at)
           SELECT id, incident_id, 'force-' || (la % ${FORCES}), (100000 + school)::text, (300 + la)::text,
                  CASE WHEN acked THEN 'acknowledged' WHEN sent_at IS NOT NULL THEN 'sent' ELSE 'scheduled' END,
                  aware, received, received + interval '2 seconds', aware + interval '12 hours',
                  (aware AT TIME ZONE 'Europe/London')::date, received, 'bench-' || position,
                  sent_at, CASE WHEN acked THEN sent_at + make_interval(secs => 24 * 3600 * r_ack ^ 2) END
             FROM (SELECT *, CASE WHEN sent THEN received + make_interval(secs => 5 + 16 * 3600 * r_send ^ 3) END AS sent_at,
                          sent AND r_ack_roll < 0.85 AS acked
                     FROM (SELECT *, aware + make_interval(secs => 30 + 4 * 3600 * r_receive ^ 3) AS received
                             FROM (SELECT c.id, c.incident_id, c.position,
                                          (c.position::bigint * 7919) % ${SCHOOLS} AS school,
                                          ((c.position::bigint * 7919) % ${SCHOOLS}) % ${LAS} AS la,
                                          timestamptz '2025-01-01 00:00 Europe/London' + random() * interval '365 days' AS aware,
                                          random() AS r_receive, random() AS r_send, random() AS r_ack,
                                          random() < 0.97 AS sent, random() AS r_ack_roll
                                     FROM children c WHERE c.incident_id = $1
                                   OFFSET 0) a
                           OFFSET 0) b
                   OFFSET 0) x`,
          [incidentId],
        )
      } finally {
        client.release()
      }
    })
    await step('VACUUM ANALYZE', () => db.query('VACUUM ANALYZE notifications'))
  }
  const { rows: size } = await db.query<{ table: string; indexes: string }>(
    `SELECT pg_size_pretty(pg_table_size('notifications')) AS table, pg_size_pretty(pg_indexes_size('notifications')) AS indexes`,
  )
  console.log(`notifications: table ${size[0]!.table}, indexes ${size[0]!.indexes}\n`)

  console.log(`report over ${YEAR.from}..${YEAR.to}, ${RUNS} runs each`)
  console.log(`${'groupBy'.padEnd(10)} ${'rows'.padStart(7)} ${'median ms'.padStart(10)} ${'max ms'.padStart(8)}  ${'≤ 1 s'.padStart(5)}`)
  for (const groupBy of GROUP_BYS as readonly GroupBy[]) {
    const times: number[] = []
    let groups = 0
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now()
      const report = await latencyReport(db, { ...YEAR, groupBy })
      times.push(performance.now() - start)
      groups = report.rows.length
      if (!reuse && report.overall.notifications !== ROWS) throw new Error(`expected ${ROWS} notifications, got ${report.overall.notifications}`)
    }
    times.sort((a, b) => a - b)
    const median = times[Math.floor(RUNS / 2)]!
    const max = times.at(-1)!
    console.log(`${groupBy.padEnd(10)} ${String(groups).padStart(7)} ${median.toFixed(0).padStart(10)} ${max.toFixed(0).padStart(8)}  ${(max <= 1000 ? 'yes' : 'NO').padStart(5)}`)
  }
  // Boards usually ask for less than a whole year of the whole country.
  for (const [label, from, to] of [['one quarter', '2025-04-01', '2025-06-30'], ['one month', '2025-06-01', '2025-06-30']] as const) {
    const times: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now()
      await latencyReport(db, { from, to, groupBy: 'la' })
      times.push(performance.now() - start)
    }
    times.sort((a, b) => a - b)
    console.log(`${`la, ${label}`.padEnd(18)} ${times[Math.floor(RUNS / 2)]!.toFixed(0).padStart(10)} ${times.at(-1)!.toFixed(0).padStart(8)}`)
  }
  console.log('\nEXPLAIN (ANALYZE, BUFFERS), groupBy=la:')
  console.log(await explainLatencyReport(db, { ...YEAR, groupBy: 'la' }))

  if (process.env.BENCH_VERIFY) {
    // The same numbers as the one-statement percentile_cont report this replaced, for every grouping.
    console.log('\nagainst plain percentile_cont (GROUPING SETS over the same rows):')
    for (const groupBy of GROUP_BYS as readonly GroupBy[]) {
      const start = performance.now()
      const expected = await referenceReport(db, { ...YEAR, groupBy })
      const ms = performance.now() - start
      const actual = await latencyReport(db, { ...YEAR, groupBy })
      const same = JSON.stringify(actual) === JSON.stringify(expected)
      console.log(`${groupBy.padEnd(10)} ${same ? 'identical' : 'DIFFERENT'} (reference ${ms.toFixed(0)} ms)`)
      if (!same) process.exitCode = 1
    }
  }

  const writes = Number(process.env.BENCH_WRITES ?? 2000)
  if (writes > 0) await writeCost(db, writes)
} finally {
  await db.end()
  if (keep) console.log(`\nkept database ${name}`)
  else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await admin.end()
}
