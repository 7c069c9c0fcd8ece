// A follow-up child (issue 14.4, POST /v1/incidents/{id}/children): stored on the incident and
// notified like any child at intake; the same child again is nothing new; the intake's rules and
// the 20-children limit hold; another force's incident is not found; bad input names the field.
import t from 'tap'
import { aSchool, anIncident, createHarness, eventually } from '../helpers/harness.js'

const h = await createHarness({ workers: true })
t.teardown(() => h.close())
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const otherForce = await h.token('police', 'durham')
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool() })

const created = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident() })
const incidentId = created.json().id as string
await h.smtp.waitFor(1)
const add = (body: Record<string, unknown>, token = police, id = incidentId) =>
  h.app.inject({ method: 'POST', url: `/v1/incidents/${id}/children`, headers: json(token), payload: body })
const BEN = { givenName: 'Ben', familyName: 'Example', dateOfBirth: '2019-02-11', present: false, role: 'witness', school: { urn: '111234' } }
const childCount = async () => (await h.services.db.query('SELECT count(*)::int AS n FROM children WHERE incident_id = $1', [incidentId])).rows[0].n as number

t.test('a child found next morning is added and its school told, like any child at intake', async (t) => {
  const res = await add(BEN)
  t.equal(res.statusCode, 202)
  t.match(res.json(), { id: /^[0-9a-f-]{36}$/, incidentId, status: 'accepted' })
  await h.smtp.waitFor(2)
  const view = await eventually(async () => {
    const v = (await h.app.inject({ method: 'GET', url: `/v1/incidents/${incidentId}`, headers: json(police) })).json()
    return v.children[1]?.notification?.status === 'sent' ? v : null
  })
  t.same(view.children.map((c: { givenName: string; role: string | null }) => [c.givenName, c.role]), [['Amy', null], ['Ben', 'witness']])
  const audit = await h.services.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'incident.child-add' AND subject_id = $1`, [incidentId])
  t.equal(audit.rows[0].n, 1)
})

t.test('the same child again is the child already there: 200, nothing stored or sent', async (t) => {
  const first = await add(BEN)
  const again = await add({ ...BEN, givenName: 'BEN', familyName: 'example' })
  t.equal(first.statusCode, 200)
  t.equal(again.statusCode, 200)
  t.equal(again.json().id, first.json().id)
  t.equal(await childCount(), 2)
  await new Promise((r) => setTimeout(r, 300))
  t.equal(h.smtp.messages.length, 2)
})

t.test("the intake's rules hold: the age band on the day the police knew, the field named", async (t) => {
  const res = await add({ ...BEN, givenName: 'Carl', dateOfBirth: '2000-01-01' })
  t.equal(res.statusCode, 422)
  t.same(res.json().errors.map((e: { path: string }) => e.path), ['/dateOfBirth'])
  t.match(res.json().errors[0].message, /outside this force's age band 0–17/)
  const bad = await add({ ...BEN, givenName: '', dateOfBirth: '2019-02-30', role: 'bystander' })
  t.equal(bad.statusCode, 400)
  t.same(bad.json().errors.map((e: { path: string }) => e.path).sort(), ['/dateOfBirth', '/givenName', '/role'])
  t.equal(await childCount(), 2, 'nothing stored')
})

t.test('only the force that made the incident, and only the police, may add to it', async (t) => {
  t.equal((await add({ ...BEN, givenName: 'Dan' }, otherForce)).statusCode, 404)
  t.equal((await add({ ...BEN, givenName: 'Dan' }, police, '00000000-0000-4000-8000-000000000000')).statusCode, 404)
  t.equal((await add({ ...BEN, givenName: 'Dan' }, admin)).statusCode, 403)
  t.equal((await add({ ...BEN, givenName: 'Dan' }, police, 'not-a-uuid')).statusCode, 400)
  t.equal(await childCount(), 2)
})

t.test('an incident holds at most 20 children, follow-ups included', async (t) => {
  for (let i = await childCount(); i < 20; i++) t.equal((await add({ ...BEN, givenName: `Kid${i}` })).statusCode, 202)
  const res = await add({ ...BEN, givenName: 'Twentyfirst' })
  t.equal(res.statusCode, 422)
  t.match(res.json().errors[0].message, /already has 20 children/)
  t.equal(await childCount(), 20)
})
