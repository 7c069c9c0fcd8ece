// Where e-mail leaves (src/mail/transport.ts): a pooled SMTP transport against a real SMTP server,
// or, with no SMTP_URL, one readable .eml file per message; and how an SMTP error is classed.
import t from 'tap'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { simpleParser } from 'mailparser'
import { createMailer, describeSmtpError, isPermanentSmtpFailure, type OutgoingMail } from '../../src/mail/transport.js'
import { TestSmtpServer } from '../helpers/harness.js'

const mail = (over: Partial<OutgoingMail> = {}): OutgoingMail => ({
  messageId: '<n1.notification@encompass.example>',
  from: 'Operation Encompass <encompass-notify@localhost>',
  to: ['jo.bloggs@example.org'],
  cc: ['sam.deputy@example.org'],
  subject: 'Operation Encompass notification CLE-1',
  text: 'plain part',
  html: '<p>html part</p>',
  headers: { 'X-Encompass-Kind': 'notification' },
  ...over,
})

t.test('without SMTP, each message is written as an .eml file that reads back as sent', async (t) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'enc-mail-')), 'not-yet-made')
  t.teardown(() => rmSync(join(dir, '..'), { recursive: true, force: true }))
  const mailer = createMailer({ requireTls: false, poolSize: 1, mailDir: dir })
  t.equal(mailer.kind, 'files')
  t.equal(await mailer.verify(), true)
  const result = await mailer.send(mail())
  t.same(result.accepted, ['jo.bloggs@example.org', 'sam.deputy@example.org'])
  t.same(result.rejected, [])
  const files = readdirSync(dir)
  t.equal(files.length, 1)
  t.match(files[0], /^\d{4}-\d{2}-\d{2}T[\d-]+Z-n1\.notification@encompass\.example\.eml$/, 'the file name carries no <, > or :')
  t.match(result.response, `250 written to ${join(dir, files[0]!)}`)
  const parsed = await simpleParser(readFileSync(join(dir, files[0]!)))
  t.equal(parsed.messageId, '<n1.notification@encompass.example>')
  t.equal(parsed.subject, 'Operation Encompass notification CLE-1')
  t.equal(parsed.text?.trim(), 'plain part')
  t.equal(parsed.headers.get('x-encompass-kind'), 'notification')
  mailer.close()
})

t.test('with SMTP, a message goes through a real server and is accepted per recipient', async (t) => {
  const smtp = await new TestSmtpServer().start()
  t.teardown(() => smtp.stop())
  smtp.refuse.add('gone@example.org')
  const mailer = createMailer({ smtpUrl: smtp.url, requireTls: false, poolSize: 1, mailDir: '/nonexistent' })
  t.teardown(() => mailer.close())
  t.equal(mailer.kind, 'smtp')
  t.equal(await mailer.verify(), true)
  const result = await mailer.send(mail({ cc: ['gone@example.org'] }))
  t.same(result.accepted, ['jo.bloggs@example.org'])
  t.same(result.rejected, ['gone@example.org'])
  t.match(result.response, /^250/)
  const [got] = await smtp.waitFor(1)
  t.same(got!.envelopeTo, ['jo.bloggs@example.org'])
  t.equal(got!.parsed.messageId, '<n1.notification@encompass.example>')
})

t.test('a temporary refusal is an error the caller can tell from a permanent one', async (t) => {
  const smtp = await new TestSmtpServer().start()
  t.teardown(() => smtp.stop())
  const mailer = createMailer({ smtpUrl: smtp.url, requireTls: false, poolSize: 1, mailDir: '/nonexistent' })
  t.teardown(() => mailer.close())
  smtp.tempFail = 1
  const temp = await mailer.send(mail()).then(() => null, (e: unknown) => e)
  t.ok(temp, 'a 451 rejects the send')
  t.equal(isPermanentSmtpFailure(temp), false)
  t.match(describeSmtpError(temp), /^451 /)
  smtp.refuse.add('jo.bloggs@example.org')
  const perm = await mailer.send(mail({ cc: [] })).then(() => null, (e: unknown) => e)
  t.equal(isPermanentSmtpFailure(perm), true, 'every recipient refused with 550')
})

t.test('a server that cannot be reached fails verify() instead of throwing', async (t) => {
  const smtp = await new TestSmtpServer().start()
  const url = smtp.url
  await smtp.stop()
  const mailer = createMailer({ smtpUrl: url, requireTls: false, poolSize: 1, mailDir: '/nonexistent' })
  t.teardown(() => mailer.close())
  t.equal(await mailer.verify(), false)
})

t.test('how an SMTP error is classed and told', async (t) => {
  t.equal(isPermanentSmtpFailure({ responseCode: 550 }), true)
  t.equal(isPermanentSmtpFailure({ responseCode: 599 }), true)
  t.equal(isPermanentSmtpFailure({ responseCode: 451 }), false)
  t.equal(isPermanentSmtpFailure({ responseCode: '550' }), false, 'only a numeric code counts')
  t.equal(isPermanentSmtpFailure(new Error('ECONNREFUSED')), false)
  t.equal(isPermanentSmtpFailure(null), false)
  t.equal(describeSmtpError({ responseCode: 451, code: 'EENVELOPE', message: 'try again later' }), '451 EENVELOPE try again later')
  t.equal(describeSmtpError({ code: 'ECONNECTION', message: 'x'.repeat(400) }).length, 300, 'cut to 300 characters')
})
