// Every endpoint × every role × in scope / out of scope, with the answer each must give:
// 401 without a valid token, 403 for a role the endpoint never serves, 404 for a record outside
// the caller's scope (so its existence does not leak), 2xx in scope.
import t from 'tap'
import { processMatch } from '../../src/queue/match-worker.js'
import { aSchool, anIncident, createHarness } from '../helpers/harness.js'

const h = await createHarness({ workers: false })
t.teardown(() => h.close())

const tokens = {
  none: '',
  bad: 'enc_this-is-not-a-token',
  policeOwn: await h.token('police', 'cleveland'),
  policeOther: await h.token('police', 'durham'),
  dslOwn: await h.token('dsl', '111234'),
  dslOther: await h.token('dsl', '222333'),
  auditor: await h.token('auditor'),
  admin: await h.token('admin'),
}
type Caller = keyof typeof tokens
const json = (token: string) => ({ ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' })

for (const urn of ['111234', '222333']) {
  await h.app.inject({ method: 'PUT', url: `/v1/schools/${urn}`, headers: json(tokens.admin), payload: aSchool() })
}
const posted = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(tokens.policeOwn), payload: anIncident() })
const incidentId = posted.json().id
await processMatch(h.services, posted.json().children[0].id)
const { rows } = await h.services.db.query('SELECT id FROM notifications LIMIT 1')
const notificationId = rows[0].id

interface Endpoint {
  name: string
  method: 'GET' | 'POST' | 'PUT'
  url: string
  body?: () => unknown
  expect: Partial<Record<Caller, number>>
}

const ANON = { none: 401, bad: 401 }
const endpoints: Endpoint[] = [
  {
    name: 'submit an incident', method: 'POST', url: '/v1/incidents', body: () => anIncident(),
    expect: { ...ANON, policeOwn: 202, policeOther: 202, dslOwn: 403, dslOther: 403, auditor: 403, admin: 403 },
  },
  {
    name: 'read an incident', method: 'GET', url: `/v1/incidents/${incidentId}`,
    expect: { ...ANON, policeOwn: 200, policeOther: 404, dslOwn: 403, dslOther: 403, auditor: 403, admin: 200 },
  },
  {
    name: 'put a school', method: 'PUT', url: '/v1/schools/111234', body: () => aSchool(),
    expect: { ...ANON, policeOwn: 403, policeOther: 403, dslOwn: 403, dslOther: 403, auditor: 403, admin: 200 },
  },
  {
    name: 'read a school', method: 'GET', url: '/v1/schools/111234',
    expect: { ...ANON, policeOwn: 403, policeOther: 403, dslOwn: 200, dslOther: 404, auditor: 403, admin: 200 },
  },
  {
    name: 'a school’s deadline', method: 'GET', url: '/v1/schools/111234/deadline?policeAwareAt=2026-11-20T22:14:00Z',
    expect: { ...ANON, policeOwn: 200, policeOther: 200, dslOwn: 403, dslOther: 403, auditor: 403, admin: 200 },
  },
  {
    name: 'a school’s calendar exception', method: 'PUT', url: '/v1/schools/111234/calendar/2026-12-01', body: () => ({ open: false, label: 'INSET day' }),
    expect: { ...ANON, policeOwn: 403, policeOther: 403, dslOwn: 403, dslOther: 403, auditor: 403, admin: 204 },
  },
  {
    name: 'list notifications', method: 'GET', url: '/v1/notifications',
    expect: { ...ANON, policeOwn: 403, policeOther: 403, dslOwn: 200, dslOther: 200, auditor: 403, admin: 200 },
  },
  {
    name: 'read a notification', method: 'GET', url: `/v1/notifications/${notificationId}`,
    expect: { ...ANON, policeOwn: 403, policeOther: 403, dslOwn: 200, dslOther: 404, auditor: 403, admin: 200 },
  },
  {
    name: 'acknowledge a notification', method: 'POST', url: `/v1/notifications/${notificationId}/acknowledge`,
    expect: { ...ANON, policeOwn: 403, policeOther: 403, dslOwn: 200, dslOther: 404, auditor: 403, admin: 403 },
  },
  {
    name: 'put a force', method: 'PUT', url: '/v1/forces/cleveland', body: () => ({ name: 'Cleveland Police' }),
    expect: { ...ANON, policeOwn: 403, policeOther: 403, dslOwn: 403, dslOther: 403, auditor: 403, admin: 200 },
  },
  {
    name: 'read a force', method: 'GET', url: '/v1/forces/cleveland',
    expect: { ...ANON, policeOwn: 200, policeOther: 404, dslOwn: 403, dslOther: 403, auditor: 403, admin: 200 },
  },
  {
    name: 'the audit trail', method: 'GET', url: '/v1/audit',
    expect: { ...ANON, policeOwn: 403, policeOther: 403, dslOwn: 403, dslOther: 403, auditor: 403, admin: 200 },
  },
  {
    name: 'the latency report', method: 'GET', url: '/v1/reports/latency?from=2026-01-01&to=2026-12-31&groupBy=la',
    expect: { ...ANON, policeOwn: 403, policeOther: 403, dslOwn: 403, dslOther: 403, auditor: 200, admin: 200 },
  },
  {
    name: 'the dashboard', method: 'GET', url: '/dashboard',
    expect: { none: 303, bad: 401, policeOwn: 403, policeOther: 403, dslOwn: 403, dslOther: 403, auditor: 200, admin: 200 },
  },
]

let answered = 0
for (const e of endpoints) {
  t.test(e.name, async (t) => {
    for (const [caller, status] of Object.entries(e.expect) as [Caller, number][]) {
      const res = await h.app.inject({
        method: e.method,
        url: e.url,
        headers: json(tokens[caller]),
        ...(e.body ? { payload: JSON.stringify(e.body()) } : {}),
      })
      t.equal(res.statusCode, status, `${caller} → ${status}`)
      if (status >= 400 && status !== 303) t.match(res.headers['content-type'], /^application\/problem\+json/, `${caller}: problem+json`)
      answered += 1
    }
  })
}

t.test('the matrix covered every role for every endpoint', async (t) => {
  t.equal(answered, endpoints.length * Object.keys(tokens).length)
})

t.test('out of scope answers are indistinguishable from absence', async (t) => {
  const missing = await h.app.inject({ method: 'GET', url: '/v1/incidents/00000000-0000-4000-8000-000000000000', headers: json(tokens.policeOther) })
  const hidden = await h.app.inject({ method: 'GET', url: `/v1/incidents/${incidentId}`, headers: json(tokens.policeOther) })
  t.equal(hidden.statusCode, missing.statusCode)
  t.same(hidden.json().detail, missing.json().detail)
})

t.test('an auditor’s answers carry no personal data', async (t) => {
  const report = await h.app.inject({ method: 'GET', url: '/v1/reports/latency?from=2026-01-01&to=2026-12-31&groupBy=school', headers: json(tokens.auditor) })
  t.notMatch(report.body, /Amy|Example|2016-05-04/)
})
