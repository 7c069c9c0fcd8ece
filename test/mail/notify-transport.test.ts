// GOV.UK Notify as the transport (src/mail/notify-transport.ts), against a local server that answers
// as Notify's API documentation says: one request per recipient on the template for the message's
// kind and language, Notify's bearer token, and each documented answer classed as permanent or
// temporary, with the pause Notify asks for.
import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config.js'
import { notifyErrorOf, retryAfterMs } from '../../src/mail/notify-transport.js'
import { templateIdFor } from '../../src/mail/notify-templates.js'
import { createMailer, describeSendError, isPermanentSendFailure, retryAfterMsOf, type OutgoingMail } from '../../src/mail/transport.js'
import { FakeNotify, NOTIFY_API_KEY, NOTIFY_ERRORS, NOTIFY_SERVICE_ID, notifyEnv, TEMPLATE_IDS } from '../helpers/fake-notify.js'

const fake = await new FakeNotify().start()
t.teardown(() => fake.stop())
const settings = { apiKey: NOTIFY_API_KEY, baseUrl: fake.url, templateIds: TEMPLATE_IDS, timeoutMs: 2_000 }
const mailer = createMailer({ requireTls: false, poolSize: 1, mailDir: '/nonexistent', notify: settings })
t.teardown(() => mailer.close())

const mail = (over: Partial<OutgoingMail> = {}): OutgoingMail => ({
  messageId: '<n1@encompass-notify>',
  from: 'Operation Encompass <encompass-notify@localhost>',
  to: ['jo.bloggs@example.org'],
  cc: ['sam.deputy@example.org'],
  subject: 'Operation Encompass notification CLE-1',
  text: 'the whole text',
  html: '<p>html part</p>',
  template: { kind: 'notification', language: 'en', lines: ['Operation Encompass: …', '', 'Police reference: CLE-1'], link: 'http://encompass.test/notifications/n1' },
  ...over,
})

/** The error a send threw, or a failure of the test if it did not. */
async function refusal(t: { fail(message: string): unknown }, m: OutgoingMail = mail({ cc: [] })): Promise<unknown> {
  try {
    await mailer.send(m)
  } catch (err) {
    return err
  }
  t.fail('the send should have failed')
  return null
}

t.test('each recipient gets a request of their own on the template for the kind and language, signed as Notify expects', async (t) => {
  const before = fake.requests.length
  t.equal(mailer.kind, 'notify')
  const result = await mailer.send(mail())
  const sent = fake.requests.slice(before)
  t.equal(sent.length, 2, 'one request per address, the copy too')
  t.same(sent.map((r) => r.body?.email_address), ['jo.bloggs@example.org', 'sam.deputy@example.org'])
  t.same(result.accepted, ['jo.bloggs@example.org', 'sam.deputy@example.org'])
  t.same(result.rejected, [])
  t.equal(result.response, `201 Notify ${sent[0]!.id} ${sent[1]!.id}`, 'Notify’s ids are the provider’s response')
  for (const r of sent) {
    t.equal(r.token?.iss, NOTIFY_SERVICE_ID, 'a JWT bearer token naming the service, signed with the key’s secret')
    t.match(r.userAgent, /^NOTIFY-API-NODE-CLIENT\/8\.4\.0$/)
    t.equal(r.body?.template_id, TEMPLATE_IDS.notification.en)
    t.equal(r.body?.reference, 'n1@encompass-notify', 'our Message-ID as Notify’s reference')
    t.same(Object.keys(r.body?.personalisation ?? {}).sort(), ['body', 'link', 'subject'], 'only what the template places')
    t.same(r.body?.personalisation, { subject: 'Operation Encompass notification CLE-1', body: 'Operation Encompass: …\n\nPolice reference: CLE-1', link: 'http://encompass.test/notifications/n1' })
  }
})

t.test('the template follows the kind and first language; a kind with no Welsh template goes on its English one', async (t) => {
  const before = fake.requests.length
  await mailer.send(mail({ cc: [], template: { kind: 'deputies', language: 'cy', lines: ['Ymgyrch Encompass'], link: 'http://x.test/' } }))
  await mailer.send(mail({ cc: [], template: { kind: 'sign-in', language: 'en', lines: ['Use this link'], link: 'http://x.test/sign-in' } }))
  t.same(fake.requests.slice(before).map((r) => r.body?.template_id), [TEMPLATE_IDS.deputies.cy, TEMPLATE_IDS['sign-in'].en])
  t.equal(templateIdFor(TEMPLATE_IDS, 'alert', 'cy'), TEMPLATE_IDS.alert.en)
  t.equal(templateIdFor(TEMPLATE_IDS, 'desk', 'cy'), TEMPLATE_IDS.desk.cy)
})

t.test('a message without template parts is refused for good, before anything reaches Notify', async (t) => {
  const before = fake.requests.length
  const err = await refusal(t, mail({ template: undefined }))
  t.equal(isPermanentSendFailure(err), true)
  t.equal(fake.requests.length, before)
})

for (const [name, answer] of [['trial mode', NOTIFY_ERRORS.trialMode], ['a team-only key', NOTIFY_ERRORS.teamOnly], ['an invalid address', NOTIFY_ERRORS.badAddress], ['a bad key', NOTIFY_ERRORS.badKey], ['clock skew', NOTIFY_ERRORS.clock]] as const) {
  t.test(`Notify's ${answer.status} ${answer.error} for ${name} is permanent`, async (t) => {
    fake.next.push({ ...answer })
    const err = await refusal(t)
    t.equal(isPermanentSendFailure(err), true)
    t.equal(retryAfterMsOf(err), null)
    t.equal(describeSendError(err), `Notify ${answer.status} ${answer.error}: ${answer.message}`)
  })
}

for (const [name, answer] of [['rate limit', NOTIFY_ERRORS.rateLimit], ['daily limit', NOTIFY_ERRORS.dailyLimit], ['internal error', NOTIFY_ERRORS.serverError]] as const) {
  t.test(`Notify's ${answer.status} ${answer.error} (${name}) is temporary`, async (t) => {
    fake.next.push({ ...answer })
    const err = await refusal(t)
    t.equal(isPermanentSendFailure(err), false)
    t.equal(retryAfterMsOf(err), null, 'no pause asked for: the queue’s backoff decides')
    t.match(describeSendError(err), `Notify ${answer.status} ${answer.error}`)
  })
}

t.test('a 429 with Retry-After asks for that pause', async (t) => {
  fake.next.push({ ...NOTIFY_ERRORS.rateLimit, retryAfter: 7 })
  const err = await refusal(t)
  t.equal(isPermanentSendFailure(err), false)
  t.equal(retryAfterMsOf(err), 7_000)
  t.equal(retryAfterMs('Wed, 21 Oct 2015 07:28:30 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 30_000, 'or as an HTTP date')
  t.equal(retryAfterMs('soon'), null)
})

t.test('no answer from Notify is temporary', async (t) => {
  const away = createMailer({ requireTls: false, poolSize: 1, mailDir: '/nonexistent', notify: { ...settings, baseUrl: 'http://127.0.0.1:1' } })
  t.teardown(() => away.close())
  let err: unknown
  await away.send(mail()).catch((e: unknown) => (err = e))
  t.equal(isPermanentSendFailure(err), false)
  t.match(describeSendError(err), /^Notify no answer ECONNREFUSED/)
  t.equal(await away.verify(), false)
})

t.test('once one address has it, a later failure is reported for that address, not thrown (a retry would send it twice)', async (t) => {
  fake.refuse.set('sam.deputy@example.org', { ...NOTIFY_ERRORS.serverError })
  t.teardown(() => fake.refuse.clear())
  const result = await mailer.send(mail())
  t.same(result.accepted, ['jo.bloggs@example.org'])
  t.same(result.rejected, ['sam.deputy@example.org'])
  t.match(result.response, /^201 Notify [0-9a-f-]{36}; not sent to 1: Notify 500 Exception: Internal server error$/)
})

t.test('every address refused for good is a permanent failure, as SMTP’s all-recipients-refused is', async (t) => {
  fake.refuse.set('jo.bloggs@example.org', { ...NOTIFY_ERRORS.teamOnly })
  fake.refuse.set('sam.deputy@example.org', { ...NOTIFY_ERRORS.teamOnly })
  t.teardown(() => fake.refuse.clear())
  const err = await refusal(t, mail())
  t.equal(isPermanentSendFailure(err), true)
})

t.test('SMTP failures are classed as before', async (t) => {
  t.equal(isPermanentSendFailure(Object.assign(new Error('no such user'), { responseCode: 550 })), true)
  t.equal(isPermanentSendFailure(Object.assign(new Error('try later'), { responseCode: 451 })), false)
  t.equal(isPermanentSendFailure(Object.assign(new Error('refused'), { code: 'ECONNECTION' })), false)
  t.equal(describeSendError(Object.assign(new Error('no such user'), { responseCode: 550 })), '550 no such user')
  t.equal(notifyErrorOf(new Error('odd')).permanent, false, 'an error that is not Notify’s answer is retried')
})

t.test('verify asks Notify for the notification template, at most once in five minutes', async (t) => {
  const fresh = createMailer({ requireTls: false, poolSize: 1, mailDir: '/nonexistent', notify: settings })
  t.teardown(() => fresh.close())
  const before = fake.requests.length
  t.equal(await fresh.verify(), true)
  t.equal(await fresh.verify(), true)
  const asked = fake.requests.slice(before)
  t.equal(asked.length, 1)
  t.equal(asked[0]!.path, `/v2/template/${TEMPLATE_IDS.notification.en}`)
})

t.test('configuration: notify chosen without its key or templates stops start-up, naming them', async (t) => {
  const err = (() => {
    try {
      loadConfig({ MAIL_TRANSPORT: 'notify' })
    } catch (e) {
      return e
    }
  })()
  t.ok(err instanceof ConfigError)
  t.match((err as Error).message, /NOTIFY_API_KEY: required when MAIL_TRANSPORT=notify/)
  t.match((err as Error).message, /NOTIFY_TEMPLATE_IDS: required when MAIL_TRANSPORT=notify/)
  t.throws(() => loadConfig({ ...notifyEnv(fake), NOTIFY_TEMPLATE_IDS: '{"notification":' }), /NOTIFY_TEMPLATE_IDS: must be a JSON object/)
  t.throws(() => loadConfig({ ...notifyEnv(fake), NOTIFY_TEMPLATE_IDS: JSON.stringify({ ...TEMPLATE_IDS, alert: undefined }) }), /NOTIFY_TEMPLATE_IDS\.alert/)
  t.throws(() => loadConfig({ ...notifyEnv(fake), NOTIFY_API_KEY: 'not-a-key' }), /NOTIFY_API_KEY: must be a Notify API key/)
  const bad = (() => {
    try {
      loadConfig({ ...notifyEnv(fake), NOTIFY_API_KEY: 'x'.repeat(20) })
    } catch (e) {
      return (e as Error).message
    }
  })()
  t.notMatch(bad, /xxxx/, 'the error does not echo the key')

  const c = loadConfig(notifyEnv(fake))
  t.same(c.notify, { apiKey: NOTIFY_API_KEY, baseUrl: fake.url, templateIds: TEMPLATE_IDS })
  t.same(c.warnings.filter((w) => w.startsWith('NOTIFY')), [])
  t.notOk(c.defaultsInUse.some((d) => d.startsWith('SMTP_URL')), 'no word of .eml files when Notify sends')
  const noWelsh = loadConfig({ ...notifyEnv(fake), NOTIFY_TEMPLATE_IDS: JSON.stringify({ ...TEMPLATE_IDS, reminder: { en: TEMPLATE_IDS.reminder.en } }) })
  t.match(noWelsh.warnings.join('\n'), /no Welsh \(cy\) template for reminder/)
  t.equal(loadConfig({}).notify, null, 'SMTP (or .eml files) by default')
  t.equal(loadConfig({}).NOTIFY_BASE_URL, 'https://api.notifications.service.gov.uk')
})
