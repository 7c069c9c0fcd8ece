// A child with several settings (issue 14.2) and the police's follow-ups (14.4): one notification
// per setting, each with its own deadline, acknowledgement and escalation; a withdrawal stops what
// is not yet sent and tells exactly those already told; a correction reaches exactly those already
// told, once per correction. Real Postgres, Redis and SMTP; a controllable clock.
import t from 'tap'
import { ManualClock } from '../../src/domain/clock.js'
import { sweep } from '../../src/queue/sweeper.js'
import { aSchool, anIncident, createHarness, eventually } from '../helpers/harness.js'

const clock = new ManualClock(new Date('2026-11-20T22:20:00Z')) // Friday night; Monday is a school day
const h = await createHarness({ clock, workers: true, env: { SWEEP_INTERVAL_MS: '3600000' } })
t.teardown(() => h.close())
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const durham = await h.token('police', 'durham')
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
const settle = () => new Promise((r) => setTimeout(r, 400))

await h.app.inject({
  method: 'PUT', url: '/v1/forces/cleveland', headers: json(admin),
  payload: { name: 'Cleveland Police', copyDeputies: false, deskEmail: 'desk@cleveland.police.example', escalationLeadMinutes: 60 },
})
await h.app.inject({
  method: 'PUT', url: '/v1/forces/durham', headers: json(admin),
  // Sends only between 07:00 and 18:00: a report on Friday night waits for Monday morning.
  payload: { name: 'Durham Constabulary', copyDeputies: false, deskEmail: 'desk@durham.police.example', deliveryNotBefore: '07:00', deliveryNotAfter: '18:00' },
})
await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool() })
const nursery = await h.app.inject({
  method: 'PUT', url: '/v1/schools/EY512345', headers: json(admin),
  payload: aSchool({
    name: 'Little Acorns Day Nursery', type: 'early-years', dayStartsAt: '07:30',
    contacts: [{ role: 'dsl', name: 'Nia Nursery', email: 'nia@acorns.example' }, { role: 'deputy', name: 'Dee Deputy', email: 'dee@acorns.example' }],
  }),
})

const mailsTo = (address: string) => h.smtp.messages.filter((m) => m.envelopeTo.includes(address))
const view = async (id: string, token = police) => (await h.app.inject({ method: 'GET', url: `/v1/incidents/${id}`, headers: json(token) })).json()
const submit = async (body: Record<string, unknown>, token = police) => {
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(token), payload: body })
  t.equal(res.statusCode, 202, 'accepted')
  return res.json().id as string
}
const allSent = (id: string, n: number) =>
  eventually(async () => {
    const v = await view(id)
    const ns = v.children.flatMap((c: { notifications: { status: string }[] }) => c.notifications)
    return ns.length === n && ns.every((x: { status: string }) => x.status !== 'scheduled') ? v : null
  })

t.test('a child at a school and a nursery: two notifications, each its own deadline, acknowledgement and escalation', async (t) => {
  t.equal(nursery.statusCode, 201, 'an Ofsted early-years URN is a setting')
  const id = await submit(anIncident({}, { school: undefined, settings: [{ urn: '111234' }, { urn: 'EY512345' }] }))
  const v = await allSent(id, 2)
  t.equal(v.children.length, 1, 'one child')
  const [school, early] = v.children[0].notifications
  t.same([school.urn, early.urn], ['111234', 'EY512345'], 'in the order the settings were given')
  t.same(v.children[0].notification, school, '`notification` is the first, for clients that know one')
  t.equal(school.dueBy, '2026-11-23T08:30:00.000Z')
  t.equal(early.dueBy, '2026-11-23T07:30:00.000Z', "the nursery's own day start")
  t.equal(mailsTo('jo.bloggs@example.org').length, 1, 'the school told')
  t.equal(mailsTo('nia@acorns.example').length, 1, 'the nursery told')

  // The school's Key Adult acknowledges; the nursery's does not.
  const dsl = await h.token('dsl', '111234')
  const ack = await h.app.inject({ method: 'POST', url: `/v1/notifications/${school.id}/acknowledge`, headers: json(dsl), payload: { by: 'Jo Bloggs' } })
  t.equal(ack.statusCode, 200)
  clock.set(new Date('2026-11-23T08:31:00Z')) // past both deadlines
  await sweep(h.services)
  await eventually(async () => mailsTo('desk@cleveland.police.example').length >= 1)
  await settle()
  const desk = mailsTo('desk@cleveland.police.example')
  t.equal(desk.length, 1, 'one desk alert: the nursery’s')
  t.match(desk[0]!.parsed.text ?? '', /Little Acorns/)
  t.equal(mailsTo('dee@acorns.example').length, 1, "the nursery's deputy escalated to")
  t.equal(mailsTo('sam.deputy@example.org').length, 0, "the school's deputy not: the school acknowledged")
  const after = await view(id)
  t.same(after.children[0].notifications.map((n: { status: string }) => n.status), ['acknowledged', 'escalated'])
  clock.set(new Date('2026-11-20T22:20:00Z'))
})

t.test('settings: the child’s field named when it is wrong; nothing stored', async (t) => {
  const before = (await h.services.db.query('SELECT count(*)::int AS n FROM incidents')).rows[0].n
  const both = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident({}, { settings: [{ urn: 'EY512345' }] }) })
  t.equal(both.statusCode, 400)
  t.same(both.json().errors.map((e: { path: string }) => e.path), ['/children/0/settings'])
  const twice = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident({}, { school: undefined, settings: [{ urn: '111234' }, { urn: '111234' }] }) })
  t.equal(twice.statusCode, 400)
  t.match(twice.json().errors[0], { path: '/children/0/settings', message: /same setting twice/ })
  const five = await h.app.inject({
    method: 'POST', url: '/v1/incidents', headers: json(police),
    payload: anIncident({}, { school: undefined, settings: ['100001', '100002', '100003', '100004', '100005'].map((urn) => ({ urn })) }),
  })
  t.equal(five.statusCode, 400)
  t.equal((await h.services.db.query('SELECT count(*)::int AS n FROM incidents')).rows[0].n, before)
})

t.test('withdrawal: nothing more is sent; exactly those already told get one withdrawal e-mail', async (t) => {
  const id = await submit(anIncident({}, {}))
  await allSent(id, 1)
  // A second child the service could not place (held for review).
  const held = await h.app.inject({
    method: 'POST', url: `/v1/incidents/${id}/children`, headers: json(police),
    payload: { givenName: 'Ben', familyName: 'Example', dateOfBirth: '2019-02-11', present: false, school: { urn: '999999' } },
  })
  t.equal(held.statusCode, 202)
  await eventually(async () => (await view(id)).children[1]?.match.status === 'unmatched')
  const told = mailsTo('jo.bloggs@example.org').length

  const res = await h.app.inject({ method: 'POST', url: `/v1/incidents/${id}/withdraw`, headers: json(police), payload: { reason: 'Recorded against the wrong family.' } })
  t.equal(res.statusCode, 200)
  t.equal(res.json().status, 'withdrawn')
  t.equal(res.json().withdrawnReason, 'Recorded against the wrong family.')
  t.equal(res.json().children[1].match.status, 'withdrawn', 'the held child leaves the review queue')
  await eventually(async () => mailsTo('jo.bloggs@example.org').length > told)
  await settle()
  const notice = mailsTo('jo.bloggs@example.org').slice(told)
  t.equal(notice.length, 1, 'one withdrawal e-mail to the Key Adult told')
  t.match(notice[0]!.parsed.subject ?? '', /WITHDRAWN/)
  t.notMatch(notice[0]!.raw, /wrong family/, 'the reason stays behind sign-in')
  t.notMatch(notice[0]!.parsed.text ?? '', /2016-05-04|Verbal argument/, 'no date of birth, no circumstances')

  // The Key Adult's page says so, with the reason, and offers no acknowledgement.
  const dsl = await h.token('dsl', '111234')
  const kaPage = await h.app.inject({ method: 'GET', url: `/notifications/${res.json().children[0].notification.id}`, headers: { authorization: `Bearer ${dsl}` } })
  t.equal(kaPage.statusCode, 200)
  t.match(kaPage.body, /The police withdrew this notification on .*Their reason: Recorded against the wrong family\./s)
  t.notMatch(kaPage.body, /<button[^>]*>[^<]*Acknowledge/, 'nothing to acknowledge')
  const again = await h.app.inject({ method: 'POST', url: `/v1/incidents/${id}/withdraw`, headers: json(police), payload: { reason: 'again' } })
  t.equal(again.statusCode, 200, 'withdrawing again: the same answer')
  t.equal(again.json().withdrawnReason, 'Recorded against the wrong family.', 'the first reason stands')
  // Past the deadline: no escalation of a withdrawn incident.
  clock.set(new Date('2026-11-23T08:31:00Z'))
  await sweep(h.services)
  await settle()
  t.same(mailsTo('jo.bloggs@example.org').slice(told).map((m) => m.parsed.subject), [notice[0]!.parsed.subject], 'nothing more to the Key Adult')
  t.equal(mailsTo('sam.deputy@example.org').length, 0, 'no deputies step')
  t.notOk(h.smtp.messages.some((m) => m.envelopeTo.includes('desk@cleveland.police.example') && (m.parsed.text ?? '').includes(res.json().reference)), 'no desk alert')
  const add = await h.app.inject({
    method: 'POST', url: `/v1/incidents/${id}/children`, headers: json(police),
    payload: { givenName: 'Cy', familyName: 'Example', dateOfBirth: '2018-02-11', present: false, school: { urn: '111234' } },
  })
  t.equal(add.statusCode, 422, 'a withdrawn incident takes no more children')
  const audit = await h.services.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'incident.withdraw' AND subject_id = $1`, [id])
  t.equal(audit.rows[0].n, 1)
  clock.set(new Date('2026-11-20T22:20:00Z'))
})

t.test('withdrawal before the e-mail went: it never goes, and nobody is told of a withdrawal', async (t) => {
  const id = await submit(anIncident({ reference: 'DUR-2026-0001' }), durham)
  const v = await eventually(async () => {
    const x = await view(id, durham)
    return x.children[0].notification ? x : null
  })
  t.equal(v.children[0].notification.status, 'scheduled', 'waiting for the force’s delivery window')
  const before = h.smtp.messages.length
  const res = await h.app.inject({ method: 'POST', url: `/v1/incidents/${id}/withdraw`, headers: json(durham), payload: { reason: 'Duplicate of DUR-2026-0000.' } })
  t.equal(res.statusCode, 200)
  t.equal(res.json().children[0].notification.status, 'withdrawn', 'an explicit end, not a silent drop')
  clock.set(new Date('2026-11-23T07:05:00Z')) // inside the window
  await sweep(h.services)
  await settle()
  t.equal(h.smtp.messages.length, before, 'nothing sent')
  clock.set(new Date('2026-11-20T22:20:00Z'))
})

t.test('a correction reaches those already told, once, marked as a correction', async (t) => {
  const id = await submit(anIncident())
  const v = await allSent(id, 1)
  const told = mailsTo('jo.bloggs@example.org').length
  const childId = v.children[0].id
  const fix = { riskLevel: 'high', children: [{ id: childId, givenName: 'Amelia' }] }
  const res = await h.app.inject({ method: 'PATCH', url: `/v1/incidents/${id}`, headers: json(police), payload: fix })
  t.equal(res.statusCode, 200)
  t.equal(res.json().revision, 1)
  t.equal(res.json().riskLevel, 'high')
  t.equal(res.json().children[0].givenName, 'Amelia')
  await eventually(async () => mailsTo('jo.bloggs@example.org').length > told)
  const same = await h.app.inject({ method: 'PATCH', url: `/v1/incidents/${id}`, headers: json(police), payload: fix })
  t.equal(same.statusCode, 200)
  t.equal(same.json().revision, 1, 'the same correction again changes nothing')
  await sweep(h.services)
  await settle()
  const corrections = mailsTo('jo.bloggs@example.org').slice(told)
  t.equal(corrections.length, 1, 'one correction e-mail')
  t.match(corrections[0]!.parsed.subject ?? '', /CORRECTION/)

  const second = await h.app.inject({ method: 'PATCH', url: `/v1/incidents/${id}`, headers: json(police), payload: { children: [{ id: childId, present: false }] } })
  t.equal(second.json().revision, 2)
  await eventually(async () => mailsTo('jo.bloggs@example.org').length > told + 1)
  await settle()
  const ids = mailsTo('jo.bloggs@example.org').slice(told).map((m) => m.parsed.messageId)
  t.equal(new Set(ids).size, 2, 'each correction is a message of its own')
  const events = await h.services.db.query(
    `SELECT count(*)::int AS n FROM notification_events e JOIN notifications n ON n.id = e.notification_id WHERE n.incident_id = $1 AND e.kind = 'correction'`, [id])
  t.equal(events.rows[0].n, 2)
})

t.test('a correction: fields that cannot change, unknown children and broken rules are named; nothing written', async (t) => {
  const id = await submit(anIncident())
  const v = await allSent(id, 1)
  const patch = (payload: unknown, token = police) => h.app.inject({ method: 'PATCH', url: `/v1/incidents/${id}`, headers: json(token), payload: payload as object })
  const fixed = await patch({ policeAwareAt: '2026-11-20T20:00:00Z' })
  t.equal(fixed.statusCode, 400)
  t.match(fixed.json().errors[0], { path: '/policeAwareAt', message: /every deadline/ })
  const nothing = await patch({})
  t.equal(nothing.statusCode, 400)
  const stranger = await patch({ children: [{ id: '00000000-0000-4000-8000-000000000000', givenName: 'X' }] })
  t.equal(stranger.statusCode, 422)
  t.same(stranger.json().errors.map((e: { path: string }) => e.path), ['/children/0/id'])
  const old = await patch({ children: [{ id: v.children[0].id, dateOfBirth: '2000-01-01' }], riskLevel: 'high' })
  t.equal(old.statusCode, 422)
  t.same(old.json().errors.map((e: { path: string }) => e.path), ['/children/0/dateOfBirth'])
  const late = await patch({ occurredAt: '2026-11-21T09:00:00Z' })
  t.equal(late.statusCode, 422)
  t.same(late.json().errors.map((e: { path: string }) => e.path), ['/occurredAt'])
  t.equal((await view(id)).riskLevel, 'medium', 'nothing written')
  t.equal((await patch({ riskLevel: 'high' }, durham)).statusCode, 404, "another force's incident")
  t.equal((await patch({ riskLevel: 'high' }, admin)).statusCode, 403)
  await h.app.inject({ method: 'POST', url: `/v1/incidents/${id}/withdraw`, headers: json(police), payload: { reason: 'Withdrawn to test.' } })
  t.equal((await patch({ riskLevel: 'high' })).statusCode, 409, 'a withdrawn incident is not corrected')
  t.equal((await h.app.inject({ method: 'POST', url: `/v1/incidents/${id}/withdraw`, headers: json(police), payload: { reason: '' } })).statusCode, 400)
})
