// The latency report's fast path leans on the heap's layout: it samples notifications by row
// address (page, line pointer), so it must know how many rows a page can hold. These tests fail
// when that assumption breaks, and hold the fast path to the plain-SQL path (REPORTS_PLAIN_SQL)
// on the same data, including values whose digit counts differ (pg reads int8[] as text).
import t from 'tap'
import { GROUP_BYS } from '../../src/domain/latency.js'
import { withTransaction } from '../../src/store/db.js'
import { DEFAULT_TUNING, heapShape, latencyReport, maxHeapTuplesPerPage, sampleAddresses, type ReportTuning } from '../../src/store/reports-store.js'
import { createHarness } from '../helpers/harness.js'

const h = await createHarness({ env: { REPORTS_PLAIN_SQL: 'true' } })
t.teardown(() => h.close())
const db = h.services.db

const ROWS = 600
// Settings and forces whose identifiers differ in length ('9' sorts after '10' as text).
const URNS = ['10001', '9999999', '100000', '99999', '12345678', '2000000']
const LAS = ['808', '9', '10', null, '100']
const FORCES = ['f1', 'f10', 'f2', 'f9']

/**
 * Notifications from 2 to 29 March 2026 whose durations run from 2 to 12 seconds in odd
 * microseconds: the report's values cross 10,000,000 µs, where text order and number order part.
 */
async function load(): Promise<void> {
  await db.query(`INSERT INTO forces (code) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, [FORCES])
  const { rows: inc } = await db.query<{ id: string }>(
    `INSERT INTO incidents (force_code, reference, content_hash, police_aware_at, incident_type)
     VALUES ('f1', 'PACK-1', 'x', '2026-03-02T10:00:00Z', 'crime') RETURNING id`,
  )
  await db.query(
    `WITH kids AS (
       INSERT INTO children (incident_id, position, present, match_status)
       SELECT $1, g, true, 'matched' FROM generate_series(1, $2::int) g RETURNING id, position
     ), t AS (
       SELECT id, position AS i,
              timestamptz '2026-03-02T00:00:00Z' + (position * 4001) % (27 * 86400) * interval '1 second' AS aware,
              (2000000 + (position * 7919) % 10000001) * interval '1 microsecond' AS d1,
              (2000000 + (position * 104729) % 10000001) * interval '1 microsecond' AS d2,
              (2000000 + (position * 1299709) % 10000001) * interval '1 microsecond' AS d3
         FROM kids
     )
     INSERT INTO notifications (child_id, incident_id, force_code, urn, la_code, status, police_aware_at, received_at, matched_at,
                                due_by, school_day, send_after, message_id, sent_at, acknowledged_at)
     SELECT id, $1, ($3::text[])[1 + i % 4], ($4::text[])[1 + i % 6], ($5::text[])[1 + i % 5], 'sent', aware, aware + d1, aware + d1,
            aware + d1 + interval '9 seconds', '2026-03-03', aware + d1, 'pack-' || i,
            CASE WHEN i % 9 = 0 THEN NULL ELSE aware + d1 + d2 END,
            CASE WHEN i % 9 = 0 OR i % 4 = 0 THEN NULL ELSE aware + d1 + d2 + d3 END
       FROM t`,
    [inc[0]!.id, ROWS, FORCES, URNS, LAS],
  )
  await db.query('ANALYZE notifications')
}
await load()

t.test('a heap page holds as many rows as the sampler assumes, and no more', async (t) => {
  // The narrowest row there is (no columns: a tuple header alone) packs a page as full as it gets.
  const { rows } = await withTransaction(db, async (c) => {
    await c.query('CREATE TEMP TABLE packing () ON COMMIT DROP')
    await c.query('INSERT INTO packing SELECT FROM generate_series(1, 2000)')
    return c.query<{ most: number; block_size: number; pages: number }>(
      `SELECT max((ctid::text::point)[1])::int AS most, count(DISTINCT (ctid::text::point)[0])::int AS pages,
              current_setting('block_size')::int AS block_size FROM packing`,
    )
  })
  const { most, block_size, pages } = rows[0]!
  t.ok(pages > 1, `the rows fill more than one page (${pages})`)
  t.equal(maxHeapTuplesPerPage(block_size), most, `a ${block_size}-byte page holds ${most} rows`)
  t.equal(maxHeapTuplesPerPage(8192), 291, 'the usual 8 kB page: 291')
})

t.test('the sampler draws from every line pointer a row sits at, rows updated in place included', async (t) => {
  const check = async (when: string) => {
    const { shape, highest, reached, total } = await withTransaction(db, async (c) => {
      const shape = await heapShape(c)
      const tids = await sampleAddresses(c, DEFAULT_TUNING)
      const { rows } = await c.query<{ highest: number; reached: number; total: number }>(
        `SELECT (SELECT max((ctid::text::point)[1]) FROM notifications)::int AS highest,
                (SELECT count(*) FROM notifications WHERE ctid = ANY ($1::tid[]))::int AS reached,
                (SELECT count(*) FROM notifications)::int AS total`,
        [tids],
      )
      return { shape, ...rows[0]! }
    })
    t.ok(shape.slots >= highest, `${when}: draws from ${shape.slots} line pointers a page; rows sit at up to ${highest}`)
    t.equal(reached, total, `${when}: a small table is sampled whole (${reached} of ${total} rows)`)
  }
  await check('freshly loaded')
  // Delivery updates each row more than once (scheduled, sending, sent): new versions on the page.
  for (let i = 0; i < 3; i++) await db.query(`UPDATE notifications SET attempts = attempts + 1`)
  await db.query('VACUUM ANALYZE notifications')
  await check('after every row was updated three times')
})

const RANGES: [string, string][] = [
  ['2026-03-01', '2026-03-31'],
  ['2026-03-09', '2026-03-15'],
  ['2026-03-29', '2026-03-29'],
  ['2026-05-01', '2026-05-31'], // nothing
]
const TUNINGS: [string, ReportTuning][] = [
  ['as the service runs it', DEFAULT_TUNING],
  ['every row sampled, brackets around the exact ranks', { ...DEFAULT_TUNING, keyParts: 3, minSample: 1, sampleAddresses: 100_000 }],
  ['wide brackets that overlap', { ...DEFAULT_TUNING, keyParts: 2, minSample: 1, sampleAddresses: 100_000, bracketSigmas: 12 }],
  ['a small sample', { ...DEFAULT_TUNING, keyParts: 4, minSample: 1, sampleAddresses: 200, bracketSigmas: 3 }],
]

t.test('the fast path and the plain-SQL path give the same figures on the same data', async (t) => {
  for (const [label, tuning] of TUNINGS) {
    for (const groupBy of GROUP_BYS) {
      for (const [from, to] of RANGES) {
        const q = { from, to, groupBy }
        const fast = await latencyReport(db, q, { tuning })
        const plain = await latencyReport(db, q, { plainSql: true })
        t.same(fast, plain, `${label}: ${groupBy} ${from}..${to}`)
      }
    }
  }
  const month = await latencyReport(db, { from: '2026-03-01', to: '2026-03-31', groupBy: 'school' })
  t.equal(month.overall.notifications, ROWS, 'every notification counted')
  t.equal(month.rows.length, URNS.length, 'a row per setting')
  t.ok((month.overall.policeToSentSeconds.p50 ?? 0) > 10, 'the values cross ten seconds (8 digits of µs)')
})

t.test('REPORTS_PLAIN_SQL=true: the API answers with the plain path’s figures, the same as the fast path’s', async (t) => {
  t.equal(h.services.config.REPORTS_PLAIN_SQL, true, 'the setting parses')
  const admin = await h.token('admin')
  for (const groupBy of GROUP_BYS) {
    const q = { from: '2026-03-01', to: '2026-03-31', groupBy }
    const res = await h.app.inject({ method: 'GET', url: `/v1/reports/latency?from=${q.from}&to=${q.to}&groupBy=${groupBy}`, headers: { authorization: `Bearer ${admin}` } })
    t.equal(res.statusCode, 200)
    t.same(res.json(), { ...q, ...JSON.parse(JSON.stringify(await latencyReport(db, q))) }, `${groupBy}: the fast path's figures`)
  }
})
