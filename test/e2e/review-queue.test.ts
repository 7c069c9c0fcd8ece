// The review queue, end to end: a child the service could not place (two schools on one site
// fit what the officer typed) waits, listed for its own force with the candidates considered;
// an officer assigns it, the Key Adult is told, and the timestamps show the wait. Assignments
// to a closed setting or one without a named Key Adult are refused; a child with no setting
// goes to the LA's children's services.
import t from 'tap'
import { ManualClock } from '../../src/domain/clock.js'
import { aSchool, anIncident, createHarness, eventually, importRealRegister } from '../helpers/harness.js'

// Friday night: the police became aware at 22:14; the service receives the record at 22:30.
const clock = new ManualClock(new Date('2026-11-20T22:30:00Z'))
const h = await createHarness({ clock, workers: true })
t.teardown(() => h.close())
const { db } = h.services
await importRealRegister(db)
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const otherForce = await h.token('police', 'northumbria')
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
const queue = async (token = police) => (await h.app.inject({ method: 'GET', url: '/v1/incidents?match=unmatched', headers: json(token) })).json()
const view = async (id: string) => (await h.app.inject({ method: 'GET', url: `/v1/incidents/${id}`, headers: json(police) })).json()
const assign = (incidentId: string, childId: string, payload: unknown, token = police) =>
  h.app.inject({ method: 'PUT', url: `/v1/incidents/${incidentId}/children/${childId}/school`, headers: json(token), payload: payload as object })

async function held(child: Record<string, unknown>) {
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident({}, child) })
  const { id, children } = res.json() as { id: string; children: { id: string }[] }
  await eventually(async () => (await view(id)).children[0].match.status === 'unmatched')
  return { id, childId: children[0]!.id }
}

t.test('an ambiguous child waits in the queue, is assigned by an officer, and goes out; the wait shows', async (t) => {
  // Oakfield Infant and Oakfield Junior share NE9 6JH: "Oakfield School, NE9" fits both.
  const { id, childId } = await held({ school: { name: 'Oakfield School', postcode: 'NE9' } })
  const v = await view(id)
  t.has(v.children[0].match, { status: 'unmatched', reason: 'name-postcode-ambiguous' })

  const list = await queue()
  const item = list.items.find((i: { child: { id: string } }) => i.child.id === childId)
  t.ok(item, 'listed for its force')
  t.has(item, { incidentId: id, force: 'cleveland', given: { name: 'Oakfield School', postcode: 'NE9' }, match: { status: 'unmatched', reason: 'name-postcode-ambiguous' } })
  const urns = item.candidates.map((c: { urn: string }) => c.urn)
  t.ok(urns.includes('150640') && urns.includes('150641'), 'both schools on the site are offered')
  for (const c of item.candidates) {
    t.same(Object.keys(c).sort(), ['laCode', 'method', 'name', 'open', 'postcode', 'score', 'urn'], 'a candidate is register facts and a score')
    t.ok(c.score >= 0 && c.score <= 1)
  }
  t.notOk((await queue(otherForce)).items.some((i: { child: { id: string } }) => i.child.id === childId), 'another force does not see it')
  t.equal((await assign(id, childId, { urn: '150640' }, otherForce)).statusCode, 404, 'nor can it assign it')
  for (const role of ['dsl', 'auditor'] as const) {
    const token = await h.token(role, role === 'dsl' ? '150640' : undefined)
    t.equal((await h.app.inject({ method: 'GET', url: '/v1/incidents?match=unmatched', headers: json(token) })).statusCode, 403, `${role}: 403`)
  }

  const noAdult = await assign(id, childId, { urn: '150640' })
  t.equal(noAdult.statusCode, 422, 'a setting without a named Key Adult is refused')
  t.has(noAdult.json(), { reason: 'no-key-adult', errors: [{ path: '/urn' }] })
  t.equal((await view(id)).children[0].match.status, 'unmatched', 'the child still waits')
  const alerts = (await h.app.inject({ method: 'GET', url: '/v1/directory/alerts', headers: json(admin) })).json()
  t.ok(alerts.items.some((a: { kind: string; urn: string }) => a.kind === 'no-key-adult' && a.urn === '150640'), 'administrators are alerted')

  await h.app.inject({
    method: 'PUT', url: '/v1/schools/150640', headers: json(admin),
    payload: aSchool({ name: 'Oakfield Junior School', laCode: '390', contacts: [{ role: 'dsl', name: 'Kim Ward', email: 'kim.ward@oakfield.example.org' }] }),
  })
  clock.advance(3 * 3600_000) // the officer gets to it at 01:30
  const ok = await assign(id, childId, { urn: '150640' })
  t.equal(ok.statusCode, 200)
  t.has(ok.json(), { incidentId: id, childId, match: { status: 'matched', urn: '150640', method: 'manual' }, notification: { status: 'scheduled' } })

  const mail = await eventually(async () => h.smtp.messages.find((m) => m.envelopeTo.includes('kim.ward@oakfield.example.org')))
  t.ok(mail, 'the Key Adult is told')
  const after = await eventually(async () => {
    const x = await view(id)
    return x.children[0].notification?.status === 'sent' ? x : null
  })
  t.has(after.children[0].match, { status: 'matched', urn: '150640', method: 'manual' })
  t.equal(after.receivedAt, '2026-11-20T22:30:00.000Z')
  t.equal(after.children[0].match.matchedAt, '2026-11-21T01:30:00.000Z', 'matchedAt after receivedAt: three hours in the queue')
  t.equal(after.children[0].notification.dueBy, '2026-11-23T08:30:00.000Z')
  t.notOk((await queue()).items.some((i: { child: { id: string } }) => i.child.id === childId), 'it has left the queue')
  const again = await assign(id, childId, { urn: '150641' })
  t.equal(again.statusCode, 409, 'a placed child is not placed twice')
  t.equal(again.headers['content-type'], 'application/problem+json; charset=utf-8')
})

t.test('a closed school is refused; an unknown URN is refused; the request must say one thing', async (t) => {
  const { id, childId } = await held({ school: { name: 'Oakfield School', postcode: 'NE9' } })
  const closed = await assign(id, childId, { urn: '111190' })
  t.equal(closed.statusCode, 422)
  t.has(closed.json(), { reason: 'setting-closed' })
  t.has((await assign(id, childId, { urn: '999999' })).json(), { status: 422, reason: 'unknown-urn' })
  const both = await assign(id, childId, { urn: '150640', noSetting: { laCode: '808' } })
  t.equal(both.statusCode, 400)
  t.equal((await assign(id, childId, {})).statusCode, 400)
  t.equal((await assign(id, childId, { urn: '150640', colour: 'red' })).json().errors[0].path, '/colour')
})

t.test('a child with no setting is placed with the LA’s children’s services, once it has a named contact', async (t) => {
  const { id, childId } = await held({ givenName: 'Robin', familyName: 'Marsh', dateOfBirth: '2013-03-03', school: undefined })
  t.has((await view(id)).children[0].match, { status: 'unmatched', reason: 'no-school-given' })
  const none = await assign(id, childId, { noSetting: { laCode: '808' } })
  t.equal(none.statusCode, 422)
  t.has(none.json(), { reason: 'no-la-contact', errors: [{ path: '/noSetting/laCode' }] })
  const put = await h.app.inject({
    method: 'PUT', url: '/v1/local-authorities/808/childrens-services', headers: json(admin),
    payload: { name: 'Stockton-on-Tees Children’s Hub', contacts: [{ role: 'lead', name: 'Dee Holt', email: 'dee.holt@stockton.example.org' }] },
  })
  t.equal(put.statusCode, 201)
  const ok = await assign(id, childId, { noSetting: { laCode: '808' } })
  t.equal(ok.statusCode, 200)
  t.has(ok.json(), { match: { status: 'no-setting', urn: null, method: 'manual' } })
  const mail = await eventually(async () => h.smtp.messages.find((m) => m.envelopeTo.includes('dee.holt@stockton.example.org')))
  t.match(mail.parsed.text, /Stockton-on-Tees Children’s Hub/)
  t.has((await view(id)).children[0].match, { status: 'no-setting', urn: null, method: 'manual', reason: 'la-childrens-services:808' })
})

t.test('an LA that does not exist is refused at once, and raises no alert nobody could clear', async (t) => {
  const { id, childId } = await held({ givenName: 'Robin', familyName: 'Hay', dateOfBirth: '2013-04-04', school: undefined })
  const before = (await h.app.inject({ method: 'GET', url: '/v1/directory/alerts', headers: json(admin) })).json().items.length
  const res = await assign(id, childId, { noSetting: { laCode: '999' } })
  t.equal(res.statusCode, 422)
  t.has(res.json(), { reason: 'unknown-la', errors: [{ path: '/noSetting/laCode' }] })
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/directory/alerts', headers: json(admin) })).json().items.length, before)
  const audit = (await h.app.inject({ method: 'GET', url: `/v1/audit?subjectId=${childId}`, headers: json(admin) })).json()
  t.ok(audit.items.some((a: { action: string }) => a.action === 'child.assign-refused'), 'the refusal is in the audit trail')
})

t.test('a held child past retention leaves the queue and can no longer be placed', async (t) => {
  const { id, childId } = await held({ givenName: 'Kit', familyName: 'Lowe', dateOfBirth: '2012-02-02', school: undefined })
  await db.query('UPDATE children SET given_name = NULL, family_name = NULL, date_of_birth = NULL, purged_at = $2 WHERE id = $1', [childId, clock.now()])
  t.notOk((await queue()).items.some((i: { child: { id: string } }) => i.child.id === childId), 'not in the queue')
  const res = await assign(id, childId, { urn: '150640' })
  t.equal(res.statusCode, 409)
  t.has(res.json(), { type: '/problems/purged' })
})

t.test('an administrator may assign for any force', async (t) => {
  const { id, childId } = await held({ school: { name: 'Oakfield School', postcode: 'NE9' } })
  await h.app.inject({
    method: 'PUT', url: '/v1/schools/150641', headers: json(admin),
    payload: aSchool({ name: 'Oakfield Infant School', laCode: '390', contacts: [{ role: 'dsl', name: 'Ash Young', email: 'ash.young@oakfield.example.org' }] }),
  })
  const res = await assign(id, childId, { urn: '150641' }, admin)
  t.equal(res.statusCode, 200)
  t.has(res.json(), { match: { status: 'matched', urn: '150641', method: 'manual' } })
})
