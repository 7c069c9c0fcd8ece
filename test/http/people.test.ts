// People on file (issue 13): POST /v1/people registers a person who signs in by e-mailed link, its
// refusals are problems naming the field, and it is audited; a registered officer signs in and
// acts for their force; an LA administrator registers people on /people within their own LA only;
// an address with two roles chooses one when it signs in.
import t from 'tap'
import { aSchool, anIncident, createHarness, eventually } from '../helpers/harness.js'

const h = await createHarness({ workers: true })
t.teardown(() => h.close())
const BASE = h.services.config.PUBLIC_BASE_URL
const db = h.services.db
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
const form = (cookie?: string) => ({ 'content-type': 'application/x-www-form-urlencoded', origin: BASE, accept: 'text/html', ...(cookie ? { cookie: `enc_session=${cookie}` } : {}) })
const html = (cookie: string) => ({ accept: 'text/html', cookie: `enc_session=${cookie}` })
await h.app.inject({ method: 'PUT', url: '/v1/forces/cleveland', headers: json(admin), payload: { name: 'Cleveland Police' } })
await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool() })
await h.app.inject({ method: 'PUT', url: '/v1/schools/333456', headers: json(admin), payload: aSchool({ name: 'Far Away School', laCode: '373', contacts: [{ role: 'dsl', name: 'Far Lead', email: 'far.lead@example.org' }] }) })
const register = (body: object, token = admin) => h.app.inject({ method: 'POST', url: '/v1/people', headers: json(token), payload: body })

/** Signs in by e-mailed link as `email` (choosing `role` when asked); returns the session cookie and where it landed. */
async function signIn(email: string, role?: string): Promise<{ cookie: string; location: string }> {
  const before = h.smtp.messages.length
  await h.app.inject({ method: 'POST', url: '/sign-in', headers: form(), payload: `email=${encodeURIComponent(email)}` })
  const mail = await eventually(async () => h.smtp.messages.slice(before).find((m) => m.envelopeTo.includes(email)))
  const link = /\/sign-in\/link\/[A-Za-z0-9_-]{43}/.exec(String(mail.parsed.text))![0]
  const res = await h.app.inject({ method: 'POST', url: link, headers: form(), payload: role ? `role=${role}` : '' })
  if (res.statusCode !== 303) throw new Error(`sign-in refused: ${res.statusCode}`)
  const c = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((x) => x.startsWith('enc_session=') && !x.startsWith('enc_session=;'))!
  return { cookie: c.slice('enc_session='.length, c.indexOf(';')), location: String(res.headers.location) }
}

t.test('an administrator registers an officer; the refusals name the field', async (t) => {
  const ok = await register({ email: 'A.Officer@Cleveland.Police.Example', name: 'A Officer', role: 'officer', force: 'cleveland' })
  t.equal(ok.statusCode, 201)
  t.match(ok.json(), { email: 'a.officer@cleveland.police.example', role: 'officer', force: 'cleveland', source: 'registered' })
  const again = await register({ email: 'a.officer@cleveland.police.example', name: 'A Officer', role: 'officer', force: 'cleveland' })
  t.equal(again.statusCode, 409)
  t.match(again.json(), { existingPersonId: ok.json().id, errors: [{ path: '/email' }] })
  const cases: [object, string][] = [
    [{ email: 'b.officer@x.example', name: 'B Officer', role: 'officer' }, '/force'],
    [{ email: 'b.officer@x.example', name: 'B Officer', role: 'officer', force: 'atlantis' }, '/force'],
    [{ email: 'not-an-address', name: 'B Officer', role: 'auditor' }, '/email'],
    [{ email: 'b.la@x.example', name: 'B LA', role: 'la-admin' }, '/laCodes'],
    [{ email: 'b.ka@x.example', name: 'B KA', role: 'key-adult', urn: '999999' }, '/urn'],
    [{ email: 'b.x@x.example', name: 'B X', role: 'wizard' }, '/role'],
    [{ email: 'office@x.example', name: 'The Office', role: 'auditor' }, '/email'],
  ]
  for (const [body, path] of cases) {
    const res = await register(body)
    t.ok(res.statusCode === 400 || res.statusCode === 422, `${path}: refused`)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.ok(res.json().errors.some((e: { path: string }) => e.path === path), `names ${path}`)
  }
  t.equal((await register({ email: 'c@x.example', name: 'C', role: 'auditor' }, police)).statusCode, 403, 'police may not register people')
  t.equal((await db.query('SELECT count(*)::int AS n FROM people')).rows[0].n, 1, 'a refused request stores nothing')
  const { rows } = await db.query("SELECT actor, subject_id, detail FROM audit_log WHERE action = 'person.register'")
  t.match(rows, [{ actor: /^token:/, subject_id: ok.json().id, detail: { role: 'officer', force: 'cleveland' } }])
  const list = await h.app.inject({ method: 'GET', url: '/v1/people', headers: json(admin) })
  t.equal(list.json().people.length, 1)
})

t.test('a registered officer signs in by link, lands on the force’s incidents, and the officer’s acts name them', async (t) => {
  const { cookie, location } = await signIn('a.officer@cleveland.police.example')
  t.equal(location, '/incidents')
  const page = await h.app.inject({ method: 'GET', url: '/incidents', headers: html(cookie) })
  t.equal(page.statusCode, 200)
  t.match(page.body, /Report an incident/)
  const notes = await h.app.inject({ method: 'GET', url: '/notifications/00000000-0000-4000-8000-000000000000', headers: html(cookie) })
  t.equal(notes.statusCode, 404, 'an officer is no Key Adult')
  const { rows } = await db.query("SELECT actor, actor_role FROM audit_log WHERE action = 'session.start'")
  t.match(rows, [{ actor: /^person:/, actor_role: 'police' }])
})

t.test('an LA administrator registers people of their own LA only, on the /people page', async (t) => {
  await register({ email: 'la.admin@council.example', name: 'Lee Admin', role: 'la-admin', laCodes: ['808'] })
  const { cookie, location } = await signIn('la.admin@council.example')
  t.equal(location, '/dashboard')
  const page = await h.app.inject({ method: 'GET', url: '/people', headers: html(cookie) })
  t.equal(page.statusCode, 200)
  t.match(page.body, /You see and register people for LA 808/)
  t.match(page.body, /href="\/settings"/, 'the LA administrator’s menu reaches their settings')
  const settings = await h.app.inject({ method: 'GET', url: '/settings', headers: html(cookie) })
  t.equal(settings.statusCode, 200, 'and the settings pages take their session')
  const outside = await h.app.inject({ method: 'POST', url: '/people', headers: form(cookie), payload: 'name=Far+Deputy&email=far.deputy%40example.org&role=key-adult&urn=333456&laCodes=' })
  t.equal(outside.statusCode, 422)
  t.match(outside.body, /id="urn-error"[^]*is not a setting in your LA/)
  t.match(outside.body, /govuk-error-summary/)
  const officer = await h.app.inject({ method: 'POST', url: '/people', headers: form(cookie), payload: 'name=Some+Officer&email=some.officer%40example.org&role=officer&urn=&laCodes=' })
  t.equal(officer.statusCode, 400, 'an officer needs a force, which an LA administrator cannot give')
  const blank = await h.app.inject({ method: 'POST', url: '/people', headers: form(cookie), payload: 'name=&email=&role=&urn=&laCodes=' })
  t.equal(blank.statusCode, 400)
  t.match(blank.body, /Choose a role/)
  const ok = await h.app.inject({ method: 'POST', url: '/people', headers: form(cookie), payload: 'name=Pat+Helper&email=pat.helper%40example.org&role=key-adult&urn=111234&laCodes=' })
  t.equal(ok.statusCode, 303)
  t.equal(ok.headers.location, '/people?added=1')
  const after = await h.app.inject({ method: 'GET', url: '/people?added=1', headers: html(cookie) })
  t.match(after.body, /pat\.helper@example\.org/)
  t.notMatch(after.body, /a\.officer@cleveland/, 'people outside the LA are not listed')
  const { rows } = await db.query("SELECT actor FROM audit_log WHERE action = 'person.register' ORDER BY id DESC LIMIT 1")
  t.match(rows[0].actor, /^person:/, 'registered by the person, not a shared token')
})

t.test('a registered Key Adult reads their setting’s notifications though its contacts do not list them', async (t) => {
  const police2 = await h.token('police', 'cleveland')
  await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police2), payload: anIncident() })
  const { rows } = await eventually(async () => {
    const r = await db.query("SELECT id FROM notifications WHERE urn = '111234'")
    return r.rowCount ? r : null
  })
  const { cookie } = await signIn('pat.helper@example.org')
  const res = await h.app.inject({ method: 'GET', url: `/notifications/${rows[0].id}`, headers: html(cookie) })
  t.equal(res.statusCode, 200)
  t.match(res.body, /Amy Example/)
})

t.test('an address with two roles chooses one at sign-in; the link is unused until it does', async (t) => {
  await register({ email: 'jo.bloggs@example.org', name: 'Jo Bloggs', role: 'auditor' })
  const before = h.smtp.messages.length
  await h.app.inject({ method: 'POST', url: '/sign-in', headers: form(), payload: 'email=jo.bloggs%40example.org' })
  const mail = await eventually(async () => h.smtp.messages.slice(before).find((m) => m.envelopeTo.includes('jo.bloggs@example.org')))
  const link = /\/sign-in\/link\/[A-Za-z0-9_-]{43}/.exec(String(mail.parsed.text))![0]
  const page = await h.app.inject({ method: 'GET', url: link, headers: { accept: 'text/html' } })
  t.match(page.body, /Key Adult \(designated safeguarding lead or deputy\)/)
  t.match(page.body, /Safeguarding board \(figures only\)/)
  const unchosen = await h.app.inject({ method: 'POST', url: link, headers: form(), payload: '' })
  t.equal(unchosen.statusCode, 400)
  t.match(unchosen.body, /Choose how you are signing in/)
  const chosen = await h.app.inject({ method: 'POST', url: link, headers: form(), payload: 'role=auditor' })
  t.equal(chosen.statusCode, 303)
  t.equal(chosen.headers.location, '/dashboard')
})

t.test('a disabled person’s sessions end at once, and they are sent no link', async (t) => {
  const { rows } = await db.query("SELECT id FROM people WHERE email = 'a.officer@cleveland.police.example'")
  const officerId: string = rows[0].id
  const live = await db.query('SELECT count(*)::int AS n FROM sessions WHERE person_id = $1 AND revoked_at IS NULL', [officerId])
  t.equal(live.rows[0].n, 1, 'the officer is signed in')
  const { cookie: la } = await signIn('la.admin@council.example')
  const outside = await h.app.inject({ method: 'POST', url: `/people/${officerId}/disable`, headers: form(la), payload: '' })
  t.equal(outside.statusCode, 404, 'an LA administrator cannot disable someone outside their LA')
  const res = await h.app.inject({ method: 'POST', url: `/v1/people/${officerId}/disable`, headers: json(admin) })
  t.equal(res.statusCode, 200)
  t.ok(res.json().disabledAt)
  t.equal((await db.query('SELECT count(*)::int AS n FROM sessions WHERE person_id = $1 AND revoked_at IS NULL', [officerId])).rows[0].n, 0, 'their session is ended')
  const links = (await db.query("SELECT count(*)::int AS n FROM sign_in_links WHERE email = 'a.officer@cleveland.police.example'")).rows[0].n
  await h.app.inject({ method: 'POST', url: '/sign-in', headers: form(), payload: 'email=a.officer%40cleveland.police.example' })
  t.equal((await db.query("SELECT count(*)::int AS n FROM sign_in_links WHERE email = 'a.officer@cleveland.police.example'")).rows[0].n, links, 'no new link')
  const audit = await db.query("SELECT actor FROM audit_log WHERE action = 'person.disable' AND subject_id = $1", [officerId])
  t.match(audit.rows, [{ actor: /^token:/ }])
  t.equal((await h.app.inject({ method: 'POST', url: '/v1/people/00000000-0000-4000-8000-000000000000/disable', headers: json(admin) })).statusCode, 404)
})

t.test('sign-in requests are limited per client address, whatever address is typed', async (t) => {
  const statuses: number[] = []
  for (let i = 0; i < 12; i++) {
    const res = await h.app.inject({ method: 'POST', url: '/sign-in', headers: form(), payload: `email=nobody${i}%40example.org` })
    statuses.push(res.statusCode)
    if (res.statusCode === 429) {
      t.ok(Number(res.headers['retry-after']) > 0, 'says when to try again')
      t.match(res.body, /Too many requests/)
    }
  }
  // Six requests were made above by this test file's sign-ins; ten are allowed in 15 minutes.
  t.same(statuses, [200, 200, 200, 200, 429, 429, 429, 429, 429, 429, 429, 429])
})
