// Sessions that end: signing in to the pages gives an opaque server-side session (never the token)
// in an HttpOnly, SameSite=Lax cookie, Secure under https; it ends when idle, at its absolute
// limit, on sign-out and when its token is revoked, each refused at once; it never authenticates
// the JSON API; every state-changing form must come from our own origin; and no malformed cookie
// gives a 5xx.
import { createHash } from 'node:crypto'
import { connect } from 'node:net'
import t from 'tap'
import { ManualClock } from '../../src/domain/clock.js'
import { createToken, revokeToken } from '../../src/store/tokens-store.js'
import { createHarness, HARNESS_START, type Harness } from '../helpers/harness.js'

const clock = new ManualClock(HARNESS_START)
const h = await createHarness({ clock, workers: false })
t.teardown(() => h.close())
const BASE = h.services.config.PUBLIC_BASE_URL
const form = (extra: Record<string, string> = { origin: BASE }) => ({ 'content-type': 'application/x-www-form-urlencoded', ...extra })
const MIN = 60_000

/** Signs in with a token through the form; returns the session cookie's value and the response. */
async function signIn(harness: Harness, token: string, headers: Record<string, string> = form({ origin: harness.services.config.PUBLIC_BASE_URL })) {
  const res = await harness.app.inject({ method: 'POST', url: '/dashboard/login', headers, payload: `token=${encodeURIComponent(token)}` })
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? [])
  const session = cookies.find((c) => c.startsWith('enc_session=') && / Path=\/;/.test(c))
  return { res, cookies, value: session ? session.slice('enc_session='.length, session.indexOf(';')) : null }
}
const dashboard = (value: string, headers: Record<string, string> = {}) =>
  h.app.inject({ method: 'GET', url: '/dashboard', headers: { cookie: `enc_session=${value}`, accept: 'text/html', ...headers } })

t.test('signing in gives an opaque server-side session, never the token', async (t) => {
  const token = await createToken(h.services.db, { role: 'auditor', name: 'Board analyst' })
  const { res, cookies, value } = await signIn(h, token.secret)
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/dashboard')
  t.ok(value, 'a session cookie is set')
  t.match(value, /^[A-Za-z0-9_-]{43}$/, 'an opaque random value')
  t.not(value, token.secret)
  const session = cookies.find((c) => c.startsWith(`enc_session=${value}`))!
  t.match(session, /; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/, 'HttpOnly, SameSite=Lax, whole site, 12 hours; not Secure over http')
  t.ok(cookies.some((c) => /^enc_session=; Path=\/dashboard;.*Max-Age=0/.test(c)), 'the old raw-token cookie is cleared')
  const { rows } = await h.services.db.query('SELECT * FROM sessions WHERE token_id = $1', [token.id])
  t.equal(rows.length, 1)
  t.same(rows[0].secret_hash, createHash('sha256').update(value!).digest(), 'only the hash of the cookie is stored')
  t.notOk(JSON.stringify(rows).includes(value!), 'the cookie value is nowhere in the table')
  t.match(rows[0], { role: 'auditor', revoked_at: null })
  t.equal(rows[0].expires_at.getTime() - rows[0].created_at.getTime(), 12 * 3600_000)
  t.equal(rows[0].idle_expires_at.getTime() - rows[0].created_at.getTime(), 30 * MIN)
  const audit = await h.services.db.query("SELECT actor, actor_role, subject_id FROM audit_log WHERE action = 'session.start'")
  t.same(audit.rows, [{ actor: `token:${token.id}`, actor_role: 'auditor', subject_id: rows[0].id }])

  const page = await dashboard(value!)
  t.equal(page.statusCode, 200, 'the dashboard opens in the session')
  t.match(page.body, /<form method="post" action="\/sign-out"/, 'with a way to sign out')
  const read = await h.services.db.query("SELECT actor, actor_role, detail FROM audit_log WHERE action = 'dashboard.read' ORDER BY id DESC LIMIT 1")
  t.match(read.rows[0], { actor: `token:${token.id}`, actor_role: 'auditor', detail: { sessionId: rows[0].id } }, 'the read is audited against the session’s person')
  const login = await h.app.inject({ method: 'GET', url: '/dashboard/login', headers: { cookie: `enc_session=${value}` } })
  t.equal(login.statusCode, 303, 'signed in already: the sign-in page goes to the dashboard')
  const again = await signIn(h, token.secret, { ...form(), cookie: `enc_session=${value}` })
  t.ok(again.value)
  t.not(again.value, value, 'signing in again gives a new session')
  t.equal((await dashboard(value!)).statusCode, 303, 'and ends the one the browser had')
  t.equal((await dashboard(again.value!)).statusCode, 200)
})

t.test('a wrong token, or a Key Adult’s token (they sign in by e-mailed link), signs nobody in', async (t) => {
  const dsl = await h.token('dsl', '111234')
  for (const token of ['', 'enc_wrong', dsl, 'x'.repeat(500)]) {
    const { res, value } = await signIn(h, token)
    t.equal(res.statusCode, token === '' ? 400 : 401)
    t.equal(value, null, 'no session')
    t.match(res.body, /govuk-error-summary/)
    t.match(res.body, token === '' ? /Enter your access token/ : /not a police, auditor or administrator token/)
  }
})

t.test('a session ends after 30 idle minutes, and each request moves that on', async (t) => {
  const { value } = await signIn(h, await h.token('auditor'))
  for (let i = 0; i < 3; i++) {
    clock.advance(29 * MIN)
    t.equal((await dashboard(value!)).statusCode, 200, `used again after 29 minutes (${i + 1})`)
  }
  clock.advance(30 * MIN + 1000)
  const ended = await dashboard(value!)
  t.equal(ended.statusCode, 303, 'idle for 30 minutes: refused')
  t.equal(ended.headers.location, '/sign-in?ended=1&returnTo=%2Fdashboard', 'to sign in again, then back')
  t.ok(([] as string[]).concat(ended.headers['set-cookie'] ?? []).some((c) => /^enc_session=; Path=\/;.*Max-Age=0/.test(c)), 'and the cookie is cleared')
  const notice = await h.app.inject({ method: 'GET', url: '/dashboard/login?ended=1' })
  t.match(notice.body, /Your session has ended/)
  clock.advance(-60 * MIN)
  t.equal((await dashboard(value!)).statusCode, 303, 'an ended session stays ended')
  clock.advance(60 * MIN)
})

t.test('a session ends 12 hours after sign-in however busy', async (t) => {
  const { value } = await signIn(h, await h.token('admin'))
  for (let minutes = 25; minutes < 12 * 60; minutes += 25) {
    clock.advance(25 * MIN)
    const res = await dashboard(value!)
    if (res.statusCode !== 200) t.fail(`refused after ${minutes} minutes`)
  }
  clock.advance(25 * MIN) // 12 h 5 min after sign-in, 25 minutes after the last request
  t.equal((await dashboard(value!)).statusCode, 303)
})

t.test('sign-out ends the session on the server at once', async (t) => {
  const token = await createToken(h.services.db, { role: 'auditor' })
  const { value } = await signIn(h, token.secret)
  const out = await h.app.inject({ method: 'POST', url: '/sign-out', headers: { ...form(), cookie: `enc_session=${value}` }, payload: '' })
  t.equal(out.statusCode, 303)
  t.equal(out.headers.location, '/signed-out')
  t.ok(([] as string[]).concat(out.headers['set-cookie'] ?? []).some((c) => /^enc_session=; Path=\/;.*Max-Age=0/.test(c)))
  t.equal((await dashboard(value!)).statusCode, 303, 'a copy of the cookie no longer works')
  const { rows } = await h.services.db.query('SELECT revoked_at FROM sessions WHERE token_id = $1', [token.id])
  t.ok(rows[0].revoked_at, 'revoked in the database')
  const audit = await h.services.db.query("SELECT actor FROM audit_log WHERE action = 'session.end'")
  t.ok(audit.rows.some((r) => r.actor === `token:${token.id}`), 'and audited against its person')
  const page = await h.app.inject({ method: 'GET', url: '/signed-out' })
  t.match(page.body, /You have signed out/)
  t.notMatch(page.body, /action="\/sign-out"/)
  const legacy = await signIn(h, token.secret)
  const old = await h.app.inject({ method: 'POST', url: '/dashboard/logout', headers: { ...form(), cookie: `enc_session=${legacy.value}` }, payload: '' })
  t.equal(old.statusCode, 303, 'the old sign-out address signs out too')
  t.equal((await dashboard(legacy.value!)).statusCode, 303)
})

t.test('revoking the token ends its sessions at once', async (t) => {
  const token = await createToken(h.services.db, { role: 'admin' })
  const { value } = await signIn(h, token.secret)
  t.equal((await dashboard(value!)).statusCode, 200)
  await revokeToken(h.services.db, token.id)
  t.equal((await dashboard(value!)).statusCode, 303)
})

t.test('the old cookie that held the raw token signs nobody in', async (t) => {
  const admin = await h.token('admin')
  const res = await dashboard(admin)
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/sign-in?ended=1&returnTo=%2Fdashboard')
})

t.test('a session never authenticates the JSON API', async (t) => {
  const { value } = await signIn(h, await h.token('admin'))
  const cookie = { cookie: `enc_session=${value}`, origin: BASE, 'content-type': 'application/json' }
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/audit', headers: cookie })).statusCode, 401)
  const put = await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: cookie, payload: { name: 'Hijacked', laCode: '808', contacts: [] } })
  t.equal(put.statusCode, 401)
  const { rows } = await h.services.db.query("SELECT count(*)::int AS n FROM schools WHERE urn = '111234'")
  t.equal(rows[0].n, 0, 'nothing written')
})

t.test('every state-changing form must come from our own origin', async (t) => {
  const { value } = await signIn(h, await h.token('auditor'))
  const cookie = `enc_session=${value}`
  for (const [headers, label] of [
    [form({ origin: 'https://evil.example' }), 'cross-origin'],
    [form({ origin: 'null' }), 'opaque origin'],
    [form({ referer: 'https://evil.example/' }), 'cross-site Referer'],
    [form({}), 'neither Origin nor Referer'],
    [form({ origin: 'http://encompass.test.evil.example' }), 'a look-alike origin'],
  ] as const) {
    const res = await h.app.inject({ method: 'POST', url: '/sign-out', headers: { ...headers, cookie, accept: 'text/html' }, payload: '' })
    t.equal(res.statusCode, 403, `${label}: refused`)
    t.match(res.body, /This form was sent from another website/, 'with a page that says why')
    t.equal((await dashboard(value!)).statusCode, 200, 'and the session lives on')
    const json = await h.app.inject({ method: 'POST', url: '/sign-out', headers: { ...headers, cookie }, payload: '' })
    t.match(json.headers['content-type'], /^application\/problem\+json/, 'a program gets a problem')
  }
  const login = await h.app.inject({ method: 'POST', url: '/dashboard/login', headers: form({ origin: 'https://evil.example' }), payload: `token=${await h.token('admin')}` })
  t.equal(login.statusCode, 403, 'signing in from another site is refused too')
  t.notOk(login.headers['set-cookie'])
  const referred = await h.app.inject({ method: 'POST', url: '/sign-out', headers: { ...form({ referer: `${BASE}/dashboard` }), cookie }, payload: '' })
  t.equal(referred.statusCode, 303, 'no Origin, our own page as Referer: accepted')
  t.equal((await dashboard(value!)).statusCode, 303)
})

const MALFORMED: [string, string][] = [
  ['bad percent-encoding', 'enc_session=%E0%A4%A'],
  ['a lone percent sign', 'enc_session=%'],
  ['an unterminated quote', 'enc_session="abc'],
  ['an empty value', 'enc_session='],
  ['no value at all', 'enc_session'],
  ['only separators', ';;; ;='],
  ['a huge value', `enc_session=${'A'.repeat(12_000)}`],
  ['many cookies', Array.from({ length: 300 }, (_, i) => `c${i}=${i}`).join('; ')],
  ['duplicate names', 'enc_session=a; enc_session=b; enc_session=c; enc_session=d; enc_session=e'],
  ['non-ASCII', 'enc_session=é€😀'],
  ['a 43-character unknown session', `enc_session=${'A'.repeat(43)}`],
  ['a quoted 43-character unknown session', `enc_session="${'B'.repeat(43)}"`],
  ['a name with spaces', ' enc_session  =  x ; =y'],
]

t.test('a malformed cookie never gives a 5xx, on any page', async (t) => {
  const { value } = await signIn(h, await h.token('admin'))
  const requests = [
    { method: 'GET', url: '/dashboard' },
    { method: 'GET', url: '/dashboard/latency.csv?groupBy=la' },
    { method: 'GET', url: '/dashboard/login' },
    { method: 'POST', url: '/dashboard/login', payload: 'token=enc_wrong' },
    { method: 'POST', url: '/sign-out', payload: '' },
    { method: 'GET', url: '/signed-out' },
    { method: 'GET', url: '/notifications/00000000-0000-4000-8000-000000000000' },
    { method: 'GET', url: '/ack/00000000-0000-4000-8000-000000000000/abc' },
    { method: 'GET', url: '/healthz' },
    { method: 'GET', url: '/v1/audit' },
  ] as const
  for (const [label, cookie] of [...MALFORMED, ['control characters', 'enc_session=\u0001\u0002\u007f']] as [string, string][]) {
    for (const r of requests) {
      const res = await h.app.inject({ ...r, headers: { ...form(), cookie, accept: 'text/html' } })
      if (res.statusCode >= 500) t.fail(`${label}: ${r.method} ${r.url} → ${res.statusCode}`)
    }
  }
  const live = await dashboard(`junk; enc_session=%E0%A4%A; enc_session=${value}`)
  t.equal(live.statusCode, 200, 'a live session still works beside malformed duplicates')
})

t.test('over a real socket too: malformed, huge and control-character cookies give no 5xx', async (t) => {
  const address = new URL(await h.app.listen({ port: 0, host: '127.0.0.1' }))
  // The status line the server answers with; 'reset' when it closes the connection before
  // answering (Node may, while a client is still sending a header larger than it accepts).
  const raw = (cookie: string) =>
    new Promise<number | 'reset'>((resolve, reject) => {
      const socket = connect(Number(address.port), address.hostname)
      let data = ''
      const done = () => resolve(data ? Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0) : 'reset')
      socket.on('data', (d) => (data += d.toString('latin1')))
      socket.on('end', done)
      socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? done() : reject(err)))
      socket.write(`GET /dashboard HTTP/1.1\r\nHost: ${address.host}\r\nAccept: text/html\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`, 'latin1')
    })
  for (const [label, cookie] of [...MALFORMED, ['control characters', 'enc_session=\u0001abc']]) {
    const status = await raw(cookie!)
    t.ok(status !== 'reset' && status >= 200 && status < 500, `${label}: ${status}`)
  }
  const huge = await raw(`enc_session=${'A'.repeat(65_536)}`)
  t.ok(huge === 431 || huge === 'reset', `a 64 KB cookie: refused by the server (${huge}), never a 5xx`)
})

t.test('the cookie is Secure when the service is served over https', async (t) => {
  const https = await createHarness({ workers: false, env: { PUBLIC_BASE_URL: 'https://encompass.example' } })
  t.teardown(() => https.close())
  const { cookies, value } = await signIn(https, await https.token('auditor'))
  t.ok(value)
  t.match(cookies.find((c) => c.startsWith(`enc_session=${value}`)), /; HttpOnly; SameSite=Lax; Max-Age=43200; Secure$/)
  t.ok(cookies.every((c) => c.endsWith('; Secure')), 'every cookie it sets')
  const page = await https.app.inject({ method: 'GET', url: '/dashboard/login' })
  t.match(page.headers['content-security-policy'], /upgrade-insecure-requests/)
})
