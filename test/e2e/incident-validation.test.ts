// Every rejected submission answers problem+json naming the field, and stores nothing.
import t from 'tap'
import { aSchool, anIncident, createHarness } from '../helpers/harness.js'

const h = await createHarness({ workers: false })
t.teardown(() => h.close())
const police = await h.token('police', 'cleveland')
const dsl = await h.token('dsl', '111234')
const admin = await h.token('admin')
const headers = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
const post = (payload: unknown, token = police) =>
  h.app.inject({ method: 'POST', url: '/v1/incidents', headers: headers(token), payload: typeof payload === 'string' ? payload : JSON.stringify(payload) })

async function storedIncidents(): Promise<number> {
  const { rows } = await h.services.db.query('SELECT (SELECT count(*) FROM incidents) + (SELECT count(*) FROM children) AS n')
  return rows[0].n
}

const minutesFromNow = (m: number) => new Date(h.clock.now().getTime() + m * 60_000).toISOString()

const cases: { name: string; body: unknown; status: number; paths: string[] }[] = [
  { name: 'an unknown top-level field', body: anIncident({ officerNotes: 'x' }), status: 400, paths: ['/officerNotes'] },
  { name: 'an unknown field on a child', body: anIncident({}, { nhsNumber: '123' }), status: 400, paths: ['/children/0/nhsNumber'] },
  { name: 'an unknown field in a school', body: anIncident({}, { school: { urn: '111234', la: '808' } }), status: 400, paths: ['/children/0/school/la'] },
  { name: 'a missing reference', body: { ...anIncident(), reference: undefined }, status: 400, paths: ['/reference'] },
  { name: 'an empty reference', body: anIncident({ reference: '' }), status: 400, paths: ['/reference'] },
  { name: 'a reference over 64 characters', body: anIncident({ reference: 'R'.repeat(65) }), status: 400, paths: ['/reference'] },
  { name: 'a missing policeAwareAt', body: { ...anIncident(), policeAwareAt: undefined }, status: 400, paths: ['/policeAwareAt'] },
  { name: 'a policeAwareAt without an offset', body: anIncident({ policeAwareAt: '2026-11-20T22:14:00' }), status: 400, paths: ['/policeAwareAt'] },
  { name: 'a policeAwareAt that is not a date', body: anIncident({ policeAwareAt: 'yesterday' }), status: 400, paths: ['/policeAwareAt'] },
  { name: 'an incidentType outside the list', body: anIncident({ incidentType: 'domestic' }), status: 400, paths: ['/incidentType'] },
  { name: 'a riskLevel outside the list', body: anIncident({ riskLevel: 'extreme' }), status: 400, paths: ['/riskLevel'] },
  { name: 'a summary over 2000 characters', body: anIncident({ summary: 's'.repeat(2001) }), status: 400, paths: ['/summary'] },
  { name: 'no children', body: anIncident({ children: [] }), status: 400, paths: ['/children'] },
  { name: 'more than 20 children', body: anIncident({ children: Array.from({ length: 21 }, () => anIncident().children[0]) }), status: 400, paths: ['/children'] },
  { name: 'a child without a date of birth', body: anIncident({}, { dateOfBirth: undefined }), status: 400, paths: ['/children/0/dateOfBirth'] },
  { name: 'an impossible date of birth', body: anIncident({}, { dateOfBirth: '2016-02-30' }), status: 400, paths: ['/children/0/dateOfBirth'] },
  { name: 'present given as a string', body: anIncident({}, { present: 'yes' }), status: 400, paths: ['/children/0/present'] },
  { name: 'a non-numeric URN', body: anIncident({}, { school: { urn: 'ABC' } }), status: 400, paths: ['/children/0/school/urn'] },
  { name: 'an empty school object', body: anIncident({}, { school: {} }), status: 400, paths: ['/children/0/school'] },
  { name: 'a string where the body should be an object', body: '"hello"', status: 400, paths: [''] },
  { name: 'policeAwareAt in the future', body: anIncident({ policeAwareAt: minutesFromNow(30), occurredAt: undefined }), status: 422, paths: ['/policeAwareAt'] },
  { name: 'occurredAt after policeAwareAt', body: anIncident({ occurredAt: '2026-11-20T22:15:00Z' }), status: 422, paths: ['/occurredAt'] },
  { name: 'a child aged 18 on the aware date', body: anIncident({}, { dateOfBirth: '2008-11-20' }), status: 422, paths: ['/children/0/dateOfBirth'] },
  { name: 'a child born after the aware date', body: anIncident({}, { dateOfBirth: '2026-11-21' }), status: 422, paths: ['/children/0/dateOfBirth'] },
  {
    name: 'the second child out of band names the second child',
    body: anIncident({ children: [anIncident().children[0], { ...anIncident().children[0], dateOfBirth: '2000-01-01' }] }),
    status: 422,
    paths: ['/children/1/dateOfBirth'],
  },
]

for (const c of cases) {
  t.test(`${c.name} is a ${c.status} naming ${c.paths.join(', ') || 'the body'}`, async (t) => {
    const res = await post(c.body)
    t.equal(res.statusCode, c.status)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    const problem = res.json()
    t.match(problem, { type: String, title: String, status: c.status, detail: String })
    for (const path of c.paths) t.ok(problem.errors.some((e: { path: string }) => e.path === path), `errors name ${path}`)
    t.equal(await storedIncidents(), 0, 'nothing stored')
  })
}

t.test('a child who turns 18 the day after the aware date is still eligible', async (t) => {
  const res = await post(anIncident({}, { dateOfBirth: '2008-11-21' }))
  t.equal(res.statusCode, 202)
})

t.test('the aware date is the London date: 23:30 UTC on 31 May in summer time is 1 June', async (t) => {
  // Born 1 June 2008: 18 on 1 June 2026 (London), still 17 on 31 May (UTC).
  const res = await post(anIncident({ policeAwareAt: '2026-05-31T23:30:00Z', occurredAt: undefined }, { dateOfBirth: '2008-06-01' }))
  t.equal(res.statusCode, 422)
})

t.test('the age band is per force', async (t) => {
  const put = await h.app.inject({
    method: 'PUT', url: '/v1/forces/northumbria', headers: headers(admin),
    payload: { name: 'Northumbria Police', ageMin: 4, ageMax: 16 },
  })
  t.equal(put.statusCode, 200)
  const northumbria = await h.token('police', 'northumbria')
  const three = await post(anIncident({}, { dateOfBirth: '2023-01-01' }), northumbria)
  t.equal(three.statusCode, 422, 'a 3-year-old is outside 4–16')
  t.match(three.json().errors[0].message, /4–16/)
  const seventeen = await post(anIncident({}, { dateOfBirth: '2009-01-01' }), northumbria)
  t.equal(seventeen.statusCode, 422, 'a 17-year-old is outside 4–16')
  const ten = await post(anIncident({}, { dateOfBirth: '2016-01-01' }), northumbria)
  t.equal(ten.statusCode, 202)
  const cleveland = await post(anIncident({}, { dateOfBirth: '2023-01-01' }))
  t.equal(cleveland.statusCode, 202, 'the default band 0–17 admits a 3-year-old')
})

t.test('malformed JSON is a 400 problem', async (t) => {
  const res = await post('{"reference": ')
  t.equal(res.statusCode, 400)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
})

t.test('a body that is not JSON is a 415 problem', async (t) => {
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: { authorization: `Bearer ${police}`, 'content-type': 'text/plain' }, payload: 'hi' })
  t.equal(res.statusCode, 415)
})

t.test('without a token: 401; with a bad token: 401; a dsl token: 403', async (t) => {
  const none = await h.app.inject({ method: 'POST', url: '/v1/incidents', payload: anIncident() })
  t.equal(none.statusCode, 401)
  t.equal(none.headers['www-authenticate'], 'Bearer')
  t.match(none.headers['content-type'], /^application\/problem\+json/)
  t.equal((await post(anIncident(), 'enc_not-a-real-token')).statusCode, 401)
  t.equal((await post(anIncident(), dsl)).statusCode, 403)
  t.equal((await post(anIncident(), admin)).statusCode, 403, 'incidents come from a force')
})

t.test('GET of an unknown incident is a 404 problem; a malformed id a 400', async (t) => {
  const res = await h.app.inject({ method: 'GET', url: '/v1/incidents/00000000-0000-4000-8000-000000000000', headers: headers(police) })
  t.equal(res.statusCode, 404)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  const bad = await h.app.inject({ method: 'GET', url: '/v1/incidents/not-a-uuid', headers: headers(police) })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().errors[0].path, '/params/id')
})

t.test('PUT /v1/schools refuses a generic role inbox and names the field', async (t) => {
  const res = await h.app.inject({
    method: 'PUT', url: '/v1/schools/111234', headers: headers(admin),
    payload: aSchool({ contacts: [{ role: 'dsl', name: 'Office', email: 'office@example-school.org' }] }),
  })
  t.equal(res.statusCode, 422)
  t.equal(res.json().errors[0].path, '/contacts/0/email')
  const missing = await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: headers(admin), payload: { contacts: [] } })
  t.equal(missing.statusCode, 400)
  t.equal(missing.json().errors[0].path, '/name')
})

t.test('health and readiness', async (t) => {
  t.equal((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
  const ready = await h.app.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ready', postgres: 'ok', redis: 'ok' })
})
