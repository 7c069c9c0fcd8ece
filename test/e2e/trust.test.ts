// Trust: personal details never leave Postgres (Redis, logs, metrics), every read and step is in a
// tamper-evident audit trail, tokens can be revoked, and retention forgets on schedule while the
// timing facts stay.
import t from 'tap'
import { runCli } from '../../src/cli.js'
import { audit, verifyAuditChain } from '../../src/store/audit-store.js'
import { sweep } from '../../src/queue/sweeper.js'
import { purgeExpiredPersonalData } from '../../src/store/retention-store.js'
import { createToken, PRINCIPAL_CACHE_MS } from '../../src/store/tokens-store.js'
import { aSchool, anIncident, createHarness, eventually } from '../helpers/harness.js'

const h = await createHarness({ workers: true })
t.teardown(() => h.close())
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const dsl = await h.token('dsl', '111234')
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool() })

const SECRET_BITS = ['Zephyrine', 'Quillfeather', '2015-07-19', 'Unique-summary-marker-8841']
const body = anIncident(
  { summary: 'Unique-summary-marker-8841: argument overheard' },
  { givenName: 'Zephyrine', familyName: 'Quillfeather', dateOfBirth: '2015-07-19' },
)
const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: body })
const incidentId = res.json().id
const view = await eventually(async () => {
  const v = (await h.app.inject({ method: 'GET', url: `/v1/incidents/${incidentId}`, headers: json(police) })).json()
  return v.children[0].notification?.status === 'sent' ? v : null
})
const notificationId = view.children[0].notification.id
const mail = h.smtp.messages.find((m) => m.parsed.text?.includes(body.reference))!
const ackPath = /http:\/\/encompass\.test(\/ack\/\S+)/.exec(mail.parsed.text!)![1]!
await h.app.inject({ method: 'GET', url: `/v1/notifications/${notificationId}`, headers: json(dsl) })
await h.app.inject({ method: 'POST', url: ackPath, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://encompass.test' }, payload: 'name=Jo+Bloggs' })

t.test('no child’s name, date of birth or summary in Redis, the logs or /metrics after a full flow', async (t) => {
  const redis = await h.redisDump()
  t.ok(redis.length > 0, 'the queues did hold jobs')
  const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body
  t.match(metrics, /encompass_notifications_total/)
  for (const bit of SECRET_BITS) {
    t.notOk(redis.includes(bit), `Redis never holds ${bit}`)
    t.notOk(h.logs.text.includes(bit), `the logs never hold ${bit}`)
    t.notOk(metrics.includes(bit), `/metrics never holds ${bit}`)
  }
  const ackToken = ackPath.split('/').pop()!
  t.notOk(h.logs.text.includes(ackToken), 'the acknowledgement token is not logged either')
  t.notOk(h.logs.text.includes(police), 'nor a bearer token')
  t.notOk(mail.parsed.text!.includes('Quillfeather'), 'the e-mail carries the family initial only')
  t.notOk(mail.parsed.text!.includes('2015-07-19'), 'and no date of birth')
})

t.test('the audit trail records reads and every notification step, and its chain verifies', async (t) => {
  const audit = (await h.app.inject({ method: 'GET', url: '/v1/audit?limit=1000', headers: json(admin) })).json()
  const actions = audit.items.map((r: { action: string }) => r.action)
  for (const a of ['school.create', 'incident.read', 'notification.scheduled', 'notification.sent', 'notification.read', 'notification.acknowledged']) {
    t.ok(actions.includes(a), `recorded ${a}`)
  }
  const read = audit.items.find((r: { action: string }) => r.action === 'notification.read')
  t.match(read, { actorRole: 'dsl', subjectId: notificationId, reason: 'read notification details' })
  for (const bit of SECRET_BITS) t.notOk(JSON.stringify(audit).includes(bit), `the audit trail holds no ${bit}`)
  const csv = await h.app.inject({ method: 'GET', url: '/v1/audit', headers: { ...json(admin), accept: 'text/csv' } })
  t.match(csv.headers['content-type'], /^text\/csv/)
  t.match(csv.body.split('\r\n')[0], /^id,at,actor,actorRole,action/)
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/audit', headers: json(police) })).statusCode, 403)
  const out: string[] = []
  await runCli(['audit', 'verify'], h.services.db, (l) => out.push(l))
  t.match(out[0], /audit chain intact/)
})

t.test('the audit trail refuses updates and deletes, and a tampered row is detected', async (t) => {
  await t.rejects(h.services.db.query("UPDATE audit_log SET reason = 'nothing to see' WHERE id = 1"), /append-only/)
  await t.rejects(h.services.db.query('DELETE FROM audit_log WHERE id = 2'), /append-only/)
  // Someone with the power to switch the trigger off edits a row: the chain shows it.
  const client = await h.services.db.connect()
  try {
    await client.query('BEGIN')
    await client.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update')
    await client.query("UPDATE audit_log SET reason = 'quietly changed' WHERE id = 3")
    const broken = await verifyAuditChain(client, h.services.config.AUDIT_HMAC_KEY)
    t.equal(broken.brokenAt, 3)
    await client.query('DELETE FROM audit_log WHERE id = 5')
    await client.query('ROLLBACK')
  } finally {
    client.release()
  }
  const intact = await verifyAuditChain(h.services.db, h.services.config.AUDIT_HMAC_KEY)
  t.equal(intact.brokenAt, null, 'rolled back: intact again')
  const client2 = await h.services.db.connect()
  try {
    await client2.query('BEGIN')
    await client2.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update')
    await client2.query('DELETE FROM audit_log WHERE id = 4')
    const gap = await verifyAuditChain(client2, h.services.config.AUDIT_HMAC_KEY)
    t.equal(gap.brokenAt, 5, 'a removed row breaks the link of the one after it')
    await client2.query('ROLLBACK')
  } finally {
    client2.release()
  }
})

t.test('a new audit row waits for the sweeper to seal it into the chain; until then it cannot be changed either', async (t) => {
  // Written and looked at before commit: the workers' own sweeps cannot seal it in between.
  const client = await h.services.db.connect()
  try {
    await client.query('BEGIN')
    await audit(client, { actor: 'system', action: 'test.unsealed', subjectType: 'test', reason: 'sealing' })
    const { rows } = await client.query("SELECT id, seq, hash FROM audit_log WHERE action = 'test.unsealed'")
    t.match(rows[0], { seq: null, hash: null }, 'written without taking the chain lock')
    await client.query('COMMIT')
  } finally {
    client.release()
  }
  await t.rejects(h.services.db.query("UPDATE audit_log SET reason = 'edited before sealing' WHERE action = 'test.unsealed'"), /append-only/)
  await t.rejects(h.services.db.query("UPDATE audit_log SET seq = 999999, hash = 'x', prev_hash = 'y', reason = 'sneaked in' WHERE action = 'test.unsealed'"), /append-only/, 'sealing may not change content')
  // This sweep, or the workers' own (one at a time), seals it.
  const sealed = await eventually(async () => {
    await sweep(h.services)
    const r = await h.services.db.query("SELECT seq, hash FROM audit_log WHERE action = 'test.unsealed'")
    return r.rows[0].seq !== null ? r : null
  })
  t.ok(sealed.rows[0].seq > 0 && sealed.rows[0].hash, 'the sweeper sealed it')
  await t.rejects(h.services.db.query("UPDATE audit_log SET seq = NULL, hash = NULL WHERE action = 'test.unsealed'"), /append-only/, 'nor be unsealed')
  t.equal((await verifyAuditChain(h.services.db, h.services.config.AUDIT_HMAC_KEY)).brokenAt, null)
})

t.test('a revoked token and an expired token are refused', async (t) => {
  const temp = await createToken(h.services.db, { role: 'police', forceCode: 'cleveland' })
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/incidents/${incidentId}`, headers: json(temp.secret) })).statusCode, 200)
  const out: string[] = []
  await runCli(['tokens', 'revoke', temp.id], h.services.db, (l) => out.push(l))
  t.match(out[0], /revoked/)
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/incidents/${incidentId}`, headers: json(temp.secret) })).statusCode, 401)
  const expired = await createToken(h.services.db, { role: 'admin', expiresAt: new Date(Date.now() - 1000) })
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/audit', headers: json(expired.secret) })).statusCode, 401)
  const { rows } = await h.services.db.query('SELECT last_used_at FROM api_tokens WHERE id = $1', [temp.id])
  t.ok(rows[0].last_used_at, 'last use is recorded')
  t.match(temp.secret, /^enc_[A-Za-z0-9_-]{43}$/, '256 random bits, base64url')
  const stored = await h.services.db.query('SELECT token_hash FROM api_tokens WHERE id = $1', [temp.id])
  t.notOk(stored.rows[0].token_hash.toString('utf8').includes(temp.secret.slice(4)), 'only a hash is stored')
})

t.test('a token revoked by another process stops working within PRINCIPAL_CACHE_MS', async (t) => {
  const temp = await createToken(h.services.db, { role: 'police', forceCode: 'cleveland' })
  const get = () => h.app.inject({ method: 'GET', url: `/v1/incidents/${incidentId}`, headers: json(temp.secret) })
  t.equal((await get()).statusCode, 200)
  // Another process (the CLI on another machine) revokes it: this process still trusts it briefly.
  await h.services.db.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1', [temp.id])
  await new Promise((r) => setTimeout(r, PRINCIPAL_CACHE_MS + 100))
  t.equal((await get()).statusCode, 401, 'refused once the cached principal has lapsed')
})

t.test('retention purges names, dates of birth and summaries, and keeps timings and reports intact', async (t) => {
  const before = await h.services.db.query(
    'SELECT police_aware_at, received_at, matched_at, sent_at, acknowledged_at, due_by FROM notifications WHERE id = $1', [notificationId])
  const early = await purgeExpiredPersonalData(h.services.db, h.clock.now(), 30)
  t.equal(early.children, 0, 'nothing is purged before the period has passed')
  const later = new Date(h.clock.now().getTime() + 31 * 86_400_000)
  const purged = await purgeExpiredPersonalData(h.services.db, later, 30)
  t.ok(purged.children >= 1)
  const v = (await h.app.inject({ method: 'GET', url: `/v1/incidents/${incidentId}`, headers: json(police) })).json()
  t.same([v.children[0].givenName, v.children[0].familyName, v.children[0].dateOfBirth, v.summary], [null, null, null, null])
  t.equal(v.children[0].notification.status, 'acknowledged', 'the notification and its status stay')
  const after = await h.services.db.query(
    'SELECT police_aware_at, received_at, matched_at, sent_at, acknowledged_at, due_by FROM notifications WHERE id = $1', [notificationId])
  t.same(after.rows[0], before.rows[0], 'every timestamp unchanged')
  const { rows } = await h.services.db.query(
    `SELECT count(*)::int AS n FROM children WHERE given_name LIKE 'Zephyrine%' OR family_name = 'Quillfeather'`)
  t.equal(rows[0].n, 0, 'no trace of the child’s name in the database')
  const summaries = await h.services.db.query(`SELECT count(*)::int AS n FROM incidents WHERE summary LIKE '%Unique-summary-marker%'`)
  t.equal(summaries.rows[0].n, 0)
  t.equal((await verifyAuditChain(h.services.db, h.services.config.AUDIT_HMAC_KEY)).brokenAt, null, 'the audit trail is intact')
  const resubmit = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: body })
  t.equal(resubmit.statusCode, 200, 'a late resubmission is still recognised as the same incident')
})
