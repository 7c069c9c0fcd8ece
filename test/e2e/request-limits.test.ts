// Limits that hold against strangers: a flood of made-up tokens from one address is refused
// before its tokens are looked up; the address is the socket's peer unless TRUST_PROXY names the
// proxy; a valid token's budget belongs to its principal, however the header is spelt.
import t from 'tap'
import { buildApp } from '../../src/app.js'
import type { Config } from '../../src/config.js'
import { newTokenSecret } from '../../src/store/tokens-store.js'
import { createHarness } from '../helpers/harness.js'

const h = await createHarness()
t.teardown(() => h.close())
const admin = await h.token('admin')

// Every statement the API sends to PostgreSQL passes through this pool: count them.
let queries = 0
const db = h.services.db
const query = db.query.bind(db) as (...args: unknown[]) => unknown
db.query = ((...args: unknown[]) => {
  queries += 1
  return query(...args)
}) as typeof db.query

async function appWith(settings: Partial<Config>) {
  const app = await buildApp({ ...h.services, config: { ...h.services.config, ...settings } })
  t.teardown(() => app.close())
  return app
}

// The sign-in form is a page form: it must say it comes from our own origin.
const sameOrigin = { origin: h.services.config.PUBLIC_BASE_URL }

const strict = { AUTH_FAILURES_PER_MINUTE: 5, RATE_LIMIT_ANONYMOUS_PER_MINUTE: 10, RATE_LIMIT_PER_MINUTE: 8 }

t.test('a flood of random tokens from one address gets 429s and stops touching the database', async (t) => {
  const app = await appWith(strict)
  const statuses: number[] = []
  const before = queries
  let lastRefusal
  for (let i = 0; i < 40; i++) {
    const res = await app.inject({ method: 'GET', url: '/v1/notifications', headers: { authorization: `Bearer ${newTokenSecret()}` } })
    statuses.push(res.statusCode)
    if (res.statusCode === 429) lastRefusal = res
  }
  t.same(statuses.slice(0, 5), [401, 401, 401, 401, 401], 'the first failures are answered')
  t.ok(statuses.slice(5).every((s) => s === 429), 'then every further try is refused')
  t.equal(queries - before, 5, 'only the five answered tokens were looked up')
  t.match(lastRefusal!.headers['content-type'], /^application\/problem\+json/)
  t.match(lastRefusal!.json(), { status: 429, title: 'Too Many Requests' })
  t.ok(Number(lastRefusal!.headers['retry-after']) > 0 && Number(lastRefusal!.headers['retry-after']) <= 60, 'Retry-After says when')

  const before2 = queries
  const valid = await app.inject({ method: 'GET', url: '/v1/notifications', headers: { authorization: `Bearer ${admin}` } })
  t.equal(valid.statusCode, 429, 'a blocked address has no token looked up, not even a good one')
  const signIn = await app.inject({ method: 'POST', url: '/dashboard/login', headers: sameOrigin, payload: { token: admin } })
  t.equal(signIn.statusCode, 429, 'nor through the sign-in form')
  t.equal(queries - before2, 0, 'and the database is not asked')

  const elsewhere = await app.inject({ method: 'GET', url: '/v1/notifications', remoteAddress: '192.0.2.44', headers: { authorization: `Bearer ${newTokenSecret()}` } })
  t.equal(elsewhere.statusCode, 401, 'another address has its own budget')
  const probe = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(probe.statusCode, 200, 'health probes are never limited')
})

t.test('the sign-in form counts failed tokens against the address too', async (t) => {
  const app = await appWith(strict)
  const statuses: number[] = []
  const before = queries
  for (let i = 0; i < 12; i++) {
    statuses.push((await app.inject({ method: 'POST', url: '/dashboard/login', headers: sameOrigin, payload: { token: newTokenSecret() } })).statusCode)
  }
  t.same(statuses, [401, 401, 401, 401, 401, 429, 429, 429, 429, 429, 429, 429])
  t.equal(queries - before, 5)
})

t.test('X-Forwarded-For does not choose the address unless the proxy is trusted', async (t) => {
  const spoofed = (app: Awaited<ReturnType<typeof appWith>>, i: number, remoteAddress = '127.0.0.1') =>
    app.inject({
      method: 'GET',
      url: '/v1/notifications',
      remoteAddress,
      headers: { authorization: `Bearer ${newTokenSecret()}`, 'x-forwarded-for': `198.51.100.${i}` },
    })

  const direct = await appWith(strict)
  const untrusted: number[] = []
  for (let i = 0; i < 12; i++) untrusted.push((await spoofed(direct, i)).statusCode)
  t.same(untrusted.filter((s) => s === 401).length, 5, 'TRUST_PROXY unset: every made-up address counts as the one peer')

  const behindProxy = await appWith({ ...strict, TRUST_PROXY: ['127.0.0.1'] })
  const trusted: number[] = []
  for (let i = 0; i < 12; i++) trusted.push((await spoofed(behindProxy, i)).statusCode)
  t.ok(trusted.every((s) => s === 401), 'behind a trusted proxy each forwarded client has its own budget')
  const sameClient: number[] = []
  for (let i = 0; i < 7; i++) sameClient.push((await spoofed(behindProxy, 200)).statusCode)
  t.same(sameClient, [401, 401, 401, 401, 401, 429, 429], 'and one forwarded client is limited')
  const fromStranger: number[] = []
  for (let i = 0; i < 7; i++) fromStranger.push((await spoofed(behindProxy, i + 100, '203.0.113.9')).statusCode)
  t.same(fromStranger, [401, 401, 401, 401, 401, 429, 429], 'a peer that is not the proxy cannot forward addresses')

  const hops = await appWith({ ...strict, TRUST_PROXY: 1 })
  const byHops: number[] = []
  for (let i = 0; i < 8; i++) byHops.push((await spoofed(hops, i + 50)).statusCode)
  t.ok(byHops.every((s) => s === 401), 'a hop count trusts the nearest proxy')
})

t.test('a valid token’s budget is its principal’s, however the header is spelt', async (t) => {
  const app = await appWith({ ...strict, TRUST_PROXY: ['127.0.0.1'] })
  const spellings = [`Bearer ${admin}`, `bearer  ${admin}`, `BEARER ${admin}  `, `Bearer\t${admin}`]
  const statuses: number[] = []
  for (let i = 0; i < 12; i++) {
    const res = await app.inject({
      method: 'GET',
      url: '/v1/audit?limit=1',
      headers: { authorization: spellings[i % spellings.length]!, 'x-forwarded-for': `198.51.100.${i}` },
    })
    statuses.push(res.statusCode)
    if (i === 0) t.equal(res.headers['x-ratelimit-limit'], '8')
  }
  t.same(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 429, 429, 429, 429], 'eight in all, from any address, in any spelling')
  const other = await h.token('admin')
  t.equal((await app.inject({ method: 'GET', url: '/v1/audit?limit=1', headers: { authorization: `Bearer ${other}` } })).statusCode, 200,
    'another token has its own budget')
})

t.test('requests without credentials are limited per address', async (t) => {
  const app = await appWith(strict)
  const statuses: number[] = []
  for (let i = 0; i < 12; i++) statuses.push((await app.inject({ method: 'GET', url: '/dashboard/login' })).statusCode)
  t.same(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 429, 429])
  const bare: number[] = []
  for (let i = 0; i < 7; i++) bare.push((await app.inject({ method: 'GET', url: '/v1/notifications', remoteAddress: '192.0.2.81' })).statusCode)
  t.same(bare, [401, 401, 401, 401, 401, 429, 429], 'nor may an address call the API without a token without end')
  const unknown = await app.inject({ method: 'GET', url: '/no-such-page' })
  t.equal(unknown.statusCode, 429, 'unknown routes count too')
  t.equal((await app.inject({ method: 'GET', url: '/dashboard/login', remoteAddress: '192.0.2.80' })).statusCode, 200)
})

t.test('TRUST_PROXY accepts addresses, ranges and hop counts, and refuses "true"', async (t) => {
  const { loadConfig } = await import('../../src/config.js')
  t.same(loadConfig({ TRUST_PROXY: '10.0.0.0/8, ::1,loopback' }).TRUST_PROXY, ['10.0.0.0/8', '::1', 'loopback'])
  t.equal(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY, 2)
  t.equal(loadConfig({}).TRUST_PROXY, undefined)
  for (const bad of ['true', '10.0.0.0/33', 'proxy.example', '0']) t.throws(() => loadConfig({ TRUST_PROXY: bad }), /TRUST_PROXY/, bad)
})
