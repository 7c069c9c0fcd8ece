// The board report over real Postgres: known notifications written straight into the tables, every
// figure checked, small numbers withheld in JSON (null) and CSV ("<5") with no figure left that
// gives one away by subtraction, the same report after the retention job, auditors and admins only.
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { runRetention } from '../../src/queue/retention-job.js'
import { createHarness } from '../helpers/harness.js'

const h = await createHarness()
t.teardown(() => h.close())
const { db } = h.services
const auditor = await h.token('auditor')
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const dsl = await h.token('dsl', '111001')

await db.query(`INSERT INTO forces (code) VALUES ('cleveland'), ('northumbria') ON CONFLICT DO NOTHING`)
const SCHOOLS: [string, string, string][] = [['111001', '805', 'Primary'], ['111002', '805', 'Secondary'], ['111003', '808', 'Primary'], ['222001', '391', 'Primary']]
for (const [urn, la, phase] of SCHOOLS) await db.query(`INSERT INTO schools (urn, name, la_code, phase) VALUES ($1, $2, $3, $4)`, [urn, `School ${urn}`, la, phase])

interface Seed {
  force: string; urn: string; la: string; aware: string; given: string; dob: string
  type?: 'crime' | 'non-crime'; risk?: string | null; ack?: boolean; escalated?: boolean; failed?: boolean; manual?: boolean
}
const seeds: Seed[] = []
// LA 805: six children notified twice (2 March and 16 March), ten notified once (four of them
// known at 20:00, two on a Saturday); all acknowledged.
for (let i = 0; i < 6; i++) {
  for (const day of ['02', '16']) seeds.push({ force: 'cleveland', urn: '111001', la: '805', aware: `2026-03-${day}T10:0${i}:00Z`, given: `Twice${i}`, dob: '2016-05-04', ack: true, risk: 'medium' })
}
for (let i = 0; i < 10; i++) {
  seeds.push({ force: 'cleveland', urn: i < 5 ? '111002' : '111001', la: '805', aware: `2026-03-0${3 + (i % 5)}T${i < 6 ? '11' : '20'}:00:00Z`, given: `Once${i}`,
    dob: i < 5 ? '2010-01-01' : '2020-01-01', type: i < 5 ? 'crime' : 'non-crime', risk: i < 5 ? 'high' : null, ack: true, escalated: i >= 2, manual: i < 5 })
}
// LA 808: three children (a small number); LA 391: seven.
for (let i = 0; i < 3; i++) seeds.push({ force: 'cleveland', urn: '111003', la: '808', aware: `2026-03-10T10:0${i}:00Z`, given: `Small${i}`, dob: '2016-05-04', ack: true, risk: 'medium' })
for (let i = 0; i < 7; i++) seeds.push({ force: 'northumbria', urn: '222001', la: '391', aware: `2026-03-11T10:0${i}:00Z`, given: `North${i}`, dob: '2016-05-04', ack: i < 6, failed: i === 6, escalated: i === 6, risk: 'standard' })

for (const [n, s] of seeds.entries()) {
  const aware = new Date(s.aware)
  const sent = s.failed ? null : new Date(aware.getTime() + 60_000)
  const due = new Date(aware.getTime() + 86_400_000)
  const inc = await db.query<{ id: string }>(
    `INSERT INTO incidents (force_code, reference, content_hash, record_hash, police_aware_at, incident_type, risk_level, summary, received_at)
     VALUES ($1, $2, 'x', 'y', $3, $4, $5, 'Summary', $3) RETURNING id`,
    [s.force, `REF-${n}`, aware, s.type ?? 'crime', s.risk === undefined ? 'medium' : s.risk])
  const child = await db.query<{ id: string }>(
    `INSERT INTO children (incident_id, position, given_name, family_name, date_of_birth, present, match_status, match_urn, match_method, matched_at, held_at)
     VALUES ($1, 0, $2, 'Seed', $3, true, 'matched', $4, $5, $6, $7) RETURNING id`,
    [inc.rows[0]!.id, s.given, s.dob, s.urn, s.manual ? 'manual' : 'urn', new Date(aware.getTime() + (s.manual ? 3_600_000 : 0)), s.manual ? aware : null])
  await db.query(
    `INSERT INTO notifications (child_id, incident_id, force_code, urn, la_code, status, police_aware_at, received_at, matched_at, due_by, school_day,
                                send_after, message_id, recipients, sent_at, acknowledged_at, acknowledged_by, deputies_step_at, deputies_notified_at, failed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7, $8, '2026-03-02', $7, $9, '{ka@example.org}', $10, $11, $12, $13, $13, $14)`,
    [child.rows[0]!.id, inc.rows[0]!.id, s.force, s.urn, s.la, s.failed ? 'failed' : s.ack ? 'acknowledged' : 'sent', aware, due, `m${n}@encompass-notify`,
      sent, s.ack && sent ? new Date(sent.getTime() + 600_000) : null, s.ack ? 'Key Adult' : null,
      s.escalated ? new Date(aware.getTime() + 3_600_000) : null, s.failed ? new Date(aware.getTime() + 120_000) : null])
}
// One child still in the review queue.
const held = await db.query<{ id: string }>(`INSERT INTO incidents (force_code, reference, content_hash, police_aware_at, incident_type, received_at)
  VALUES ('cleveland', 'REF-held', 'x', '2026-03-12T10:00:00Z', 'crime', '2026-03-12T10:00:00Z') RETURNING id`)
await db.query(`INSERT INTO children (incident_id, position, given_name, family_name, date_of_birth, present, match_status, held_at)
  VALUES ($1, 0, 'Held', 'Seed', '2015-01-01', true, 'unmatched', '2026-03-12T10:01:00Z')`, [held.rows[0]!.id])

const get = (groupBy: string, token = auditor, accept = 'application/json', range = 'from=2026-03-01&to=2026-03-31') =>
  h.app.inject({ method: 'GET', url: `/v1/reports/board?${range}&groupBy=${groupBy}`, headers: { authorization: `Bearer ${token}`, accept } })

type Json = Record<string, unknown>
/** Every count of a row as path → value (rates, shares and seconds are not counts). */
function countsOf(row: Json, prefix = ''): Map<string, number | null> {
  const out = new Map<string, number | null>()
  for (const [k, v] of Object.entries(row)) {
    if (k === 'key' || /Rate$|Share$|Seconds$/.test(k)) continue
    if (v !== null && typeof v === 'object') for (const [p, x] of countsOf(v as Json, `${prefix}${k}.`)) out.set(p, x)
    else out.set(`${prefix}${k}`, v as number | null)
  }
  return out
}

t.test('every figure, where none is small', async (t) => {
  // 1–7 March: the six children's first notifications and the ten notified once, one force.
  const body = (await get('force', auditor, 'application/json', 'from=2026-03-01&to=2026-03-07')).json()
  t.equal(body.rows.length, 1)
  const r = body.rows[0]
  t.equal(r.key, 'cleveland')
  t.same(r, { ...body.overall, key: 'cleveland' }, 'one group: the overall row is the same')
  t.equal(r.childrenNotified, 16)
  t.equal(r.notified2Plus, 0, 'first notifications only')
  t.same(r.ageBands, { '0-4': 0, '5-10': 11, '11-15': 0, '16-17': 5, unknown: 0 })
  t.same(r.settingTypes, { Primary: 11, Secondary: 5 })
  t.same(r.incidentTypes, { crime: 11, 'non-crime': 5 })
  t.same(r.riskLevels, { standard: 0, medium: 6, high: 5, unknown: 0, 'not-given': 5 })
  t.equal(r.knownOutOfSchoolHours, 5, 'four known at 20:00, one on a Saturday morning')
  t.equal(r.knownOutOfSchoolHoursShare, 0.3125)
  t.same([r.sent, r.acknowledged, r.acknowledgementRate], [16, 16, 1])
  t.same(r.sentToAcknowledgedSeconds, { p50: 600, p90: 600 })
  t.equal(r.escalated, 8)
  t.same(r.escalationReasons, { notAcknowledgedInTime: 8, sentAfterDeadline: 0, deliveryFailed: 0 })
  t.equal(r.deliveryFailures, 0)
  t.equal(r.placedByOfficer, 5)
  t.same(r.reviewQueueSeconds, { p50: 3600, p90: 3600 })
  t.equal(r.childrenUnplaced, 0)
  // 13–31 March: the six children's second notifications, within 12 months of their first.
  const later = (await get('la', auditor, 'application/json', 'from=2026-03-13&to=2026-03-31')).json()
  t.same([later.overall.childrenNotified, later.overall.notified2Plus, later.overall.notified3Plus], [6, 6, 0])
})

t.test('the figures, with small numbers withheld and none derivable by subtraction', async (t) => {
  const res = await get('la')
  t.equal(res.statusCode, 200)
  const body = res.json()
  const rows: Json[] = body.rows
  t.same(rows.map((r) => r.key), ['391', '805', '808', 'unknown'])
  t.equal(rows[2]!.childrenNotified, null, 'three children in LA 808: withheld')
  t.equal(rows[3]!.childrenUnplaced, null, 'one child waiting: withheld')

  const all = [body.overall as Json, ...rows]
  const maps = all.map((r) => countsOf(r))
  for (const [i, m] of maps.entries()) {
    for (const [path, v] of m) t.ok(v === null || v === 0 || v >= 5, `row ${i} ${path}: never 1 to 4 (${v})`)
  }
  // Across rows: the overall figure and the rows' figures never leave exactly one withheld.
  for (const path of maps[0]!.keys()) {
    const nulls = maps.filter((m) => m.get(path) === null).length
    t.not(nulls, 1, `${path}: not one lone withheld figure among the overall and its rows`)
  }
  // Within a row: a total and its parts never leave exactly one withheld.
  for (const [i, m] of maps.entries()) {
    for (const group of ['ageBands', 'incidentTypes', 'riskLevels', 'settingTypes']) {
      const members = ['childrenNotified', ...[...m.keys()].filter((p) => p.startsWith(`${group}.`))]
      t.not(members.filter((p) => m.get(p) === null).length, 1, `row ${i} ${group}`)
    }
  }
  t.notMatch(res.body, /Twice|Once|Small|North|Held|Seed|REF-|ka@example/, 'no personal data, no references')
})

t.test('CSV: "<5" where a count is small, "[c]" where withheld to protect one, never a 1 to 4', async (t) => {
  const res = await get('la', admin, 'text/csv')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /text\/csv/)
  const [header, ...lines] = res.body.trim().split('\r\n')
  const cols = header!.split(',')
  t.ok(res.body.includes('<5'))
  for (const line of lines) {
    const cells = line.split(',')
    cells.forEach((c, i) => {
      if (/Rate|Share|Seconds/.test(cols[i]!) || i === 0) return
      t.notOk(/^[1-4]$/.test(c), `${cells[0]} ${cols[i]}: ${c}`)
    })
  }
  const la808 = lines.find((l) => l.startsWith('808,'))!.split(',')
  t.equal(la808[cols.indexOf('childrenNotified')], '<5')
})

t.test('by force and by month too', async (t) => {
  const force = (await get('force')).json()
  t.same(force.rows.map((r: Json) => r.key), ['cleveland', 'northumbria'])
  const month = (await get('month')).json()
  t.same(month.rows.map((r: Json) => r.key), ['2026-03'])
  t.equal(month.overall.childrenNotified, 32)
})

t.test('auditors and admins only; a bad range is a problem naming the field', async (t) => {
  t.equal((await get('la', police)).statusCode, 403)
  t.equal((await get('la', dsl)).statusCode, 403)
  const bad = await h.app.inject({ method: 'GET', url: '/v1/reports/board?from=2026-03-31&to=2026-03-01&groupBy=la', headers: { authorization: `Bearer ${auditor}` } })
  t.equal(bad.statusCode, 422)
  const wrong = await h.app.inject({ method: 'GET', url: '/v1/reports/board?from=2026-03-01&to=2026-03-31&groupBy=school', headers: { authorization: `Bearer ${auditor}` } })
  t.equal(wrong.statusCode, 400)
})

t.test('the same report after every retention rule has run', async (t) => {
  const before = await Promise.all(['la', 'force', 'month'].map(async (g) => (await get(g)).json()))
  const config = loadConfig({ NODE_ENV: 'test' })
  await runRetention(db, config, new Date('2027-06-01T00:00:00Z'))
  await runRetention(db, config, new Date('2029-06-01T00:00:00Z'))
  const { rows } = await db.query('SELECT count(*)::int AS n FROM children WHERE given_name IS NOT NULL OR pseudonym IS NOT NULL')
  t.equal(rows[0].n, 0, 'names and pseudonyms gone')
  const after = await Promise.all(['la', 'force', 'month'].map(async (g) => (await get(g)).json()))
  t.same(after, before)
})
