// The spine with GOV.UK Notify as the transport (issue 14.7), over real Postgres and Redis and a
// local server that answers as Notify's API does: an incident goes in, each Key Adult gets a Notify
// send on the notification template and the notification reads back sent with Notify's ids as the
// provider's response; a 429 is retried after the pause Notify asked for and sent once; a 400 ends
// the notification failed, as an SMTP 5xx does; and no request to Notify names the child.
import t from 'tap'
import { createMailer } from '../../src/mail/transport.js'
import { FakeNotify, NOTIFY_ERRORS, notifyEnv, TEMPLATE_IDS, type NotifyRequest } from '../helpers/fake-notify.js'
import { aSchool, anIncident, createHarness, eventually } from '../helpers/harness.js'

const fake = await new FakeNotify().start()
const h = await createHarness({ env: notifyEnv(fake) })
// The harness sends through its SMTP server; this deployment sends through Notify, as main.ts builds it.
h.services.mailer.close()
h.services.mailer = createMailer({ requireTls: false, poolSize: 1, mailDir: '/nonexistent', notify: h.services.config.notify })
h.startWorkers()
t.teardown(async () => {
  await h.close()
  await fake.stop()
})
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })

const schools = [
  await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool() }),
  await h.app.inject({
    method: 'PUT', url: '/v1/schools/401234', headers: json(admin),
    payload: aSchool({ name: 'Ysgol Gynradd Enghraifft', laCode: '677', contacts: [{ role: 'dsl', name: 'Ceri Jones', email: 'ceri.jones@example.org' }] }),
  }),
]
t.same(schools.map((r) => r.statusCode), [201, 201], 'a school in England and one in Wales, with their Key Adults')

// A name and a date of birth no other text in a message could hold by chance.
const child = { givenName: 'Zephyrine', familyName: 'Quillfeather', dateOfBirth: '2016-05-04' }
const childTraces = /Zephyrine|Quillfeather|2016-05-04|04\/05\/2016|4 May 2016/

async function report(over: Record<string, unknown> = {}): Promise<string> {
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident({}, { ...child, ...over }) })
  if (res.statusCode !== 202) throw new Error(`incident not accepted: ${res.statusCode} ${res.body}`)
  return res.json().id
}

async function notificationOf(incidentId: string, status: string) {
  const view = await eventually(async () => {
    const v = (await h.app.inject({ method: 'GET', url: `/v1/incidents/${incidentId}`, headers: json(police) })).json()
    return v.children[0].notification?.status === status ? v : null
  }, 20_000)
  const n = view.children[0].notification
  const { rows } = await h.services.db.query('SELECT smtp_response, last_error, recipients FROM notifications WHERE id = $1', [n.id])
  return { ...n, ...rows[0] } as { id: string; smtp_response: string | null; last_error: string | null; recipients: string[] | null }
}

/** Every send of a notification's e-mails: its Message-ID is the reference, ".deputies" and so on for later ones. */
const sendsFor = (notificationId: string): NotifyRequest[] =>
  fake.requests.filter((r) => r.body?.reference === `${notificationId}@encompass-notify` || r.body?.reference?.startsWith(`${notificationId}.`))

t.test('an incident reaches each Key Adult through Notify and reads back sent, Notify’s ids recorded', async (t) => {
  const n = await notificationOf(await report(), 'sent')
  const sends = sendsFor(n.id)
  t.same(sends.map((r) => [r.body?.email_address, r.status]), [['jo.bloggs@example.org', 201], ['sam.deputy@example.org', 201]], 'the DSL, and the deputy copied, each sent once')
  t.ok(sends.every((r) => r.token !== null), 'with Notify’s bearer token')
  t.ok(sends.every((r) => r.body?.template_id === TEMPLATE_IDS.notification.en), 'on the English notification template')
  t.equal(n.smtp_response, `201 Notify ${sends[0]!.id} ${sends[1]!.id}`, 'Notify’s ids as the provider’s response')
  t.same(n.recipients, ['jo.bloggs@example.org', 'sam.deputy@example.org'])
  const p = sends[0]!.body!.personalisation as { subject: string; body: string; link: string }
  t.match(p.subject, /^Operation Encompass notification CLE-2026-/)
  t.equal(p.link, `http://encompass.test/notifications/${n.id}`, 'the link to sign in and read the record')
  t.match(p.body, /Police reference: CLE-2026-/)
  t.match(p.body, /Open this page to acknowledge: http:\/\/encompass\.test\/ack\//)
  t.notMatch(p.body, /Verbal argument/, 'the circumstances never travel')
  t.equal(h.smtp.messages.length, 0, 'nothing went by SMTP')
})

t.test('a setting in Wales gets the Welsh-first template, Welsh words first', async (t) => {
  const n = await notificationOf(await report({ school: { urn: '401234' } }), 'sent')
  const [send] = sendsFor(n.id)
  t.equal(send!.body?.template_id, TEMPLATE_IDS.notification.cy)
  t.match((send!.body!.personalisation as { body: string }).body, /^Ymgyrch Encompass/)
  t.match((send!.body!.personalisation as { subject: string }).subject, /^Hysbysiad Ymgyrch Encompass \/ Operation Encompass notification CLE-2026-/)
})

t.test('a 429 is retried after the pause Notify asked for, and the e-mail is sent exactly once', async (t) => {
  fake.next.push({ ...NOTIFY_ERRORS.rateLimit, retryAfter: 2 })
  const n = await notificationOf(await report(), 'sent')
  const toDsl = sendsFor(n.id).filter((r) => r.body?.email_address === 'jo.bloggs@example.org')
  t.same(toDsl.map((r) => r.status), [429, 201], 'refused once, then accepted once')
  t.ok(toDsl[1]!.at - toDsl[0]!.at >= 1_900, `retried ${toDsl[1]!.at - toDsl[0]!.at} ms later: after Notify's 2 s, not the 200 ms backoff`)
  t.equal(sendsFor(n.id).filter((r) => r.status === 201).length, 2, 'the DSL and the deputy, once each')
})

t.test('a 500 is retried with the queue’s backoff and sent', async (t) => {
  fake.next.push({ ...NOTIFY_ERRORS.serverError })
  const n = await notificationOf(await report(), 'sent')
  t.same(sendsFor(n.id).map((r) => r.status), [500, 201, 201])
})

t.test('a 400 for every Key Adult ends the notification failed, as an SMTP refusal does: never dropped', async (t) => {
  fake.refuse.set('jo.bloggs@example.org', { ...NOTIFY_ERRORS.teamOnly })
  fake.refuse.set('sam.deputy@example.org', { ...NOTIFY_ERRORS.teamOnly })
  t.teardown(() => fake.refuse.clear())
  const n = await notificationOf(await report(), 'failed')
  t.match(n.last_error, /^GOV\.UK Notify refused the deputies too: Notify 400 BadRequestError: Can't send to this recipient using a team-only API key/)
  const sends = sendsFor(n.id)
  t.same(sends.map((r) => r.status), [400, 400, 400], 'the first e-mail to both, then the deputies’ e-mail, each refused once: no retries')
  t.same(sends.map((r) => r.body?.template_id), [TEMPLATE_IDS.notification.en, TEMPLATE_IDS.notification.en, TEMPLATE_IDS.deputies.en])
})

t.test('no request to Notify carries the child’s name or date of birth', async (t) => {
  t.ok(fake.requests.length >= 10)
  for (const r of fake.requests) t.notMatch(r.raw, childTraces, `${r.method} ${r.path} names no child`)
  t.notMatch(h.logs.text, childTraces, 'nor does the log')
})
