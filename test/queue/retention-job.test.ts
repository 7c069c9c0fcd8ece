// Retention for every table (docs/retention.md): each rule removes what is past its period and
// nothing else, every run is recorded, and the reports read the same before and after.
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { runRetention } from '../../src/queue/retention-job.js'
import { verifyAuditChain } from '../../src/store/audit-store.js'
import { replaceRoll } from '../../src/store/pupil-roll-store.js'
import { createToken } from '../../src/store/tokens-store.js'
import { aSchool, anIncident, createHarness, eventually } from '../helpers/harness.js'

const h = await createHarness({ workers: true })
t.teardown(() => h.close())
const { db } = h.services
const config = { ...loadConfig({ NODE_ENV: 'test' }) }
const DAY = 86_400_000
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const dsl = await h.token('dsl', '111234')
const auditor = await h.token('auditor')
const auth = (token: string) => ({ authorization: `Bearer ${token}` })
await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: auth(admin), payload: aSchool() })

const amy = { givenName: 'Amy', familyName: 'Example', dateOfBirth: '2016-05-04', present: true, school: { urn: '111234' } }
async function sent(body: object): Promise<{ incidentId: string; notificationId: string; childId: string }> {
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: auth(police), payload: body })
  if (res.statusCode !== 202) throw new Error(`incident refused: ${res.body}`)
  const id: string = res.json().id
  return eventually(async () => {
    const v = (await h.app.inject({ method: 'GET', url: `/v1/incidents/${id}`, headers: auth(police) })).json()
    const c = v.children[0]
    return c.notification?.status === 'sent' ? { incidentId: id, notificationId: c.notification.id, childId: c.id } : null
  })
}

// Two notifications about the same child (its name spelt with different case and spacing), one
// about a child with the same name but another date of birth.
const first = await sent(anIncident({}, amy))
const second = await sent(anIncident({ policeAwareAt: '2026-11-20T22:16:00Z' }, { ...amy, givenName: ' amy ', familyName: 'EXAMPLE' }))
const other = await sent(anIncident({ policeAwareAt: '2026-11-20T22:18:00Z' }, { ...amy, dateOfBirth: '2016-05-05' }))
await h.app.inject({ method: 'POST', url: `/v1/notifications/${first.notificationId}/acknowledge`, headers: auth(dsl) })
const ackedAt = (await db.query('SELECT acknowledged_at FROM notifications WHERE id = $1', [first.notificationId])).rows[0].acknowledged_at as Date

const report = async () => {
  const r = await h.app.inject({ method: 'GET', url: '/v1/reports/latency?from=2026-11-01&to=2026-11-30&groupBy=la', headers: auth(auditor) })
  if (r.statusCode !== 200) throw new Error(`report refused: ${r.body}`)
  return r.json()
}
const reportBefore = await report()
const child = async (id: string) => (await db.query('SELECT * FROM children WHERE id = $1', [id])).rows[0]
const at = (base: Date, days: number) => new Date(base.getTime() + days * DAY)

t.test('repeat notifications of one child are stamped by keyed pseudonym; another date of birth is another child', async (t) => {
  await runRetention(db, config, h.clock.now())
  const [a, b, c] = [await child(first.childId), await child(second.childId), await child(other.childId)]
  t.equal(a.times_notified_12m, 1)
  t.equal(b.times_notified_12m, 2, 'the second notification of the same child within 12 months')
  t.equal(c.times_notified_12m, 1)
  t.equal(a.pseudonym, b.pseudonym)
  t.not(a.pseudonym, c.pseudonym)
  t.notMatch(a.pseudonym, /amy|example|2016/i)
})

t.test('children: an acknowledged child is purged RETENTION_DAYS after acknowledgement, not before', async (t) => {
  await runRetention(db, config, at(ackedAt, config.RETENTION_DAYS - 1))
  t.equal((await child(first.childId)).given_name, 'Amy', 'kept the day before')
  await runRetention(db, config, at(ackedAt, config.RETENTION_DAYS + 1))
  const a = await child(first.childId)
  t.equal(a.given_name, null)
  t.equal(a.date_of_birth, null)
  t.equal(a.times_notified_12m, 1, 'the repeat stamp stays')
  t.equal((await child(second.childId)).given_name, 'amy', 'an unacknowledged, still open notification keeps its child')
  t.same(await report(), reportBefore, 'the report reads the same')
})

t.test('children: a notification never acknowledged waits RETENTION_UNACKNOWLEDGED_DAYS after it closed', async (t) => {
  // The desk was told at the deadline and nobody acknowledged.
  const closed = new Date('2026-11-23T08:30:00Z')
  await db.query('UPDATE notifications SET desk_step_at = $2 WHERE id = ANY($1::uuid[])', [[second.notificationId, other.notificationId], closed])
  await runRetention(db, config, at(closed, config.RETENTION_DAYS + 1))
  t.equal((await child(second.childId)).family_name, 'EXAMPLE', 'not purged at RETENTION_DAYS: the Key Adult may still read and print it')
  await runRetention(db, config, at(closed, config.RETENTION_UNACKNOWLEDGED_DAYS + 1))
  t.equal((await child(second.childId)).family_name, null)
  t.equal((await child(other.childId)).family_name, null)
  t.same(await report(), reportBefore)
})

t.test('pseudonyms go after PSEUDONYM_RETENTION_DAYS; the stamps stay', async (t) => {
  const pa = new Date('2026-11-20T22:18:00Z')
  await runRetention(db, config, at(pa, config.PSEUDONYM_RETENTION_DAYS - 1))
  t.ok((await child(second.childId)).pseudonym)
  await runRetention(db, config, at(pa, config.PSEUDONYM_RETENTION_DAYS + 1))
  const { rows } = await db.query('SELECT count(*)::int AS n FROM children WHERE pseudonym IS NOT NULL')
  t.equal(rows[0].n, 0)
  t.equal((await child(second.childId)).times_notified_12m, 2)
  t.same(await report(), reportBefore)
})

t.test('records: after RECORD_RETENTION_DAYS the reference and addresses go, timing facts stay', async (t) => {
  const pa = new Date('2026-11-20T22:18:00Z')
  const before = (await db.query('SELECT * FROM notifications WHERE id = $1', [first.notificationId])).rows[0]
  t.ok(before.recipients.length > 0)
  await runRetention(db, config, at(pa, config.RECORD_RETENTION_DAYS + 1))
  const inc = (await db.query('SELECT * FROM incidents WHERE id = $1', [first.incidentId])).rows[0]
  t.equal(inc.reference, `removed:${first.incidentId}`)
  t.equal(inc.record_hash, null)
  t.ok(inc.minimised_at)
  const n = (await db.query('SELECT * FROM notifications WHERE id = $1', [first.notificationId])).rows[0]
  t.same(n.recipients, [])
  t.equal(n.acknowledged_by, null)
  t.same([n.sent_at, n.acknowledged_at, n.due_by, n.status], [before.sent_at, before.acknowledged_at, before.due_by, before.status])
  const events = (await db.query('SELECT count(*)::int AS n FROM notification_events WHERE recipients IS NOT NULL')).rows[0]
  t.equal(events.n, 0, 'no staff address left in the steps')
  const dump = (await db.query("SELECT string_agg(t::text, ' ') AS s FROM (SELECT * FROM notifications) t")).rows[0].s as string
  t.notMatch(dump, /jo\.bloggs@example\.org/)
  t.same(await report(), reportBefore)
})

t.test('pupil rolls: a roll not replaced for PUPIL_ROLL_RETENTION_DAYS goes; its import record stays', async (t) => {
  const imported = new Date('2026-09-01T00:00:00Z')
  await replaceRoll(db, '808', [{ givenName: 'Amy', familyName: 'Example', dateOfBirth: '2016-05-04', urn: '111234' }], imported, 'test.csv')
  await replaceRoll(db, '373', [{ givenName: 'Bo', familyName: 'Other', dateOfBirth: '2015-01-01', urn: null }], at(imported, 200), 'test.csv')
  await runRetention(db, config, at(imported, config.PUPIL_ROLL_RETENTION_DAYS + 1))
  const { rows } = await db.query('SELECT la_code FROM pupil_roll ORDER BY la_code')
  t.same(rows.map((r) => r.la_code), ['373'], 'the stale roll went, the fresher one stayed')
  t.equal((await db.query("SELECT count(*)::int AS n FROM pupil_roll_imports WHERE la_code = '808'")).rows[0].n, 1)
})

t.test('operational rows, calendars and ended tokens go after their periods; current ones stay', async (t) => {
  const now = new Date('2030-01-01T00:00:00Z')
  const old = at(now, -config.OPERATIONAL_RETENTION_DAYS - 1)
  const recent = at(now, -1)
  const tok = await createToken(db, { role: 'auditor', forceCode: null, urn: null })
  const oldTok = await createToken(db, { role: 'auditor', forceCode: null, urn: null })
  await db.query('UPDATE api_tokens SET revoked_at = $2 WHERE id = $1', [oldTok.id, at(now, -config.AUDIT_RETENTION_DAYS - 1)])
  for (const [when, token] of [[old, tok.id], [recent, tok.id]] as const) {
    await db.query(
      `INSERT INTO sessions (secret_hash, token_id, role, created_at, last_seen_at, idle_expires_at, expires_at)
       VALUES (gen_random_bytes(32), $1, 'auditor', $2, $2, $2, $2)`, [token, when])
    await db.query(`INSERT INTO job_failures (job_id, queue, failures, first_failed_at, last_failed_at) VALUES ($1, 'match', 1, $2, $2)`,
      [`match-${when.getTime()}`, when])
    await db.query(`INSERT INTO alerts (force_code, kind, raised_at, cleared_at) VALUES ('cleveland', 'feed-quiet', $1, $1)`, [when])
    await db.query(`INSERT INTO incident_uploads (force_code, uploaded_by, age_min, age_max, total_rows, status, created_at, finished_at)
      VALUES ('cleveland', 'officer', 0, 17, 1, 'done', $1, $1)`, [when])
  }
  await db.query(`INSERT INTO la_closures (la_code, date, label) VALUES ('808', '2021-12-24', 'old'), ('808', '2029-12-24', 'recent')`)
  const r = await runRetention(db, config, now)
  t.ok(r)
  t.equal((await db.query('SELECT count(*)::int AS n FROM sessions')).rows[0].n, 1)
  t.equal((await db.query('SELECT count(*)::int AS n FROM job_failures')).rows[0].n, 1)
  t.equal((await db.query('SELECT count(*)::int AS n FROM alerts WHERE cleared_at IS NOT NULL')).rows[0].n, 1)
  t.same((await db.query('SELECT label FROM la_closures')).rows, [{ label: 'recent' }])
  t.same((await db.query('SELECT finished_at FROM incident_uploads')).rows, [{ finished_at: recent }], 'a finished upload goes after the period')
  t.equal((await db.query('SELECT count(*)::int AS n FROM api_tokens WHERE id = $1', [oldTok.id])).rows[0].n, 0)
  t.equal((await db.query('SELECT count(*)::int AS n FROM api_tokens WHERE id = $1', [tok.id])).rows[0].n, 1)
  t.same(await report(), reportBefore)
})

t.test('the audit trail: rows past AUDIT_RETENTION_DAYS go from the head, and the chain still verifies', async (t) => {
  const key = config.AUDIT_HMAC_KEY
  const before = await verifyAuditChain(db, key)
  t.equal(before.problem, null)
  t.ok(before.rows > 5)
  const now = at(new Date(), config.AUDIT_RETENTION_DAYS + 1)
  await runRetention(db, config, now)
  const after = await verifyAuditChain(db, key)
  t.equal(after.problem, null, 'verifies from the first row kept')
  t.ok(after.rows < before.rows, 'the head went')
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'retention.operational'")
  t.ok(rows[0]!.n >= 1, 'a row newer than the cutoff stays, and so every row after it in the chain')
  t.equal((await db.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'audit.head-removed'")).rows[0].n, 1)

  await t.rejects(db.query('DELETE FROM audit_log WHERE seq = (SELECT min(seq) FROM audit_log)'), /append-only/, 'any other delete is refused')
  // Someone who knows the switch but not the key removes the head: verification says so.
  const c = await db.connect()
  try {
    await c.query('BEGIN')
    await c.query("SET LOCAL encompass.audit_retention = 'on'")
    await c.query('DELETE FROM audit_log WHERE seq = (SELECT min(seq) FROM audit_log)')
    await c.query('COMMIT')
  } finally {
    c.release()
  }
  const tampered = await verifyAuditChain(db, key)
  t.match(tampered.problem, /no keyed record of the retention job/)
})

t.test('every run of every rule is recorded, and what removed rows is in the audit trail', async (t) => {
  const { rows } = await db.query<{ rule: string }>('SELECT DISTINCT rule FROM retention_runs ORDER BY rule')
  t.same(rows.map((r) => r.rule), ['api-tokens', 'audit-log', 'calendars', 'children-personal-details', 'operational', 'people', 'pseudonyms',
    'pupil-rolls', 'records', 'report-facts', 'retention-runs', 'sign-in-links'])
  const audited = await db.query<{ action: string }>("SELECT DISTINCT action FROM audit_log WHERE action LIKE 'retention.%'")
  t.ok(audited.rows.some((r) => r.action === 'retention.operational'))
})
