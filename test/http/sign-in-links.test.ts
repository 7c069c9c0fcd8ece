// Signing in by e-mailed one-time link, and the Key Adult's page behind the e-mail's details link,
// against real Postgres, Redis and SMTP. An unknown address gets the same page and no e-mail; a
// Key Adult named in a setting's contacts gets exactly one; opening the link changes nothing;
// pressing Sign in uses it once and returns the person to the page they asked for; an expired link
// fails; another setting's Key Adult gets the same not-found page as a wrong id; acknowledging
// records the person; a contact removed from the setting loses access at once.
import { createHash } from 'node:crypto'
import t from 'tap'
import { ManualClock } from '../../src/domain/clock.js'
import { runRetention } from '../../src/queue/retention-job.js'
import { aSchool, anIncident, createHarness, eventually, HARNESS_START, type CapturedMail } from '../helpers/harness.js'

const clock = new ManualClock(HARNESS_START)
const h = await createHarness({ clock, workers: true })
t.teardown(() => h.close())
const BASE = h.services.config.PUBLIC_BASE_URL
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const dsl = await h.token('dsl', '111234')
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
const form = (cookie?: string) => ({ 'content-type': 'application/x-www-form-urlencoded', origin: BASE, accept: 'text/html', ...(cookie ? { cookie: `enc_session=${cookie}` } : {}) })
const html = (cookie?: string) => ({ accept: 'text/html', ...(cookie ? { cookie: `enc_session=${cookie}` } : {}) })
const db = h.services.db

await h.app.inject({ method: 'PUT', url: '/v1/forces/cleveland', headers: json(admin), payload: {
  name: 'Cleveland Police', contentProfile: 'full', deskEmail: 'encompass.desk@cleveland.police.example', deskPhone: '01642 301234',
  guidance: ['Check in with the child quietly at registration.'],
} })
await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool() })
await h.app.inject({
  method: 'PUT', url: '/v1/schools/222345', headers: json(admin),
  payload: aSchool({ name: 'Other Academy', contacts: [{ role: 'dsl', name: 'Kim Other', email: 'kim.other@example.org' }] }),
})
const incident = anIncident({ summary: 'Verbal argument between parents; child was upstairs.' }, { givenName: 'Zephyrine', familyName: 'Quillfeather', dateOfBirth: '2015-07-19', role: 'witness' })
const accepted = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: incident })
if (accepted.statusCode !== 202) throw new Error(accepted.body)
const [notice] = await h.smtp.waitFor(1)
const notificationId = String(notice!.parsed.headers.get('x-encompass-notification'))

const signInMails = (to: string) => h.smtp.messages.filter((m) => m.parsed.headers.get('x-encompass-kind') === 'sign-in-link' && m.envelopeTo.includes(to))
const linkOf = (m: CapturedMail) => /(http:\/\/encompass\.test\/sign-in\/link\/[A-Za-z0-9_-]{43})/.exec(String(m.parsed.text))![1]!.replace(BASE, '')

async function askForLink(email: string, returnTo?: string) {
  const payload = new URLSearchParams({ email, ...(returnTo ? { returnTo } : {}) }).toString()
  return h.app.inject({ method: 'POST', url: '/sign-in', headers: form(), payload })
}
async function linkFor(email: string, count = 1): Promise<string> {
  const mails = await eventually(async () => (signInMails(email).length >= count ? signInMails(email) : null))
  return linkOf(mails[count - 1]!)
}
function sessionCookieOf(res: { headers: Record<string, unknown> }): string | null {
  const cookies = ([] as string[]).concat((res.headers['set-cookie'] as string[] | string | undefined) ?? [])
  const c = cookies.find((x) => x.startsWith('enc_session=') && / Path=\/;/.test(x) && !x.startsWith('enc_session=;'))
  return c ? c.slice('enc_session='.length, c.indexOf(';')) : null
}

let joLink = ''
let joCookie = ''

t.test('the details link, not signed in, goes to sign-in and remembers where it was going', async (t) => {
  const res = await h.app.inject({ method: 'GET', url: `/notifications/${notificationId}`, headers: html() })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `/sign-in?returnTo=%2Fnotifications%2F${notificationId}`)
  const page = await h.app.inject({ method: 'GET', url: String(res.headers.location), headers: html() })
  t.equal(page.statusCode, 200)
  t.match(page.body, `<input type="hidden" name="returnTo" value="/notifications/${notificationId}">`)
  t.match(page.body, /name="email"/)
})

t.test('an unknown address gets the same page as a known one, and nothing is stored or sent', async (t) => {
  const unknown = await askForLink('nobody.here@example.org', `/notifications/${notificationId}`)
  const known = await askForLink(' Jo.Bloggs@Example.ORG ', `/notifications/${notificationId}`)
  t.equal(unknown.statusCode, 200)
  t.equal(known.statusCode, 200)
  t.equal(unknown.body.replace('nobody.here@example.org', 'X'), known.body.replace('jo.bloggs@example.org', 'X'), 'the same page either way')
  t.match(known.body, /Check your e-mail/)
  joLink = await linkFor('jo.bloggs@example.org')
  const rows = await db.query('SELECT email FROM sign_in_links')
  t.same(rows.rows, [{ email: 'jo.bloggs@example.org' }], 'a link row for the known address only')
  t.same(h.smtp.messages.filter((m) => m.envelopeTo.includes('nobody.here@example.org')), [], 'nothing sent to the unknown address')
})

t.test('a Key Adult named in the contacts gets exactly one e-mail; the token is kept only as a hash', async (t) => {
  const mails = signInMails('jo.bloggs@example.org')
  t.equal(mails.length, 1)
  t.equal(mails[0]!.envelopeTo.length, 1, 'to that address alone')
  t.equal(mails[0]!.parsed.subject, 'Sign in to Operation Encompass')
  t.notMatch(String(mails[0]!.parsed.text), /Zephyrine|Quillfeather|Example Primary/, 'the e-mail names no child and no setting')
  const token = joLink.split('/').pop()!
  // The worker records the send once the SMTP server has answered: wait for that, not just the mail.
  await eventually(async () => (await db.query('SELECT 1 FROM sign_in_links WHERE sent_at IS NOT NULL')).rowCount)
  const { rows } = await db.query('SELECT token_hash, token_sealed, sent_at, used_at, expires_at, created_at FROM sign_in_links')
  t.same(rows[0].token_hash, createHash('sha256').update(token).digest(), 'stored as its SHA-256')
  t.equal(rows[0].token_sealed, null, 'the sealed copy is erased once sent')
  t.ok(rows[0].sent_at)
  t.equal(rows[0].expires_at.getTime() - rows[0].created_at.getTime(), 15 * 60_000, 'good for 15 minutes')
  t.notOk(JSON.stringify(rows).includes(token))
  const redis = await h.redisDump()
  t.notOk(redis.includes(token), 'the token never reaches Redis')
  t.notOk(redis.includes('jo.bloggs'), 'nor the address: the job carries the link id only')
})

t.test('opening the link (GET or HEAD, as a mail scanner does) changes nothing', async (t) => {
  for (const method of ['GET', 'HEAD', 'GET'] as const) {
    const res = await h.app.inject({ method, url: joLink, headers: html() })
    t.equal(res.statusCode, 200)
    t.equal(sessionCookieOf(res), null, 'no session')
  }
  const page = await h.app.inject({ method: 'GET', url: joLink, headers: html() })
  t.match(page.body, `<form method="post" action="${joLink}"`)
  t.match(page.body, /id="sign-in"/)
  const { rows } = await db.query('SELECT used_at FROM sign_in_links')
  t.equal(rows[0].used_at, null, 'the link is still unused')
  t.equal((await db.query('SELECT count(*)::int AS n FROM sessions')).rows[0].n, 0)
})

t.test('a sign-in form sent from another site is refused and uses nothing', async (t) => {
  const res = await h.app.inject({ method: 'POST', url: joLink, headers: { ...form(), origin: 'https://evil.example' }, payload: '' })
  t.equal(res.statusCode, 403)
  t.equal((await db.query('SELECT used_at FROM sign_in_links')).rows[0].used_at, null)
})

t.test('pressing Sign in uses the link, starts the person’s session and returns to the page', async (t) => {
  const res = await h.app.inject({ method: 'POST', url: joLink, headers: form(), payload: '' })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `/notifications/${notificationId}`)
  joCookie = sessionCookieOf(res)!
  t.match(joCookie, /^[A-Za-z0-9_-]{43}$/)
  const { rows: people } = await db.query("SELECT id, email, name, role, source FROM people WHERE email = 'jo.bloggs@example.org'")
  t.match(people, [{ email: 'jo.bloggs@example.org', name: 'Jo Bloggs', role: 'key-adult', source: 'contacts' }], 'a person row is made at first sign-in')
  const { rows: sessions } = await db.query('SELECT person_id, token_id, role FROM sessions')
  t.same(sessions, [{ person_id: people[0].id, token_id: null, role: 'dsl' }])
  const { rows: audit } = await db.query("SELECT actor, actor_role FROM audit_log WHERE action = 'session.start'")
  t.same(audit, [{ actor: `person:${people[0].id}`, actor_role: 'dsl' }])
})

t.test('the link works once: a second press, or opening it again, fails', async (t) => {
  const again = await h.app.inject({ method: 'POST', url: joLink, headers: form(), payload: '' })
  t.equal(again.statusCode, 404)
  t.match(again.body, /This sign-in link cannot be used/)
  t.equal(sessionCookieOf(again), null)
  const opened = await h.app.inject({ method: 'GET', url: joLink, headers: html() })
  t.equal(opened.statusCode, 404)
  t.equal((await db.query('SELECT count(*)::int AS n FROM sessions')).rows[0].n, 1)
})

t.test('the Key Adult reads everything the police sent, what to do today, and how to reach the desk', async (t) => {
  const res = await h.app.inject({ method: 'GET', url: `/notifications/${notificationId}`, headers: html(joCookie) })
  t.equal(res.statusCode, 200)
  for (const bit of ['Zephyrine Quillfeather', 'Sunday 19 July 2015', incident.reference, 'Verbal argument between parents', 'Medium', 'Crime',
    'Cleveland Police', 'encompass.desk@cleveland.police.example', '01642 301234', 'What to do today', 'Example Primary School (URN 111234)',
    'Check in with the child quietly at registration.', 'Saw or heard the incident']) {
    t.ok(res.body.includes(bit), `shows ${bit}`)
  }
  t.match(res.body, /Present at the incident\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*Yes/)
  t.match(res.body, /<title>Operation Encompass notification – Operation Encompass<\/title>/, 'the title names no child')
  t.match(res.body, `href="/notifications/${notificationId}/print"`)
  const print = await h.app.inject({ method: 'GET', url: `/notifications/${notificationId}/print`, headers: html(joCookie) })
  t.equal(print.statusCode, 200)
  t.ok(print.body.includes('Zephyrine Quillfeather'))
  t.notMatch(print.body, /id="acknowledge"/, 'the print view has no button')
  const list = await h.app.inject({ method: 'GET', url: '/notifications', headers: html(joCookie) })
  t.equal(list.statusCode, 200)
  t.match(list.body, `href="/notifications/${notificationId}"`)
  t.match(list.body, /Not yet acknowledged/)
  const { rows } = await db.query("SELECT actor FROM audit_log WHERE action = 'notification.read' AND subject_id = $1", [notificationId])
  t.match(rows, [{ actor: /^person:/ }], 'the read is audited against the person')
})

t.test('another setting’s Key Adult gets the same not-found page as a wrong id', async (t) => {
  await askForLink('kim.other@example.org')
  const link = await linkFor('kim.other@example.org')
  const signed = await h.app.inject({ method: 'POST', url: link, headers: form(), payload: '' })
  t.equal(signed.headers.location, '/notifications', 'with nowhere to return to, a Key Adult starts at their notifications')
  const kim = sessionCookieOf(signed)!
  const theirs = await h.app.inject({ method: 'GET', url: `/notifications/${notificationId}`, headers: html(kim) })
  const wrong = await h.app.inject({ method: 'GET', url: '/notifications/00000000-0000-4000-8000-000000000000', headers: html(kim) })
  t.equal(theirs.statusCode, 404)
  t.equal(theirs.body, wrong.body, 'nothing tells the two apart')
  t.notMatch(theirs.body, /Zephyrine|Quillfeather|Example Primary/)
  t.notOk(theirs.body.includes(incident.reference))
  const ack = await h.app.inject({ method: 'POST', url: `/notifications/${notificationId}/acknowledge`, headers: form(kim), payload: '' })
  t.equal(ack.statusCode, 404, 'nor can they acknowledge it')
  const list = await h.app.inject({ method: 'GET', url: '/notifications', headers: html(kim) })
  t.notMatch(list.body, /Zephyrine|Quillfeather/)
  const print = await h.app.inject({ method: 'GET', url: `/notifications/${notificationId}/print`, headers: html(kim) })
  t.equal(print.statusCode, 404)
})

t.test('Acknowledge records the signed-in person; pressing it twice is harmless', async (t) => {
  const refused = await h.app.inject({ method: 'POST', url: `/notifications/${notificationId}/acknowledge`, headers: { ...form(joCookie), origin: 'https://evil.example' }, payload: '' })
  t.equal(refused.statusCode, 403, 'a form from another site is refused')
  const res = await h.app.inject({ method: 'POST', url: `/notifications/${notificationId}/acknowledge`, headers: form(joCookie), payload: '' })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `/notifications/${notificationId}?acknowledged=now`)
  const first = (await h.app.inject({ method: 'GET', url: `/v1/notifications/${notificationId}`, headers: json(dsl) })).json()
  t.match(first, { status: 'acknowledged', acknowledgedBy: 'Jo Bloggs (signed in)' })
  const twice = await h.app.inject({ method: 'POST', url: `/notifications/${notificationId}/acknowledge`, headers: form(joCookie), payload: '' })
  t.equal(twice.statusCode, 303)
  t.equal(twice.headers.location, `/notifications/${notificationId}`)
  const second = (await h.app.inject({ method: 'GET', url: `/v1/notifications/${notificationId}`, headers: json(dsl) })).json()
  t.equal(second.acknowledgedAt, first.acknowledgedAt, 'the first acknowledgement stands')
  const { rows: person } = await db.query("SELECT id FROM people WHERE email = 'jo.bloggs@example.org'")
  const { rows } = await db.query("SELECT actor FROM audit_log WHERE action = 'notification.acknowledged' AND subject_id = $1", [notificationId])
  t.same(rows, [{ actor: `person:${person[0].id}` }], 'the audit trail names the person')
  const page = await h.app.inject({ method: 'GET', url: `/notifications/${notificationId}?acknowledged=now`, headers: html(joCookie) })
  t.match(page.body, /Notification acknowledged/)
  t.notMatch(page.body, /id="acknowledge"/, 'no button once acknowledged')
  const open = await h.app.inject({ method: 'GET', url: '/notifications?status=open', headers: html(joCookie) })
  t.notMatch(open.body, /Zephyrine/, 'the open filter leaves it out')
  const done = await h.app.inject({ method: 'GET', url: '/notifications?status=acknowledged', headers: html(joCookie) })
  t.match(done.body, /Zephyrine/)
})

t.test('a contact removed from the setting loses access at once', async (t) => {
  await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool({ contacts: [{ role: 'dsl', name: 'Sam Deputy', email: 'sam.deputy@example.org' }] }) })
  const res = await h.app.inject({ method: 'GET', url: `/notifications/${notificationId}`, headers: html(joCookie) })
  t.equal(res.statusCode, 404)
  await askForLink('jo.bloggs@example.org')
  t.equal((await db.query("SELECT count(*)::int AS n FROM sign_in_links WHERE email = 'jo.bloggs@example.org'")).rows[0].n, 1, 'and is sent no new link')
  await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool() })
})

t.test('only a path on this site is kept to return to', async (t) => {
  for (const bad of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', '/notifications?name=Zephyrine']) {
    await askForLink('sam.deputy@example.org', bad)
  }
  const { rows } = await db.query("SELECT return_to FROM sign_in_links WHERE email = 'sam.deputy@example.org'")
  t.equal(rows.length, 3, 'three links in 15 minutes; the fourth request sent nothing')
  t.same(rows.map((r) => r.return_to), [null, null, null])
})

t.test('a deputy signs in the same way and sees the same notification', async (t) => {
  const link = await linkFor('sam.deputy@example.org')
  const signed = await h.app.inject({ method: 'POST', url: link, headers: form(), payload: '' })
  t.equal(signed.statusCode, 303)
  const sam = sessionCookieOf(signed)!
  const res = await h.app.inject({ method: 'GET', url: `/notifications/${notificationId}`, headers: html(sam) })
  t.equal(res.statusCode, 200)
  t.ok(res.body.includes('Zephyrine Quillfeather'))
  t.match(res.body, /Acknowledged<\/strong> at .* by Jo Bloggs \(signed in\)/, 'and who acknowledged it')
})

t.test('a link past its 15 minutes fails', async (t) => {
  await askForLink('kim.other@example.org')
  const link = await linkFor('kim.other@example.org', 2)
  clock.advance(15 * 60_000 + 1_000)
  const opened = await h.app.inject({ method: 'GET', url: link, headers: html() })
  t.equal(opened.statusCode, 404)
  const pressed = await h.app.inject({ method: 'POST', url: link, headers: form(), payload: '' })
  t.equal(pressed.statusCode, 404)
  t.equal(sessionCookieOf(pressed), null)
  const hash = createHash('sha256').update(link.split('/').pop()!).digest()
  const { rows } = await db.query('SELECT used_at FROM sign_in_links WHERE token_hash = $1', [hash])
  t.equal(rows[0].used_at, null, 'the expired link was not used')
})

t.test('no child’s name or date of birth in any log line', async (t) => {
  for (const bit of ['Zephyrine', 'Quillfeather', '2015-07-19']) t.notOk(h.logs.text.includes(bit), `no ${bit} in the logs`)
})

t.test('the retention job removes expired links at once, and people once they are no longer active', async (t) => {
  const config = h.services.config
  const now = clock.now()
  await db.query("INSERT INTO people (email, name, role, source, created_at, disabled_at) VALUES ('gone.officer@example.org', 'Gone Officer', 'auditor', 'registered', $1, $1)", [now])
  const first = await runRetention(db, config, now)
  t.ok(first!['sign-in-links']! > 0, 'expired links removed')
  t.equal((await db.query('SELECT count(*)::int AS n FROM sign_in_links')).rows[0].n, 0, 'every link here is past its 15 minutes')
  t.same((await db.query('SELECT email FROM people ORDER BY email')).rows.map((r) => r.email),
    ['gone.officer@example.org', 'jo.bloggs@example.org', 'kim.other@example.org', 'sam.deputy@example.org'], 'people are kept while active')
  // Kim's setting drops her; 91 days on, nobody lists her address and she has not signed in.
  await h.app.inject({ method: 'PUT', url: '/v1/schools/222345', headers: json(admin), payload: aSchool({ name: 'Other Academy', contacts: [{ role: 'dsl', name: 'New Lead', email: 'new.lead@example.org' }] }) })
  await runRetention(db, config, new Date(now.getTime() + 91 * 86_400_000))
  t.same((await db.query('SELECT email FROM people ORDER BY email')).rows.map((r) => r.email), ['gone.officer@example.org', 'jo.bloggs@example.org', 'sam.deputy@example.org'],
    'a Key Adult no setting lists goes; one still listed stays')
  await runRetention(db, config, new Date(now.getTime() + (config.AUDIT_RETENTION_DAYS + 1) * 86_400_000))
  t.notOk((await db.query("SELECT 1 FROM people WHERE email = 'gone.officer@example.org'")).rowCount, 'a disabled person goes with the audit trail that names them')
})
