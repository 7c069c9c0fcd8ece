// The demo leaves people to sign in as (README "Signing in"): a Key Adult through a setting's
// contacts, whose notifications page lists the demo year's notifications, and one registered
// person of each other role.
import t from 'tap'
import { seedDemo } from '../../src/demo/seed-demo.js'
import { createHarness, eventually } from '../helpers/harness.js'

const h = await createHarness({ workers: true })
t.teardown(() => h.close())
const BASE = h.services.config.PUBLIC_BASE_URL
const lines: string[] = []
await seedDemo(h.services.db, { incidents: 300, seed: 5, end: h.clock.now() }, (l) => lines.push(l))

t.test('the demo names a Key Adult who signs in by link and sees their setting’s notifications', async (t) => {
  const line = lines.find((l) => l.startsWith('sign in as a Key Adult: '))
  t.ok(line, 'the seed says whom to sign in as')
  const email = /: (\S+@schools\.example)/.exec(line!)![1]!
  const form = { 'content-type': 'application/x-www-form-urlencoded', origin: BASE }
  await h.app.inject({ method: 'POST', url: '/sign-in', headers: form, payload: `email=${encodeURIComponent(email)}` })
  const mail = await eventually(async () => h.smtp.messages.find((m) => m.envelopeTo.includes(email)))
  const link = /\/sign-in\/link\/[A-Za-z0-9_-]{43}/.exec(String(mail.parsed.text))![0]
  const signed = await h.app.inject({ method: 'POST', url: link, headers: form, payload: '' })
  t.equal(signed.headers.location, '/notifications')
  const cookie = ([] as string[]).concat(signed.headers['set-cookie'] ?? []).find((c) => c.startsWith('enc_session=') && !c.startsWith('enc_session=;'))!.split(';')[0]!
  const list = await h.app.inject({ method: 'GET', url: '/notifications', headers: { cookie, accept: 'text/html' } })
  t.equal(list.statusCode, 200)
  t.match(list.body, /href="\/notifications\/[0-9a-f-]{36}"/, 'with notifications to open')
})

t.test('one registered person of each other role', async (t) => {
  const { rows } = await h.services.db.query("SELECT role FROM people WHERE source = 'registered' ORDER BY role")
  t.same(rows.map((r) => r.role), ['admin', 'auditor', 'la-admin', 'officer'])
  for (const role of ['officer', 'la-admin', 'auditor', 'admin']) t.ok(lines.some((l) => l.startsWith(`sign in as ${role}: `)), role)
})
