// Children with no setting (issue 14.3), end to end over real Postgres, Redis and SMTP: the police
// say a child is in no setting and give the LA; an under-5 is told to the LA's health visiting
// contact, a 10-year-old to its children's services, an under-5 to children's services when the
// LA has no health visiting, and with neither the child is held and administrators alerted until
// one is set. An officer's assignment from the review queue follows the same rule; the pupil roll
// may still find the child an open setting. The board's raw counts tell the two contacts apart.
import t from 'tap'
import { boardReportRaw } from '../../src/store/board-report-store.js'
import { aSchool, anIncident, createHarness, eventually } from '../helpers/harness.js'

const h = await createHarness({ workers: true })
t.teardown(() => h.close())
const { db } = h.services
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
const view = async (id: string) => (await h.app.inject({ method: 'GET', url: `/v1/incidents/${id}`, headers: json(police) })).json()
const mailTo = (address: string) => eventually(async () => h.smtp.messages.find((m) => m.envelopeTo.includes(address)), 30_000)

async function submit(child: Record<string, unknown>) {
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident({}, { school: undefined, ...child }) })
  t.equal(res.statusCode, 202, res.body)
  return res.json() as { id: string; children: { id: string }[] }
}

async function settled(id: string) {
  return eventually(async () => {
    const v = await view(id)
    const c = v.children[0]
    return c.match.status === 'unmatched' || c.notification?.status === 'sent' ? v : null
  }, 30_000)
}

async function setContact(la: string, service: 'childrens-services' | 'health-visiting', lead: string, name?: string) {
  const res = await h.app.inject({
    method: 'PUT', url: `/v1/local-authorities/${la}/${service}`, headers: json(admin),
    payload: { ...(name ? { name } : {}), contacts: [{ role: 'lead', name: 'A Person', email: lead }] },
  })
  t.equal(res.statusCode, 201, res.body)
  return res.json()
}

t.test('the health visiting contact is kept like children’s services: its own reserved URN, named people, a lead', async (t) => {
  const hv = await setContact('808', 'health-visiting', 'hana.visitor@stockton.example.org')
  t.match(hv, { laCode: '808', laName: 'Stockton-on-Tees', urn: '99010808', name: 'Stockton-on-Tees health visiting', contacts: [{ role: 'lead', email: 'hana.visitor@stockton.example.org' }] })
  await setContact('808', 'childrens-services', 'carl.services@stockton.example.org')
  const got = await h.app.inject({ method: 'GET', url: '/v1/local-authorities/808/health-visiting', headers: json(admin) })
  t.equal(got.json().urn, '99010808')
  const inbox = await h.app.inject({
    method: 'PUT', url: '/v1/local-authorities/808/health-visiting', headers: json(admin),
    payload: { contacts: [{ role: 'lead', name: 'Duty', email: 'duty@stockton.example.org' }] },
  })
  t.equal(inbox.statusCode, 422, 'a team inbox is refused')
  const noLead = await h.app.inject({
    method: 'PUT', url: '/v1/local-authorities/808/health-visiting', headers: json(admin),
    payload: { contacts: [{ role: 'deputy', name: 'Dee Puty', email: 'dee.puty@stockton.example.org' }] },
  })
  t.equal(noLead.statusCode, 422, 'a lead is needed')
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/local-authorities/806/health-visiting', headers: json(admin) })).statusCode, 404)
  t.equal((await h.app.inject({ method: 'PUT', url: '/v1/schools/99010808', headers: json(admin), payload: aSchool() })).statusCode, 422, 'the reserved URN is not a school')
})

t.test('an under-5 the police say is in no setting: the LA’s health visiting contact is told', async (t) => {
  const incident = await submit({ givenName: 'Ada', familyName: 'Small', dateOfBirth: '2023-06-01', noSetting: { laCode: '808' } })
  const v = await settled(incident.id)
  t.has(v.children[0].match, { status: 'no-setting', urn: null, method: 'no-setting-given', reason: 'la-health-visiting:808' })
  t.equal(v.children[0].notification.urn, '99010808')
  const mail = await mailTo('hana.visitor@stockton.example.org')
  t.match(mail.parsed.text, /Stockton-on-Tees health visiting/)
  t.notOk(h.smtp.messages.some((m) => m.envelopeTo.includes('carl.services@stockton.example.org')), 'children’s services are not told of the under-5')
})

t.test('a 10-year-old in no setting: the LA’s children’s services are told', async (t) => {
  const incident = await submit({ givenName: 'Ben', familyName: 'Tall', dateOfBirth: '2016-05-04', noSetting: { laCode: '808' } })
  const v = await settled(incident.id)
  t.has(v.children[0].match, { status: 'no-setting', urn: null, method: 'no-setting-given', reason: 'la-childrens-services:808' })
  const mail = await mailTo('carl.services@stockton.example.org')
  t.match(mail.parsed.text, /Stockton-on-Tees children's services/)
})

t.test('an under-5 where the LA has no health visiting contact: children’s services are told', async (t) => {
  await setContact('807', 'childrens-services', 'rae.services@redcar.example.org')
  const incident = await submit({ givenName: 'Cy', familyName: 'Small', dateOfBirth: '2024-02-02', noSetting: { laCode: '807' } })
  const v = await settled(incident.id)
  t.has(v.children[0].match, { status: 'no-setting', reason: 'la-childrens-services:807' })
  t.ok(await mailTo('rae.services@redcar.example.org'))
})

t.test('an LA with neither contact: the child is held and administrators alerted; health visiting set, an under-5 goes out', async (t) => {
  const incident = await submit({ givenName: 'Di', familyName: 'Small', dateOfBirth: '2024-03-03', noSetting: { laCode: '806' } })
  const v = await settled(incident.id)
  t.has(v.children[0].match, { status: 'unmatched', reason: 'no-la-contact' })
  t.equal(v.children[0].notification, null)
  const alerts = (await h.app.inject({ method: 'GET', url: '/v1/directory/alerts', headers: json(admin) })).json()
  t.match(alerts.items, [{ kind: 'no-la-contact', laCode: '806', childrenHeld: 1 }])
  t.match(h.logs.text, /ALERT: the directory is holding a child back/)
  await setContact('806', 'health-visiting', 'mo.visitor@middlesbrough.example.org')
  const after = await eventually(async () => {
    const x = await view(incident.id)
    return x.children[0].notification?.status === 'sent' ? x : null
  }, 30_000)
  t.has(after.children[0].match, { status: 'no-setting', reason: 'la-health-visiting:806' })
  t.ok(await mailTo('mo.visitor@middlesbrough.example.org'))
})

t.test('intake refuses noSetting beside a school, and an LA that is not one of England or Wales', async (t) => {
  const both = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident({}, { noSetting: { laCode: '808' } }) })
  t.equal(both.statusCode, 400)
  t.equal(both.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.same(both.json().errors.map((e: { path: string }) => e.path), ['/children/0/noSetting'])
  const unknown = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident({}, { school: undefined, noSetting: { laCode: '999' } }) })
  t.equal(unknown.statusCode, 422)
  t.same(unknown.json().errors.map((e: { path: string }) => e.path), ['/children/0/noSetting/laCode'])
})

t.test('the pupil roll still places a child the police thought in no setting, when it names an open setting', async (t) => {
  const put = await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin),
    payload: aSchool({ name: 'Oakfield Nursery', contacts: [{ role: 'dsl', name: 'Nia Nursery', email: 'nia.nursery@example.org' }] }) })
  t.ok([200, 201].includes(put.statusCode), put.body)
  const roll = await h.app.inject({ method: 'POST', url: '/v1/pupil-rolls/808', headers: json(admin),
    payload: [{ givenName: 'Eve', familyName: 'Rolled', dateOfBirth: '2023-07-07', urn: '111234' }] })
  t.equal(roll.statusCode, 200, roll.body)
  const incident = await submit({ givenName: 'Eve', familyName: 'Rolled', dateOfBirth: '2023-07-07', noSetting: { laCode: '808' } })
  const v = await settled(incident.id)
  t.has(v.children[0].match, { status: 'matched', urn: '111234', method: 'pupil-roll' })
  t.ok(await mailTo('nia.nursery@example.org'))
})

t.test('an officer’s noSetting assignment follows the same rule', async (t) => {
  const incident = await submit({ givenName: 'Fin', familyName: 'Small', dateOfBirth: '2024-08-08' })
  const held = await settled(incident.id)
  t.has(held.children[0].match, { status: 'unmatched', reason: 'no-school-given' })
  const ok = await h.app.inject({ method: 'PUT', url: `/v1/incidents/${incident.id}/children/${incident.children[0]!.id}/school`, headers: json(police), payload: { noSetting: { laCode: '808' } } })
  t.equal(ok.statusCode, 200, ok.body)
  t.has(ok.json(), { match: { status: 'no-setting', urn: null, method: 'manual' } })
  t.has((await view(incident.id)).children[0].match, { status: 'no-setting', method: 'manual', reason: 'la-health-visiting:808' })
  const older = await submit({ givenName: 'Gus', familyName: 'Tall', dateOfBirth: '2012-08-08' })
  await settled(older.id)
  const cs = await h.app.inject({ method: 'PUT', url: `/v1/incidents/${older.id}/children/${older.children[0]!.id}/school`, headers: json(police), payload: { noSetting: { laCode: '808' } } })
  t.equal(cs.statusCode, 200, cs.body)
  t.has((await view(older.id)).children[0].match, { reason: 'la-childrens-services:808' })
})

t.test('the board’s counts tell children told through children’s services and through health visiting apart', async (t) => {
  const raw = await boardReportRaw(db, { from: '2026-11-20', to: '2026-11-20', groupBy: 'force' })
  // Health visiting: Ada (808), Di (806), Fin (808); children's services: Ben (808), Cy (807), Gus (808).
  t.equal(raw.overall.toHealthVisiting, 3)
  t.equal(raw.overall.toChildrensServices, 3)
  t.equal(raw.overall.settingTypes['LA health visiting'], 3)
  const report = await h.app.inject({ method: 'GET', url: '/v1/reports/board?from=2026-11-20&to=2026-11-20&groupBy=force', headers: json(admin) })
  t.equal(report.statusCode, 200, report.body)
  t.equal(report.json().overall.toHealthVisiting, null, '1–4 is never shown')
})
