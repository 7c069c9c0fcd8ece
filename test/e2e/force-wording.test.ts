// Per-force wording end to end (issue 14.5): PUT /v1/forces takes the desk's telephone number,
// guidance lines and whether the Key Adult may speak to the family; the Key Adult's e-mail carries
// them; a bad value is a problem naming its field with nothing changed. Each child's role is
// recorded and read back; an unknown role is refused naming the child's field.
import t from 'tap'
import { aSchool, anIncident, createHarness } from '../helpers/harness.js'

const h = await createHarness({ workers: true })
t.teardown(() => h.close())
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool() })

const FORCE = {
  name: 'Cleveland Police', deskEmail: 'encompass.desk@cleveland.police.example', deskPhone: '01632 960 123',
  guidance: ['Let the child’s class teacher know discreetly.', 'Call the desk if the child is absent.'], keyAdultMaySpeakToFamily: true,
}

t.test("a force's wording is kept and read back", async (t) => {
  const put = await h.app.inject({ method: 'PUT', url: '/v1/forces/cleveland', headers: json(admin), payload: FORCE })
  t.equal(put.statusCode, 200)
  t.match(put.json(), { deskPhone: '01632 960 123', guidance: FORCE.guidance, keyAdultMaySpeakToFamily: true })
  const get = await h.app.inject({ method: 'GET', url: '/v1/forces/cleveland', headers: json(police) })
  t.match(get.json(), { deskPhone: '01632 960 123', guidance: FORCE.guidance, keyAdultMaySpeakToFamily: true })
})

t.test('bad wording is refused naming the field, and nothing changes', async (t) => {
  for (const [body, path] of [
    [{ ...FORCE, deskPhone: 'call us' }, '/deskPhone'],
    [{ ...FORCE, guidance: [] }, '/guidance'],
    [{ ...FORCE, guidance: Array.from({ length: 7 }, (_, i) => `Line ${i}.`) }, '/guidance'],
    [{ ...FORCE, guidance: ['x'.repeat(301)] }, '/guidance/0'],
    [{ ...FORCE, keyAdultMaySpeakToFamily: 'yes' }, '/keyAdultMaySpeakToFamily'],
  ] as const) {
    const res = await h.app.inject({ method: 'PUT', url: '/v1/forces/cleveland', headers: json(admin), payload: body })
    t.equal(res.statusCode, 400, path)
    t.ok(res.json().errors.some((e: { path: string }) => e.path === path), `names ${path}`)
  }
  const get = await h.app.inject({ method: 'GET', url: '/v1/forces/cleveland', headers: json(admin) })
  t.equal(get.json().deskPhone, '01632 960 123')
})

t.test("the Key Adult's e-mail carries the force's guidance and desk telephone; the child's role is recorded", async (t) => {
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident({}, { role: 'suspect' }) })
  t.equal(res.statusCode, 202)
  const [mail] = await h.smtp.waitFor(1)
  const text = mail!.parsed.text ?? ''
  t.match(text, /Let the child’s class teacher know discreetly\./)
  t.match(text, /Call the desk if the child is absent\./)
  t.match(text, /telephone 01632 960 123 or e-mail encompass\.desk@cleveland\.police\.example/)
  t.match(text, /allows you to speak with the child’s family/)
  t.notMatch(text, /discuss it with the child or family/)
  const view = await h.app.inject({ method: 'GET', url: `/v1/incidents/${res.json().id}`, headers: json(police) })
  t.equal(view.json().children[0].role, 'suspect')
})

t.test('an unknown role is refused naming the child’s field; no role is fine', async (t) => {
  const bad = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident({ reference: 'CLE-ROLE-2' }, { role: 'bystander' }) })
  t.equal(bad.statusCode, 400)
  t.ok(bad.json().errors.some((e: { path: string }) => e.path === '/children/0/role'))
  const none = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident({ reference: 'CLE-ROLE-3' }) })
  t.equal(none.statusCode, 202)
  const view = await h.app.inject({ method: 'GET', url: `/v1/incidents/${none.json().id}`, headers: json(police) })
  t.equal(view.json().children[0].role, null)
})
