// A purge that cannot be undone: once a child's details are purged nothing in the database — any
// table, any column — holds them or an unkeyed hash from which they could be guessed back, while a
// resubmission of the incident is still told apart from a different one. Listing notifications
// audits which ones were listed.
import { createHash } from 'node:crypto'
import t from 'tap'
import type { IncidentInput } from '../../src/domain/incident.js'
import { purgeExpiredPersonalData } from '../../src/store/retention-store.js'
import { aSchool, anIncident, createHarness, eventually } from '../helpers/harness.js'

const h = await createHarness({ workers: true })
t.teardown(() => h.close())
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const dsl = await h.token('dsl', '111234')
const auth = (token: string) => ({ authorization: `Bearer ${token}` })
await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: auth(admin), payload: aSchool() })

const first = { givenName: 'Marigold', familyName: 'Thistlewood', dateOfBirth: '2014-03-09', present: true, school: { urn: '111234' } }
const second = { givenName: 'Peregrine', familyName: 'Ashcombe', dateOfBirth: '2017-10-30', present: false, school: { urn: '111234' } }
const body = { ...anIncident({ summary: 'Purge-marker-5531: neighbours heard shouting' }), children: [first, second] } as IncidentInput
const submit = (b: unknown) => h.app.inject({ method: 'POST', url: '/v1/incidents', headers: auth(police), payload: b as object })

const accepted = await submit(body)
const incidentId: string = accepted.json().id
const view = await eventually(async () => {
  const v = (await h.app.inject({ method: 'GET', url: `/v1/incidents/${incidentId}`, headers: auth(police) })).json()
  return v.children.every((c: { notification: { status: string } | null }) => c.notification?.status === 'sent') ? v : null
})
const [firstNotification, secondNotification]: string[] = view.children.map((c: { notification: { id: string } }) => c.notification.id)

/** Every way a careless design might have kept a child's details: as they are, or hashed without a key. */
function guessable(child: typeof first): string[] {
  const plain = [
    child.givenName, child.familyName, child.dateOfBirth, `${child.givenName} ${child.familyName}`, `${child.givenName}${child.familyName}`,
    `${child.familyName}, ${child.givenName}`, `${child.givenName}|${child.familyName}|${child.dateOfBirth}`,
    `${child.givenName} ${child.familyName} ${child.dateOfBirth}`, JSON.stringify(child),
    JSON.stringify({ givenName: child.givenName, familyName: child.familyName, dateOfBirth: child.dateOfBirth }),
  ]
  return [...plain, ...plain.map((p) => p.toLowerCase())]
}
function hashesOf(inputs: string[]): string[] {
  const out: string[] = []
  for (const input of inputs) {
    for (const alg of ['md5', 'sha1', 'sha256', 'sha512']) {
      const d = createHash(alg).update(input, 'utf8').digest()
      out.push(d.toString('hex'), d.toString('base64'), d.toString('base64url'))
    }
  }
  return out
}

/** The SHA-256 of a submission's canonical JSON, as anyone could compute it from a guessed submission. */
function unkeyedContentHash(b: IncidentInput): string {
  const canonical = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [c]) => (a < c ? -1 : a > c ? 1 : 0))
      return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`
    }
    return JSON.stringify(v)
  }
  const normal = { ...b, policeAwareAt: new Date(b.policeAwareAt).toISOString(), occurredAt: b.occurredAt && new Date(b.occurredAt).toISOString() }
  return createHash('sha256').update(canonical(normal)).digest('hex')
}

/** Every row of every table, as PostgreSQL prints it (bytea as hex). */
async function wholeDatabase(): Promise<string> {
  const { rows: tables } = await h.services.db.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")
  const parts: string[] = []
  for (const { name } of tables) {
    const { rows } = await h.services.db.query<{ row: string }>(`SELECT t::text AS row FROM "${name}" t`)
    for (const r of rows) parts.push(`${name}: ${r.row}`)
  }
  return parts.join('\n')
}

function found(dump: string, needles: string[]): string[] {
  const lower = dump.toLowerCase()
  return needles.filter((n) => dump.includes(n) || (/^[0-9a-f]+$/.test(n) && lower.includes(n)))
}

t.test('before a purge, a resubmission is told apart by its whole content', async (t) => {
  const again = await submit(body)
  t.equal(again.statusCode, 200)
  t.equal(again.json().id, incidentId)
  const renamed = await submit({ ...body, children: [{ ...first, givenName: 'Marygold' }, second] })
  t.equal(renamed.statusCode, 409, 'a different name under the same reference is another incident')
  t.equal(renamed.json().existingIncidentId, incidentId)
  t.same(found(await wholeDatabase(), [unkeyedContentHash(body)]).length, 1, 'the scan below would see a fingerprint of the whole content')
})

t.test('listing notifications audits the ids it listed', async (t) => {
  const list = await h.app.inject({ method: 'GET', url: '/v1/notifications', headers: auth(dsl) })
  t.equal(list.statusCode, 200)
  const { rows } = await h.services.db.query(
    "SELECT detail FROM audit_log WHERE action = 'notifications.list' ORDER BY id DESC LIMIT 1")
  t.same(new Set(rows[0].detail.notificationIds), new Set([firstNotification, secondNotification]))
  t.same(new Set(rows[0].detail.childIds), new Set(view.children.map((c: { id: string }) => c.id)))
  t.equal(rows[0].detail.count, 2)
  t.notOk(JSON.stringify(rows[0].detail).includes('Marigold'), 'ids, never details')
})

t.test('after one child is purged, nothing in the database holds its details or an unkeyed hash of them', async (t) => {
  const ack = await h.app.inject({ method: 'POST', url: `/v1/notifications/${firstNotification}/acknowledge`, headers: auth(dsl) })
  t.equal(ack.statusCode, 200)
  const later = new Date(h.clock.now().getTime() + 31 * 86_400_000)
  const r = await purgeExpiredPersonalData(h.services.db, later, 30)
  t.equal(r.children, 1, 'the acknowledged child only')

  const dump = await wholeDatabase()
  t.ok(dump.includes('Peregrine'), 'the scan does see what is still held (the other child, not yet closed)')
  const wholeContent = unkeyedContentHash(body)
  t.same(found(dump, [...guessable(first), ...hashesOf(guessable(first))]), [], 'the purged child is nowhere')
  t.same(found(dump, [wholeContent]), [], 'nor the fingerprint of the whole incident, which covers that child')
})

t.test('after the whole incident is purged, nothing of it can be guessed back, and a resubmission is still recognised', async (t) => {
  await h.app.inject({ method: 'POST', url: `/v1/notifications/${secondNotification}/acknowledge`, headers: auth(dsl) })
  const later = new Date(h.clock.now().getTime() + 31 * 86_400_000)
  const r = await purgeExpiredPersonalData(h.services.db, later, 30)
  t.same(r, { children: 1, incidents: 1 })

  const dump = await wholeDatabase()
  const summary = body.summary!
  const needles = [
    ...guessable(first), ...guessable(second), summary,
    ...hashesOf([...guessable(first), ...guessable(second), summary, JSON.stringify(body)]),
    unkeyedContentHash(body),
  ]
  t.same(found(dump, needles), [], 'no name, date of birth, summary or unkeyed hash of any of them, in any table')
  t.ok(dump.includes(body.reference), 'the scan does see what stays (the police reference)')

  const again = await submit(body)
  t.equal(again.statusCode, 200, 'the same incident sent again is still the same incident')
  t.equal(again.json().id, incidentId)
  const moved = await submit({ ...body, policeAwareAt: '2026-11-20T22:00:00Z' })
  t.equal(moved.statusCode, 409, 'one differing in what stays is another incident')
  const renamed = await submit({ ...body, children: [{ ...first, givenName: 'Someone' }, second] })
  t.equal(renamed.statusCode, 200, 'names can no longer be compared: what stays is what decides')
})

t.test('an incident purged before migration 015 kept no fingerprint: its reference answers 409, saying why', async (t) => {
  const other = anIncident()
  const res = await submit(other)
  await h.services.db.query('UPDATE incidents SET content_hash = NULL, record_hash = NULL, purged_at = now() WHERE id = $1', [res.json().id])
  const again = await submit(other)
  t.equal(again.statusCode, 409)
  t.match(again.json().detail, /removed at the end of the retention period/)
})
