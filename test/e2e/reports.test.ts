// The latency board over real Postgres. Twenty notifications with known timestamps are written
// straight into the tables (no workers), and every count, rate and percentile is checked against
// numbers worked out by hand below. percentile_cont: sort the n values, position p·(n−1), and
// interpolate linearly between the values either side of it.
import t from 'tap'
import { GROUP_BYS, interpolatePercentile, ISO_WEEKDAYS, onTimeRate, percentileCont, roundSeconds, secondsFromMicroseconds, sortRows, type GroupBy } from '../../src/domain/latency.js'
import { londonDateOf, weekdayOf } from '../../src/domain/london-time.js'
import { DEFAULT_TUNING, explainLatencyReport, latencyReport, latencyReportReference, type ReportTuning } from '../../src/store/reports-store.js'
import { createHarness } from '../helpers/harness.js'

const h = await createHarness()
t.teardown(() => h.close())
const { db } = h.services
const auditor = await h.token('auditor')
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const dsl = await h.token('dsl', '111001')

// Names that must never reach a report, in any form.
const CHILD_GIVEN = 'Zebediah'
const CHILD_FAMILY = 'Quillfeather'
const KEY_ADULT = 'Ottoline Brackenbury'
const KEY_ADULT_EMAIL = 'ottoline.brackenbury@example.org'
const SCHOOL_NAME = 'Marrowbone Lane Primary'
const SUMMARY = 'Argument at the Quillfeather home'

const MIN = 60
const DAY = 86_400

interface Seed {
  id: string
  force: string
  la: string | null
  urn: string
  /** UTC */
  policeAwareAt: string
  /** seconds police aware → received */
  r: number
  /** seconds received → sent; null: not sent */
  s: number | null
  /** seconds sent → acknowledged; null: not acknowledged */
  a: number | null
  /** due_by, seconds after police aware */
  due: number
}

// London is on GMT until 01:00 UTC on Sunday 29 March 2026, then on BST (UTC+1).
// Columns: r = aware→received, s = received→sent, a = sent→acknowledged; aware→sent = r+s, aware→ack = r+s+a.
const SEEDS: Seed[] = [
  { id: 'c1', force: 'cleveland', la: '805', urn: '111001', policeAwareAt: '2026-03-02T10:00:00Z', r: 1 * MIN, s: 1 * MIN, a: 10 * MIN, due: DAY }, // Mon; 120 / 720
  { id: 'c2', force: 'cleveland', la: '805', urn: '111001', policeAwareAt: '2026-03-03T10:00:00Z', r: 2 * MIN, s: 3 * MIN, a: 20 * MIN, due: DAY }, // Tue; 300 / 1500
  { id: 'c3', force: 'cleveland', la: '805', urn: '111002', policeAwareAt: '2026-03-04T10:00:00Z', r: 5 * MIN, s: 5 * MIN, a: null, due: DAY }, // Wed; 600 / unacknowledged
  { id: 'c4', force: 'cleveland', la: '808', urn: '111003', policeAwareAt: '2026-03-05T10:00:00Z', r: 1 * MIN, s: null, a: null, due: DAY }, // Thu; unsent
  { id: 'c5', force: 'cleveland', la: '808', urn: '111003', policeAwareAt: '2026-03-06T10:00:00Z', r: 10 * MIN, s: 15 * MIN, a: 60 * MIN, due: DAY }, // Fri; 1500 / 5100
  { id: 'c6', force: 'cleveland', la: '808', urn: '111003', policeAwareAt: '2026-03-07T10:00:00Z', r: 3 * MIN, s: 2 * MIN, a: 30 * MIN, due: DAY }, // Sat; 300 / 2100
  { id: 'c7', force: 'cleveland', la: '805', urn: '111002', policeAwareAt: '2026-04-06T09:00:00Z', r: 4 * MIN, s: 1 * MIN, a: 5 * MIN, due: DAY }, // Mon; 300 / 600
  { id: 'c8', force: 'cleveland', la: '805', urn: '111001', policeAwareAt: '2026-04-07T09:00:00Z', r: 1 * MIN, s: 4 * MIN, a: null, due: DAY }, // Tue; 300 / unacknowledged
  { id: 'c9', force: 'cleveland', la: '808', urn: '111004', policeAwareAt: '2026-04-08T09:00:00Z', r: 2 * MIN, s: null, a: null, due: DAY }, // Wed; unsent (the school's only one)
  // 23:30 UTC on Tuesday 31 March is 00:30 BST on Wednesday 1 April: April, and a Wednesday.
  { id: 'c10', force: 'cleveland', la: '808', urn: '111003', policeAwareAt: '2026-03-31T23:30:00Z', r: 1 * MIN, s: 2 * MIN, a: 10 * MIN, due: DAY }, // 180 / 780
  // Sent exactly at its deadline: on time.
  { id: 'c11', force: 'cleveland', la: '805', urn: '111001', policeAwareAt: '2026-04-09T09:00:00Z', r: 2 * MIN, s: 8 * MIN, a: 1 * MIN, due: 600 }, // Thu; 600 / 660
  // Sent one second after its deadline: late.
  { id: 'c12', force: 'cleveland', la: '805', urn: '111002', policeAwareAt: '2026-04-10T09:00:00Z', r: 2 * MIN, s: 8 * MIN, a: null, due: 599 }, // Fri; 600
  { id: 'n1', force: 'northumbria', la: '391', urn: '222001', policeAwareAt: '2026-03-08T10:00:00Z', r: 1 * MIN, s: 1 * MIN, a: 1 * MIN, due: DAY }, // Sun; 120 / 180
  { id: 'n2', force: 'northumbria', la: '391', urn: '222001', policeAwareAt: '2026-03-09T10:00:00Z', r: 2 * MIN, s: 2 * MIN, a: null, due: 239 }, // Mon; 240, late by 1 s
  { id: 'n3', force: 'northumbria', la: '391', urn: '222002', policeAwareAt: '2026-03-10T10:00:00Z', r: 3 * MIN, s: null, a: null, due: DAY }, // Tue; unsent
  { id: 'n4', force: 'northumbria', la: '391', urn: '222002', policeAwareAt: '2026-03-14T10:00:00Z', r: 5 * MIN, s: 10 * MIN, a: 20 * MIN, due: DAY }, // Sat; 900 / 2100
  { id: 'n5', force: 'northumbria', la: '391', urn: '222001', policeAwareAt: '2026-04-05T09:00:00Z', r: 10 * MIN, s: 20 * MIN, a: 40 * MIN, due: 1500 }, // Sun; 1800 / 4200, late
  { id: 'n6', force: 'northumbria', la: '391', urn: '222002', policeAwareAt: '2026-04-02T09:00:00Z', r: 1 * MIN, s: 3 * MIN, a: null, due: DAY }, // Thu; 240
  { id: 'n7', force: 'northumbria', la: '391', urn: '222001', policeAwareAt: '2026-04-03T09:00:00Z', r: 4 * MIN, s: 6 * MIN, a: 10 * MIN, due: DAY }, // Fri; 600 / 1200
  { id: 'n8', force: 'northumbria', la: '391', urn: '222002', policeAwareAt: '2026-04-13T09:00:00Z', r: 2 * MIN, s: 1 * MIN, a: 2 * MIN, due: DAY }, // Mon; 180 / 300
  // Outside 1 March – 30 April on the London calendar, though close to it in UTC:
  { id: 'x1', force: 'cleveland', la: '805', urn: '111001', policeAwareAt: '2026-02-28T23:59:59Z', r: 1 * MIN, s: 1 * MIN, a: 1 * MIN, due: DAY }, // 23:59:59 GMT, 28 Feb
  { id: 'x2', force: 'cleveland', la: '805', urn: '111001', policeAwareAt: '2026-04-30T23:00:00Z', r: 1 * MIN, s: 1 * MIN, a: 1 * MIN, due: DAY }, // 00:00 BST, 1 May
  // June, with no LA code recorded.
  { id: 'j1', force: 'northumbria', la: null, urn: '222003', policeAwareAt: '2026-06-10T09:00:00Z', r: 1 * MIN, s: 1 * MIN, a: null, due: DAY },
]

const at = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000)

await db.query(`INSERT INTO forces (code) VALUES ('cleveland'), ('northumbria') ON CONFLICT DO NOTHING`)
for (const urn of ['111001', '111002', '111003', '111004', '222001', '222002', '222003']) {
  await db.query(`INSERT INTO schools (urn, name, la_code) VALUES ($1, $2, '805')`, [urn, `${SCHOOL_NAME} ${urn}`])
  await db.query(`INSERT INTO school_contacts (urn, role, name, email, position) VALUES ($1, 'dsl', $2, $3, 1)`, [urn, KEY_ADULT, KEY_ADULT_EMAIL])
}
for (const n of SEEDS) {
  const aware = new Date(n.policeAwareAt)
  const received = at(aware, n.r)
  const sent = n.s === null ? null : at(received, n.s)
  const acknowledged = sent === null || n.a === null ? null : at(sent, n.a)
  const incident = await db.query<{ id: string }>(
    `INSERT INTO incidents (force_code, reference, content_hash, police_aware_at, incident_type, summary, received_at)
     VALUES ($1, $2, 'x', $3, 'crime', $4, $5) RETURNING id`,
    [n.force, `REF-${n.id}`, aware, SUMMARY, received],
  )
  const child = await db.query<{ id: string }>(
    `INSERT INTO children (incident_id, position, given_name, family_name, date_of_birth, present, given_school_urn,
                           match_status, match_urn, match_method, matched_at)
     VALUES ($1, 1, $2, $3, '2016-05-04', true, $4, 'matched', $4, 'urn', $5) RETURNING id`,
    [incident.rows[0]!.id, CHILD_GIVEN, CHILD_FAMILY, n.urn, received],
  )
  await db.query(
    `INSERT INTO notifications (child_id, incident_id, force_code, urn, la_code, status, police_aware_at, received_at,
                                matched_at, due_by, school_day, send_after, message_id, recipients, sent_at,
                                acknowledged_at, acknowledged_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, '2026-03-02', $8, $10, $11, $12, $13, $14)`,
    [child.rows[0]!.id, incident.rows[0]!.id, n.force, n.urn, n.la,
      acknowledged ? 'acknowledged' : sent ? 'sent' : 'scheduled', aware, received, at(aware, n.due),
      `REF-${n.id}@encompass-notify`, [KEY_ADULT_EMAIL], sent, acknowledged, acknowledged ? KEY_ADULT_EMAIL : null],
  )
}

const auth = (token: string, accept = 'application/json') => ({ authorization: `Bearer ${token}`, accept })
const report = (query: string, token = auditor, accept?: string) =>
  h.app.inject({ method: 'GET', url: `/v1/reports/latency?${query}`, headers: auth(token, accept) })

type P4 = [number | null, number | null, number | null, number | null]
type P2 = [number | null, number | null]
/** One expected row: counts [notifications, sent, acknowledged, onTime, onTimeRate], then p50/p90/p95/max and p50/p90 lists. */
const row = (key: string | null, counts: [number, number, number, number, number], toSent: P4, toAck: P4, toReceived: P2, receivedToSent: P2, sentToAck: P2) => ({
  key,
  notifications: counts[0],
  sent: counts[1],
  acknowledged: counts[2],
  onTime: counts[3],
  onTimeRate: counts[4],
  policeToSentSeconds: { p50: toSent[0], p90: toSent[1], p95: toSent[2], max: toSent[3] },
  policeToAcknowledgedSeconds: { p50: toAck[0], p90: toAck[1], p95: toAck[2], max: toAck[3] },
  stages: {
    policeToReceived: { p50: toReceived[0], p90: toReceived[1] },
    receivedToSent: { p50: receivedToSent[0], p90: receivedToSent[1] },
    sentToAcknowledged: { p50: sentToAck[0], p90: sentToAck[1] },
  },
})

// ── Overall, 1 March – 30 April: the 20 notifications c1–c12, n1–n8 (x1, x2 and j1 fall outside).
// 20 notifications; sent 17 (c4, c9, n3 unsent); acknowledged 12;
// on time 14 = 17 sent − c12 (1 s late) − n2 (1 s late) − n5 (1800 > 1500); rate 14/20 = 0.7.
// aware→sent, n=17: [120,120,180,180,240,240,300,300,300,300,600,600,600,600,900,1500,1800]
//   p50 pos 8 → 300; p90 pos 14.4 → 900 + 0.4·(1500−900) = 1140; p95 pos 15.2 → 1500 + 0.2·300 = 1560; max 1800
// aware→ack, n=12: [180,300,600,660,720,780,1200,1500,2100,2100,4200,5100]
//   p50 pos 5.5 → 780 + 0.5·420 = 990; p90 pos 9.9 → 2100 + 0.9·2100 = 3990; p95 pos 10.45 → 4200 + 0.45·900 = 4605; max 5100
// aware→received, n=20: six 60s, six 120s, 180,180,240,240,300,300,600,600
//   p50 pos 9.5 → 120; p90 pos 17.1 → 300 + 0.1·300 = 330
// received→sent, n=17: [60,60,60,60,120,120,120,180,180,240,300,360,480,480,600,900,1200]
//   p50 pos 8 → 180; p90 pos 14.4 → 600 + 0.4·300 = 720
// sent→ack, n=12: [60,60,120,300,600,600,600,1200,1200,1800,2400,3600]
//   p50 pos 5.5 → 600; p90 pos 9.9 → 1800 + 0.9·600 = 2340
const OVERALL = row(null, [20, 17, 12, 14, 0.7], [300, 1140, 1560, 1800], [990, 3990, 4605, 5100], [120, 330], [180, 720], [600, 2340])

// ── cleveland: c1–c12. 12; sent 10; acknowledged 7; on time 9 (c12 late; c11 exactly on time); 9/12 = 0.75.
// aware→sent, n=10: [120,180,300,300,300,300,600,600,600,1500]
//   p50 pos 4.5 → 300; p90 pos 8.1 → 600 + 0.1·900 = 690; p95 pos 8.55 → 600 + 0.55·900 = 1095; max 1500
// aware→ack, n=7: [600,660,720,780,1500,2100,5100]
//   p50 pos 3 → 780; p90 pos 5.4 → 2100 + 0.4·3000 = 3300; p95 pos 5.7 → 2100 + 0.7·3000 = 4200; max 5100
// aware→received, n=12: [60,60,60,60,120,120,120,120,180,240,300,600]
//   p50 pos 5.5 → 120; p90 pos 9.9 → 240 + 0.9·60 = 294
// received→sent, n=10: [60,60,120,120,180,240,300,480,480,900]
//   p50 pos 4.5 → 180 + 0.5·60 = 210; p90 pos 8.1 → 480 + 0.1·420 = 522
// sent→ack, n=7: [60,300,600,600,1200,1800,3600]
//   p50 pos 3 → 600; p90 pos 5.4 → 1800 + 0.4·1800 = 2520
const CLEVELAND = row('cleveland', [12, 10, 7, 9, 0.75], [300, 690, 1095, 1500], [780, 3300, 4200, 5100], [120, 294], [210, 522], [600, 2520])

// ── northumbria (all in LA 391): n1–n8. 8; sent 7 (n3 unsent); acknowledged 5; on time 5 (n2, n5 late); 5/8 = 0.625.
// aware→sent, n=7: [120,180,240,240,600,900,1800]
//   p50 pos 3 → 240; p90 pos 5.4 → 900 + 0.4·900 = 1260; p95 pos 5.7 → 900 + 0.7·900 = 1530; max 1800
// aware→ack, n=5: [180,300,1200,2100,4200]
//   p50 pos 2 → 1200; p90 pos 3.6 → 2100 + 0.6·2100 = 3360; p95 pos 3.8 → 2100 + 0.8·2100 = 3780; max 4200
// aware→received, n=8: [60,60,120,120,180,240,300,600]
//   p50 pos 3.5 → 120 + 0.5·60 = 150; p90 pos 6.3 → 300 + 0.3·300 = 390
// received→sent, n=7: [60,60,120,180,360,600,1200]
//   p50 pos 3 → 180; p90 pos 5.4 → 600 + 0.4·600 = 840
// sent→ack, n=5: [60,120,600,1200,2400]
//   p50 pos 2 → 600; p90 pos 3.6 → 1200 + 0.6·1200 = 1920
const NORTHUMBRIA_ROW = [[8, 7, 5, 5, 0.625], [240, 1260, 1530, 1800], [1200, 3360, 3780, 4200], [150, 390], [180, 840], [600, 1920]] as const

t.test('grouped by force: counts, on-time rate and every percentile, worked by hand', async (t) => {
  const res = await report('from=2026-03-01&to=2026-04-30&groupBy=force')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  const [counts, a, b, c, d, e] = NORTHUMBRIA_ROW
  t.same(res.json(), {
    from: '2026-03-01',
    to: '2026-04-30',
    groupBy: 'force',
    overall: OVERALL,
    rows: [CLEVELAND, row('northumbria', [...counts], [...a], [...b], [...c], [...d], [...e])],
  })
})

t.test('grouped by local authority: LA codes as keys, in order', async (t) => {
  const body = (await report('from=2026-03-01&to=2026-04-30&groupBy=la')).json()
  t.same(body.overall, OVERALL, 'the overall row does not depend on the grouping')
  const [counts, a, b, c, d, e] = NORTHUMBRIA_ROW
  t.same(body.rows, [
    row('391', [...counts], [...a], [...b], [...c], [...d], [...e]),
    // 805: c1 c2 c3 c7 c8 c11 c12. 7; all sent; acknowledged 4 (c1 c2 c7 c11); on time 6 (c12 late); 6/7 = 0.857142… → 0.8571.
    // aware→sent [120,300,300,300,600,600,600]: p50 pos 3 → 300; p90 pos 5.4 → 600; p95 pos 5.7 → 600; max 600
    // aware→ack [600,660,720,1500]: p50 pos 1.5 → 660 + 0.5·60 = 690; p90 pos 2.7 → 720 + 0.7·780 = 1266;
    //   p95 pos 2.85 → 720 + 0.85·780 = 1383; max 1500
    // aware→received [60,60,120,120,120,240,300]: p50 pos 3 → 120; p90 pos 5.4 → 240 + 0.4·60 = 264
    // received→sent [60,60,180,240,300,480,480]: p50 pos 3 → 240; p90 pos 5.4 → 480
    // sent→ack [60,300,600,1200]: p50 pos 1.5 → 300 + 0.5·300 = 450; p90 pos 2.7 → 600 + 0.7·600 = 1020
    row('805', [7, 7, 4, 6, 0.8571], [300, 600, 600, 600], [690, 1266, 1383, 1500], [120, 264], [240, 480], [450, 1020]),
    // 808: c4 c5 c6 c9 c10. 5; sent 3 (c5 c6 c10); acknowledged 3; on time 3; 3/5 = 0.6.
    // aware→sent [180,300,1500]: p50 pos 1 → 300; p90 pos 1.8 → 300 + 0.8·1200 = 1260; p95 pos 1.9 → 300 + 0.9·1200 = 1380; max 1500
    // aware→ack [780,2100,5100]: p50 → 2100; p90 → 2100 + 0.8·3000 = 4500; p95 → 2100 + 0.9·3000 = 4800; max 5100
    // aware→received [60,60,120,180,600]: p50 pos 2 → 120; p90 pos 3.6 → 180 + 0.6·420 = 432
    // received→sent [120,120,900]: p50 → 120; p90 pos 1.8 → 120 + 0.8·780 = 744
    // sent→ack [600,1800,3600]: p50 → 1800; p90 pos 1.8 → 1800 + 0.8·1800 = 3240
    row('808', [5, 3, 3, 3, 0.6], [300, 1260, 1380, 1500], [2100, 4500, 4800, 5100], [120, 432], [120, 744], [1800, 3240]),
  ])
})

t.test('grouped by school: a school with nothing sent has null percentiles, not zeros', async (t) => {
  const body = (await report('from=2026-03-01&to=2026-04-30&groupBy=school')).json()
  t.same(body.rows.map((r: { key: string }) => r.key), ['111001', '111002', '111003', '111004', '222001', '222002'])
  const byKey = new Map<string, unknown>(body.rows.map((r: { key: string }) => [r.key, r]))
  // 111001: c1 c2 c8 c11. All sent, c11 exactly at its deadline: on time 4/4 = 1.
  // aware→sent [120,300,300,600]: p50 pos 1.5 → 300; p90 pos 2.7 → 300 + 0.7·300 = 510; p95 pos 2.85 → 300 + 0.85·300 = 555; max 600
  // aware→ack [660,720,1500] (c11, c1, c2): p50 → 720; p90 pos 1.8 → 720 + 0.8·780 = 1344; p95 pos 1.9 → 720 + 0.9·780 = 1422; max 1500
  // aware→received [60,60,120,120]: p50 pos 1.5 → 90; p90 pos 2.7 → 120
  // received→sent [60,180,240,480]: p50 pos 1.5 → 210; p90 pos 2.7 → 240 + 0.7·240 = 408
  // sent→ack [60,600,1200]: p50 → 600; p90 pos 1.8 → 600 + 0.8·600 = 1080
  t.same(byKey.get('111001'), row('111001', [4, 4, 3, 4, 1], [300, 510, 555, 600], [720, 1344, 1422, 1500], [90, 120], [210, 408], [600, 1080]))
  // 111002: c3 c7 c12. All sent, c12 one second late: 2/3 = 0.6667. One acknowledged (c7: 600).
  // aware→sent [300,600,600]: p50 → 600; p90 → 600; p95 → 600; max 600. A single value is every percentile of itself.
  // aware→received [120,240,300]: p50 → 240; p90 pos 1.8 → 240 + 0.8·60 = 288
  // received→sent [60,300,480]: p50 → 300; p90 pos 1.8 → 300 + 0.8·180 = 444
  t.same(byKey.get('111002'), row('111002', [3, 3, 1, 2, 0.6667], [600, 600, 600, 600], [600, 600, 600, 600], [240, 288], [300, 444], [300, 300]))
  // 111004: c9 only, never sent: no delay to measure, so null rather than a misleading 0.
  t.same(byKey.get('111004'), row('111004', [1, 0, 0, 0, 0], [null, null, null, null], [null, null, null, null], [120, 120], [null, null], [null, null]))
})

t.test('grouped by month on the London calendar: 23:30 UTC on 31 March counts in April', async (t) => {
  const body = (await report('from=2026-03-01&to=2026-04-30&groupBy=month')).json()
  t.same(body.rows.map((r: { key: string }) => r.key), ['2026-03', '2026-04'])
  const [march, april] = body.rows
  // March: c1–c6, n1–n4 = 10; sent 8 (c4, n3 not); on time 7 (n2 late); acknowledged 6.
  // aware→sent [120,120,240,300,300,600,900,1500]: p50 pos 3.5 → 300; p90 pos 6.3 → 900 + 0.3·600 = 1080;
  //   p95 pos 6.65 → 900 + 0.65·600 = 1290; max 1500
  t.match(march, { notifications: 10, sent: 8, acknowledged: 6, onTime: 7, onTimeRate: 0.7, policeToSentSeconds: { p50: 300, p90: 1080, p95: 1290, max: 1500 } })
  // April: c7–c12 (c10 included), n5–n8 = 10; sent 9 (c9 not); on time 7 (c12, n5 late); acknowledged 6.
  // aware→sent [180,180,240,300,300,600,600,600,1800]: p50 pos 4 → 300; p90 pos 7.2 → 600 + 0.2·1200 = 840;
  //   p95 pos 7.6 → 600 + 0.6·1200 = 1320; max 1800
  t.match(april, { notifications: 10, sent: 9, acknowledged: 6, onTime: 7, onTimeRate: 0.7, policeToSentSeconds: { p50: 300, p90: 840, p95: 1320, max: 1800 } })
})

t.test('grouped by weekday: London weekday names, Monday first', async (t) => {
  const body = (await report('from=2026-03-01&to=2026-04-30&groupBy=weekday')).json()
  t.same(
    body.rows.map((r: { key: string; notifications: number }) => [r.key, r.notifications]),
    [
      ['Monday', 4], // c1 c7 n2 n8
      ['Tuesday', 3], // c2 c8 n3
      ['Wednesday', 3], // c3 c9, and c10 (Tuesday 23:30 UTC = Wednesday 00:30 BST)
      ['Thursday', 3], // c4 c11 n6
      ['Friday', 3], // c5 c12 n7
      ['Saturday', 2], // c6 n4
      ['Sunday', 2], // n1 n5
    ],
  )
  // Wednesday aware→sent [180 (c10), 600 (c3)]: p50 pos 0.5 → 390; p90 pos 0.9 → 180 + 0.9·420 = 558; p95 → 180 + 0.95·420 = 579
  t.match(body.rows[2], { key: 'Wednesday', sent: 2, policeToSentSeconds: { p50: 390, p90: 558, p95: 579, max: 600 } })
  // Sunday: n1 on time, n5 late → 0.5; aware→sent [120,1800]: p50 960; p90 120 + 0.9·1680 = 1632; p95 120 + 0.95·1680 = 1716
  t.match(body.rows[6], { key: 'Sunday', onTime: 1, onTimeRate: 0.5, policeToSentSeconds: { p50: 960, p90: 1632, p95: 1716, max: 1800 } })
})

// An independent second opinion: every grouping recomputed in JavaScript from the seeds.
function expectedRows(groupBy: GroupBy, from: string, to: string) {
  const inRange = SEEDS.filter((n) => {
    const day = londonDateOf(new Date(n.policeAwareAt))
    return day >= from && day <= to
  })
  const keyOf = (n: Seed): string | null => {
    const day = londonDateOf(new Date(n.policeAwareAt))
    if (groupBy === 'force') return n.force
    if (groupBy === 'la') return n.la
    if (groupBy === 'school') return n.urn
    if (groupBy === 'month') return day.slice(0, 7)
    return ISO_WEEKDAYS[(weekdayOf(day) + 6) % 7]!
  }
  const summarise = (key: string | null, ns: Seed[]) => {
    const sent = ns.filter((n) => n.s !== null)
    const acked = sent.filter((n) => n.a !== null)
    const p = (values: number[], q: number) => roundSeconds(percentileCont(values, q))
    const four = (v: number[]) => [p(v, 0.5), p(v, 0.9), p(v, 0.95), v.length ? Math.max(...v) : null] as P4
    const two = (v: number[]) => [p(v, 0.5), p(v, 0.9)] as P2
    const onTime = sent.filter((n) => n.r + n.s! <= n.due).length
    return row(key, [ns.length, sent.length, acked.length, onTime, onTimeRate(onTime, ns.length)],
      four(sent.map((n) => n.r + n.s!)), four(acked.map((n) => n.r + n.s! + n.a!)), two(ns.map((n) => n.r)),
      two(sent.map((n) => n.s!)), two(acked.map((n) => n.a!)))
  }
  const keys = [...new Set(inRange.map(keyOf))]
  return { overall: summarise(null, inRange), rows: sortRows(groupBy, keys.map((k) => summarise(k, inRange.filter((n) => keyOf(n) === k)))) }
}

t.test('every grouping agrees with the same figures computed in JavaScript', async (t) => {
  for (const groupBy of GROUP_BYS) {
    for (const [from, to] of [['2026-03-01', '2026-04-30'], ['2026-01-01', '2026-12-31'], ['2026-04-01', '2026-04-10']]) {
      const body = (await report(`from=${from}&to=${to}&groupBy=${groupBy}`)).json()
      t.same({ overall: body.overall, rows: body.rows }, expectedRows(groupBy, from!, to!), `${groupBy} ${from}..${to}`)
    }
  }
})

t.test('dates are London dates, both ends inclusive', async (t) => {
  const firstOfApril = (await report('from=2026-04-01&to=2026-04-01&groupBy=force')).json()
  t.same(firstOfApril.rows, [row('cleveland', [1, 1, 1, 1, 1], [180, 180, 180, 180], [780, 780, 780, 780], [60, 60], [120, 120], [600, 600])],
    '1 April is c10 alone, reported at 23:30 UTC on 31 March')
  const march = (await report('from=2026-03-01&to=2026-03-31&groupBy=month')).json()
  t.same(march.rows.map((r: { key: string }) => r.key), ['2026-03'])
  t.equal(march.overall.notifications, 10, 'March in London ends before c10')
  const wider = (await report('from=2026-02-28&to=2026-05-01&groupBy=month')).json()
  t.same(wider.rows.map((r: { key: string; notifications: number }) => [r.key, r.notifications]), [['2026-02', 1], ['2026-03', 10], ['2026-04', 10], ['2026-05', 1]],
    '23:59:59 GMT on 28 February and 00:00 BST on 1 May are each their own London day')
})

t.test('on time means sent at or before the deadline, to the second', async (t) => {
  const exactly = (await report('from=2026-04-09&to=2026-04-09&groupBy=force')).json()
  t.match(exactly.overall, { notifications: 1, sent: 1, onTime: 1, onTimeRate: 1 }, 'c11, sent exactly at dueBy')
  const late = (await report('from=2026-04-10&to=2026-04-10&groupBy=force')).json()
  t.match(late.overall, { notifications: 1, sent: 1, onTime: 0, onTimeRate: 0 }, 'c12, sent one second after dueBy')
})

t.test('an empty range answers an overall row of zeros and no rows', async (t) => {
  const res = await report('from=2025-01-01&to=2025-01-31&groupBy=la')
  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    from: '2025-01-01', to: '2025-01-31', groupBy: 'la',
    overall: row(null, [0, 0, 0, 0, 0], [null, null, null, null], [null, null, null, null], [null, null], [null, null], [null, null]),
    rows: [],
  })
})

t.test('a notification with no LA code is its own row with key null, listed last', async (t) => {
  const body = (await report('from=2026-06-01&to=2026-06-30&groupBy=la')).json()
  t.same(body.rows.map((r: { key: string | null; notifications: number }) => [r.key, r.notifications]), [[null, 1]])
  const csv = (await report('from=2026-06-01&to=2026-06-30&groupBy=la', auditor, 'text/csv')).body.split('\r\n')
  t.match(csv[2], /^"",1,1,0,1,1,120,/, 'an empty key cell in CSV')
})

t.test('auditors and administrators only', async (t) => {
  const q = 'from=2026-03-01&to=2026-04-30&groupBy=force'
  t.equal((await report(q, admin)).statusCode, 200)
  t.equal((await report(q, auditor)).statusCode, 200)
  for (const [who, token] of [['police', police], ['dsl', dsl]] as const) {
    const res = await report(q, token)
    t.equal(res.statusCode, 403, `${who} is refused`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  }
  const anonymous = await h.app.inject({ method: 'GET', url: `/v1/reports/latency?${q}` })
  t.equal(anonymous.statusCode, 401)
  t.equal(anonymous.headers['www-authenticate'], 'Bearer')
})

t.test('bad queries are problem+json pointing at the field', async (t) => {
  const cases: [string, number, string][] = [
    ['from=2026-03-01&to=2026-04-30', 400, '/query/groupBy'],
    ['from=2026-03-01&to=2026-04-30&groupBy=city', 400, '/query/groupBy'],
    ['to=2026-04-30&groupBy=la', 400, '/query/from'],
    ['from=2026-03-01&groupBy=la', 400, '/query/to'],
    ['from=2026-02-30&to=2026-04-30&groupBy=la', 400, '/query/from'],
    ['from=01/03/2026&to=2026-04-30&groupBy=la', 400, '/query/from'],
    ['from=2026-03-01&to=2026-04-30&groupBy=la&urn=111001', 400, '/query/urn'],
    ['from=2026-04-30&to=2026-03-01&groupBy=la', 422, '/query/to'],
    ['from=2023-01-01&to=2026-01-01&groupBy=la', 422, '/query/to'],
  ]
  for (const [q, status, path] of cases) {
    const res = await report(q)
    t.equal(res.statusCode, status, q)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', q)
    t.ok(res.json().errors.some((e: { path: string }) => e.path === path), `${q} names ${path}`)
  }
  t.equal((await report('from=2023-01-01&to=2025-12-31&groupBy=la')).statusCode, 200, 'three years, inclusive, is allowed')
  t.equal((await report('from=2026-04-30&to=2026-04-30&groupBy=la')).statusCode, 200, 'a single day is allowed')
})

t.test('Accept: text/csv gives the same numbers as one flat table, overall first', async (t) => {
  const res = await report('from=2026-03-01&to=2026-04-30&groupBy=force', auditor, 'text/csv')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'text/csv; charset=utf-8')
  t.equal(res.headers['content-disposition'], 'attachment; filename="latency-2026-03-01-2026-04-30-force.csv"')
  t.same(res.body.split('\r\n'), [
    'key,notifications,sent,acknowledged,onTime,onTimeRate,' +
      'policeToSent_p50,policeToSent_p90,policeToSent_p95,policeToSent_max,' +
      'policeToAcknowledged_p50,policeToAcknowledged_p90,policeToAcknowledged_p95,policeToAcknowledged_max,' +
      'policeToReceived_p50,policeToReceived_p90,receivedToSent_p50,receivedToSent_p90,sentToAcknowledged_p50,sentToAcknowledged_p90',
    '"overall",20,17,12,14,0.7,300,1140,1560,1800,990,3990,4605,5100,120,330,180,720,600,2340',
    '"cleveland",12,10,7,9,0.75,300,690,1095,1500,780,3300,4200,5100,120,294,210,522,600,2520',
    '"northumbria",8,7,5,5,0.625,240,1260,1530,1800,1200,3360,3780,4200,150,390,180,840,600,1920',
    '',
  ])
  const school = (await report('from=2026-03-01&to=2026-04-30&groupBy=school', auditor, 'text/csv')).body.split('\r\n')
  t.equal(school.find((l) => l.startsWith('"111004"')), '"111004",1,0,0,0,0,,,,,,,,,120,120,,,,', 'null percentiles are empty cells')
})

t.test('no personal data in any report, JSON or CSV', async (t) => {
  let everything = ''
  for (const groupBy of ['force', 'la', 'school', 'month', 'weekday']) {
    for (const accept of ['application/json', 'text/csv']) {
      const res = await report(`from=2026-01-01&to=2026-12-31&groupBy=${groupBy}`, admin, accept)
      t.equal(res.statusCode, 200)
      everything += res.body
    }
  }
  for (const secret of [CHILD_GIVEN, CHILD_FAMILY, KEY_ADULT, KEY_ADULT_EMAIL, SCHOOL_NAME, SUMMARY, 'REF-', '2016-05-04']) {
    t.notOk(everything.includes(secret), `never shows ${secret}`)
  }
})

t.test('reading a report is audited, with its parameters and no data', async (t) => {
  const { rows } = await db.query(`SELECT actor_role, detail FROM audit_log WHERE action = 'report.latency' ORDER BY id DESC LIMIT 1`)
  t.match(rows[0], { actor_role: 'admin', detail: { from: '2026-01-01', to: '2026-12-31', groupBy: 'weekday' } })
})

t.test('the OpenAPI document describes the report in both forms', async (t) => {
  const res = await h.app.inject({ method: 'GET', url: '/docs/json' })
  t.equal(res.statusCode, 200)
  const op = res.json().paths['/v1/reports/latency'].get
  t.same(op.parameters.map((p: { name: string }) => p.name).sort(), ['from', 'groupBy', 'to'])
  t.same(Object.keys(op.responses['200'].content).sort(), ['application/json', 'text/csv'])
})

t.test('operators can see the plan a report runs, selecting on the London date range', async (t) => {
  const plan = await explainLatencyReport(db, { from: '2026-03-01', to: '2026-04-30', groupBy: 'la' })
  t.match(plan, /GroupAggregate/)
  t.match(plan, /police_aware_at >= '2026-03-01 00:00:00\+00'.*police_aware_at < '2026-04-30 23:00:00\+00'/s, 'GMT start, BST end')
})

// ── The fast path against the definition. The report no longer runs one percentile_cont per group
// and duration over the whole range in one process (see src/store/reports-store.ts); these tests
// hold it to the plain GROUPING SETS / percentile_cont query it replaced, on data made to be
// awkward: microsecond timestamps, ties, negative and multi-day durations, NULLs (unsent,
// unacknowledged, acknowledged but never sent, no LA code), and groups of one and two.

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! }
}

t.test('interpolatePercentile is percentile_cont to the last bit', async (t) => {
  const r = random(7)
  for (let round = 0; round < 200; round++) {
    const n = 1 + r.int(round < 100 ? 5 : 400)
    // Ties, negatives, sub-millisecond and multi-day values.
    const values = Array.from({ length: n }, () => (r.next() < 0.3 ? r.pick([0, 1.5, 60, 86400.000001]) : (r.next() - 0.1) * 10 ** r.int(7)))
    const ps = [0.5, 0.9, 0.95, r.next()]
    const { rows } = await db.query<{ p: number[] }>(`SELECT percentile_cont($2::float8[]) WITHIN GROUP (ORDER BY v) AS p FROM unnest($1::float8[]) v`, [values, ps])
    const sorted = [...values].sort((a, b) => a - b)
    const ours = ps.map((p) => interpolatePercentile(p, n, sorted[Math.floor(p * (n - 1))]!, sorted[Math.ceil(p * (n - 1))]!))
    if (!ours.every((v, i) => Object.is(v, rows[0]!.p[i]))) t.fail(`n=${n}: ${JSON.stringify(ours)} vs ${JSON.stringify(rows[0]!.p)}`)
  }
  t.pass('200 random samples agree exactly')
})

t.test('secondsFromMicroseconds is date_part of a timestamp difference to the last bit', async (t) => {
  const r = random(11)
  const us = [0, 1, -1, 999, 1000, 86_400_000_000, -86_400_000_000, 86_400_000_001, 2 ** 52, -(2 ** 52) + 1,
    ...Array.from({ length: 3000 }, () => (r.next() < 0.5 ? 1 : -1) * Math.floor(r.next() * 10 ** (1 + r.int(15))))]
  const { rows } = await db.query<{ s: number[] }>(
    `SELECT array_agg(date_part('epoch', (timestamptz '2024-03-31 00:30:00+00' + d * interval '1 microsecond') - timestamptz '2024-03-31 00:30:00+00') ORDER BY i) AS s
       FROM unnest($1::int8[]) WITH ORDINALITY AS x(d, i)`,
    [us],
  )
  const wrong = us.filter((d, i) => !Object.is(secondsFromMicroseconds(d), rows[0]!.s[i]))
  t.same(wrong, [], `${us.length} differences, whole and part days, both signs`)
})

// 3,000 notifications in 2024 (the hand-worked seeds above are all in 2026).
const RANDOM_ROWS = 3000
{
  const r = random(2024)
  await db.query(`INSERT INTO forces (code) VALUES ('rand-a'), ('rand-b'), ('rand-c'), ('rand-d') ON CONFLICT DO NOTHING`)
  const { rows: inc } = await db.query<{ id: string }>(
    `INSERT INTO incidents (force_code, reference, content_hash, police_aware_at, incident_type) VALUES ('rand-a', 'RAND-1', 'x', '2024-01-01T00:00:00Z', 'crime') RETURNING id`,
  )
  const { rows: kids } = await db.query<{ id: string }>(
    `INSERT INTO children (incident_id, position, present, match_status) SELECT $1, g, true, 'matched' FROM generate_series(1, $2::int) g RETURNING id`,
    [inc[0]!.id, RANDOM_ROWS],
  )
  // µs; from the last hour of 2023 to the evening of 31 December 2024 (January 2025 stays empty).
  const start = Date.UTC(2024, 0, 1) * 1000 - 3_600_000_000
  const span = 366 * 86_400_000_000
  // Durations in µs: a few values many rows share, whole milliseconds (as JavaScript writes them),
  // arbitrary microseconds, negatives, and some of days.
  const duration = () => {
    const x = r.next()
    if (x < 0.25) return r.pick([0, 1_000_000, 60_000_000, 60_000_000, 3_600_000_000])
    if (x < 0.5) return 1000 * r.int(7_200_000)
    if (x < 0.9) return r.int(14_400_000_000)
    if (x < 0.95) return -r.int(5_000_000)
    return 86_400_000_000 + r.int(3 * 86_400_000_000)
  }
  const cols: unknown[][] = Array.from({ length: 10 }, () => [])
  for (let i = 0; i < RANDOM_ROWS; i++) {
    const aware = start + r.int(span)
    const received = aware + duration()
    // The first two schools (two notifications each) never send.
    const sent = i < 4 || r.next() < 0.12 ? null : received + duration()
    const acked = r.next() < 0.3 ? null : (sent ?? received) + duration()
    // Schools: most in a few dozen, some alone or in pairs.
    const urn = i < 40 ? `5${String(900 + Math.floor(i / 2)).padStart(5, '0')}` : i < 60 ? `5${String(800 + i).padStart(5, '0')}` : `5${String(100 + r.int(35)).padStart(5, '0')}`
    const row = [kids[i]!.id, r.pick(['rand-a', 'rand-b', 'rand-c', 'rand-d']), urn, r.next() < 0.1 ? null : String(700 + r.int(9)),
      aware, received, sent, r.next() < 0.4 ? null : acked, sent !== null && r.next() < 0.05 ? sent : aware + duration(), `RAND-${i}`]
    row.forEach((v, c) => cols[c]!.push(v))
  }
  const ts = (n: number) => `timestamptz 'epoch' + $${n}::int8 * interval '1 microsecond'`
  await db.query(
    `INSERT INTO notifications (child_id, incident_id, force_code, urn, la_code, status, police_aware_at, received_at, matched_at, due_by,
                                school_day, send_after, message_id, sent_at, acknowledged_at)
     SELECT c, $11, f, u, l, 'sent', ${ts(5).replace('$5', 'a')}, ${ts(6).replace('$6', 'rc')}, ${ts(6).replace('$6', 'rc')},
            ${ts(9).replace('$9', 'd')}, '2024-01-02', ${ts(6).replace('$6', 'rc')}, m,
            ${ts(7).replace('$7', 's')}, ${ts(8).replace('$8', 'k')}
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::int8[], $7::int8[], $8::int8[], $9::int8[], $10::text[])
            AS x(c, f, u, l, a, rc, s, k, d, m)`,
    [...cols, inc[0]!.id],
  )
}

const RANGES: [string, string][] = [
  ['2024-01-01', '2024-12-31'], // the year, both clock changes inside
  ['2024-03-31', '2024-10-27'], // from the day the clocks go forward to the day they go back
  ['2024-06-15', '2024-06-15'], // one day
  ['2023-12-31', '2024-01-01'], // across the new year
  ['2023-06-01', '2023-06-30'], // nothing
]
const TUNINGS: [string, ReportTuning][] = [
  ['as the service runs it', DEFAULT_TUNING],
  // Every row sampled, no minimum: narrow brackets around the exact ranks.
  ['every range bracketed, keys in four branches', { ...DEFAULT_TUNING, keyParts: 4, minSample: 1, sampleAddresses: 100_000 }],
  // A small random sample and brackets far too narrow: most miss and fall back to percentile_cont.
  ['brackets that miss', { ...DEFAULT_TUNING, keyParts: 2, minSample: 1, sampleAddresses: 300, bracketSigmas: 0 }],
]

t.test('every grouping, range and tuning gives exactly what plain percentile_cont gives', async (t) => {
  let misses = 0
  for (const [label, tuning] of TUNINGS) {
    for (const groupBy of GROUP_BYS) {
      for (const [from, to] of RANGES) {
        const q = { from, to, groupBy }
        const actual = await latencyReport(db, q, { tuning: { ...tuning, onMiss: () => misses++ } })
        t.same(actual, await latencyReportReference(db, q), `${label}: ${groupBy} ${from}..${to}`)
      }
    }
  }
  t.ok(misses > 0, `the fallback for a bracket that misses ran (${misses} times)`)
  const year = await latencyReport(db, { from: '2024-01-01', to: '2024-12-31', groupBy: 'school' })
  t.ok(year.rows.some((row) => row.notifications === 1) && year.rows.some((row) => row.notifications === 2), 'schools with one and with two notifications')
  t.ok(year.rows.some((row) => row.policeToSentSeconds.p50 === null), 'a school with nothing sent')
})
