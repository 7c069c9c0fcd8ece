// Every route, every query parameter and header (issue 12, point 3): nothing a caller can send is
// a 5xx. The routes come from Fastify itself (buildApp records each one as it is registered:
// hidden pages, the docs and the HEAD routes Fastify adds included), so a route added later is
// walked without anyone editing this file. For each, fast-check (seeded: FUZZ_SEED, FUZZ_RUNS)
// sends path parameters, query strings and headers that are now real and now hostile — years
// 0000, 0050 and 9999, huge numbers, empty values, odd Unicode and control characters, repeated
// keys, names the route does not know, very long strings, every role's token, broken ones and
// none, garbage cookies, request ids, audit reasons, origins and media types — through app.inject
// against real PostgreSQL and Redis, and checks: never a 5xx; every 4xx a complete problem+json
// (or an HTML page, for the browser pages); and a refused request stores nothing (the row counts
// of the tables holding children's and schools' details do not move). Incident bodies have their
// own, deeper walk in test/e2e/hostile-input.test.ts; here bodies are only noise.
import t from 'tap'
import fc from 'fast-check'
import type { RouteOptions } from 'fastify'
import { randomUUID } from 'node:crypto'
import type { z } from 'zod'
import { registeredRoutes } from '../../src/app.js'
import { ackToken } from '../../src/domain/ack-links.js'
import { processMatch } from '../../src/queue/match-worker.js'
import { aSchool, anIncident, createHarness } from '../helpers/harness.js'

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_212)
const RUNS = Number(process.env.FUZZ_RUNS ?? 50)

const h = await createHarness({ workers: false })
t.teardown(() => h.close())
const db = h.services.db
const tokens = {
  admin: await h.token('admin'),
  police: await h.token('police', 'cleveland'),
  dsl: await h.token('dsl', '111234'),
  auditor: await h.token('auditor'),
}
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })

// Real records, so that requests get past "not found" into the code that reads their values: a
// school with its Key Adults, a force, an incident whose child was placed and told, one held.
await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(tokens.admin), payload: aSchool() })
await h.app.inject({ method: 'PUT', url: '/v1/forces/cleveland', headers: json(tokens.admin), payload: { deskEmail: 'desk@cleveland.example' } })
const placed = (await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(tokens.police), payload: anIncident() })).json()
const held = (await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(tokens.police), payload: anIncident({}, { school: { urn: '99999' } }) })).json()
await processMatch(h.services, placed.children[0].id)
await processMatch(h.services, held.children[0].id)
const notificationId = (await db.query<{ id: string }>('SELECT id FROM notifications LIMIT 1')).rows[0]!.id

/** Values that lead somewhere real, by parameter name (path and query alike). */
const REAL: Record<string, string[]> = {
  id: [placed.id, held.id, notificationId],
  childId: [placed.children[0].id, held.children[0].id],
  urn: ['111234', '99999'],
  date: ['2026-12-01', '2026-11-21'],
  laCode: ['808', '373'],
  code: ['cleveland', 'durham'],
  token: [ackToken(h.services.config.ACK_LINK_SECRET, notificationId)],
  '*': ['index.html', 'swagger-initializer.js', 'nothing-here.css'],
  from: ['2026-01-01', '2025-12-01'],
  to: ['2026-12-31', '2026-11-30'],
  groupBy: ['force', 'la', 'school', 'month', 'weekday'],
  policeAwareAt: ['2026-11-20T22:14:00Z', '2026-08-10T12:00:00+01:00'],
  match: ['unmatched'],
  limit: ['1', '500'],
  status: ['scheduled', 'sent', 'failed'],
  open: ['true', 'false'],
  afterId: ['0', '3'],
  action: ['incident.read'],
  subjectId: [placed.id],
}

// ---------------------------------------------------------------------------------------------
// Hostile ingredients

const YEARS = ['0000', '0050', '0026', '0099', '1899', '2101', '9999']
const hostilePlainDate = fc.tuple(fc.constantFrom(...YEARS), fc.constantFrom('-01-01', '-06-30', '-12-31', '-02-29')).map(([y, md]) => `${y}${md}`)
const hostileInstant = fc.tuple(fc.constantFrom(...YEARS), fc.constantFrom('T00:00:00Z', 'T23:59:59Z', 'T12:00:00+14:00', 'T12:00:00-12:00'))
  .map(([y, t]) => `${y}-06-15${t}`)
const hostileDate = fc.oneof(
  hostilePlainDate,
  hostileInstant,
  fc.constantFrom('2026-02-30', '2026-13-01', '+002026-01-01', '-000001-01-01', '2026-1-1', '20261120', '2026-11-20T24:00:00Z', '2026-11-20 22:14'),
)
const hugeNumber = fc.constantFrom('1e309', '-1e309', '99999999999999999999999999', '-1', '0', '0x10', '1.5', 'NaN', 'Infinity', '9007199254740993', '00000000001')
const oddText = fc.constantFrom(
  '', ' ', 'null', 'undefined', 'true', '[]', '{}', '__proto__', 'constructor', "'; DROP TABLE children; --", '" OR 1=1 --', '<script>x</script>',
  '../../etc/passwd', '\u202e', '\ufeff', '\u200b', '💩', 'ẞ', 'é', '\uffff', '\u2028', '\\', '%', 'a'.repeat(5_000), '9'.repeat(300),
)
/** Any Unicode at all, control characters and lone surrogates included. */
const anyText = fc.string({ unit: 'binary', maxLength: 24 })
const hostile = fc.oneof(
  { weight: 3, arbitrary: hostileDate },
  { weight: 1, arbitrary: hugeNumber },
  { weight: 1, arbitrary: oddText },
  { weight: 1, arbitrary: anyText },
  { weight: 1, arbitrary: fc.string({ maxLength: 16 }) },
)
/** Percent sequences a URL may carry that do not decode. */
const brokenPercent = fc.constantFrom('%', '%z', '%zz', '%E0%A4%A', '%C0%AF', '%FF', '%00', '%ED%A0%80', '%2', '%%')
/** A hostile value as it goes into a URL: percent-encoded, or now and then raw percent garbage. */
const inUrl = (values: fc.Arbitrary<string>) => fc.oneof({ weight: 9, arbitrary: values.map(encodeURIComponent) }, { weight: 1, arbitrary: brokenPercent })
const hostileInUrl = inUrl(hostile)
/**
 * Hostile for this name, in the shape its real values have (so that it passes the shape check and
 * meets what lies behind): a date with a year 0–99, before 1900 or after 2100 where a date
 * belongs, such a moment where a timestamp belongs, a huge number where a number belongs.
 */
const hostileFor = (name: string) => {
  const real = Object.hasOwn(REAL, name) ? REAL[name]![0]! : ''
  const shaped = /^\d{4}-\d{2}-\d{2}$/.test(real) ? hostilePlainDate : /^\d{4}-\d{2}-\d{2}T/.test(real) ? hostileInstant : /^\d+$/.test(real) ? hugeNumber : null
  return shaped ? inUrl(fc.oneof({ weight: 3, arbitrary: shaped }, { weight: 1, arbitrary: hostile })) : hostileInUrl
}
/** A real value for a name (encoded), or a hostile one for a name we know nothing real for. */
const realInUrl = (name: string) => (Object.hasOwn(REAL, name) ? fc.constantFrom(...REAL[name]!).map(encodeURIComponent) : hostileInUrl)

/** Header values as they can arrive over the wire: printable ASCII, tab and Latin-1 (obs-text). */
const wireText = (maxLength: number) =>
  fc.array(fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.constant(0x09), fc.integer({ min: 0x80, max: 0xff })), { maxLength })
    .map((codes) => String.fromCharCode(...codes).trim())

const roleToken = fc.constantFrom(...Object.values(tokens))
const authorization = fc.oneof(
  { weight: 6, arbitrary: roleToken.map((tk) => `Bearer ${tk}`) },
  { weight: 2, arbitrary: fc.constant(undefined) },
  {
    weight: 3,
    arbitrary: fc.oneof(
      roleToken.map((tk) => `bearer ${tk}`),
      roleToken.map((tk) => `Bearer   ${tk}   `),
      roleToken.map((tk) => `Bearer ${tk}x`),
      roleToken.map((tk) => `Bearer ${tk.slice(0, -1)}`),
      roleToken.map((tk) => tk),
      roleToken.map((tk) => `Basic ${Buffer.from(`x:${tk}`).toString('base64')}`),
      fc.constantFrom('Bearer', 'Bearer ', 'Bearer enc_', `Bearer enc_${'A'.repeat(43)}`, `Bearer ${'x'.repeat(8_000)}`, 'Bearer a b', 'Token abc'),
      wireText(60).map((s) => `Bearer ${s}`),
    ),
  },
)
/** Cookie headers, malformed percent escapes in the session cookie included. */
const cookie = fc
  .oneof(
    roleToken.map((tk) => `enc_session=${tk}`),
    roleToken.map((tk) => `other=1; enc_session=${encodeURIComponent(tk)}; enc_session=x`),
    fc.constantFrom('enc_session=', 'enc_session', '=', ';;;', 'enc_session="quoted"', 'a=b; c', `enc_session=${'x'.repeat(4_000)}`),
    wireText(80),
    wireText(40).map((s) => `enc_session=${s}`),
    fc.constantFrom('enc_session=%E0%A4%A', 'enc_session=%', 'enc_session=%ZZ; enc_session=%E0'),
  )
const headerArb = fc.record(
  {
    authorization,
    accept: fc.oneof(
      fc.constantFrom('application/json', 'text/csv', 'text/html', '*/*', 'application/problem+json', 'text/csv;q=0.1, application/json', 'image/png', ''),
      wireText(40),
    ),
    'content-type': fc.oneof(
      fc.constantFrom('application/json', 'text/csv', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=----x',
        'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/xml', ';', 'application/json;;;'),
      wireText(40),
    ),
    cookie,
    'x-request-id': fc.oneof(wireText(60), fc.constantFrom('x'.repeat(10_000), '../../', '<script>', '\u00ff\u0080')),
    'x-audit-reason': fc.oneof(wireText(80), fc.constant('r'.repeat(10_000))),
    origin: fc.oneof(fc.constantFrom('https://evil.example', 'null', 'http://encompass.test', 'file://'), wireText(30)),
    referer: fc.oneof(fc.constantFrom('https://evil.example/x', 'http://encompass.test/dashboard'), wireText(30)),
  },
  { requiredKeys: [] },
)
/** Bodies are noise here (hostile-input.test.ts walks incident bodies in depth). */
const bodyArb = fc.option(
  fc.oneof(
    fc.constantFrom('', '{}', '[]', 'null', '{"open":false,"label":"x"}', 'token=abc', 'Forename,Surname,DOB,URN\nA,B,04/05/0026,111234', '{"a":'),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    anyText,
  ),
  { nil: undefined },
)

// ---------------------------------------------------------------------------------------------
// One route's requests

interface Request {
  method: string
  url: string
  headers: Record<string, string>
  payload: string | undefined
}

const keysOf = (schema: unknown): string[] => {
  const shape = (schema as z.ZodObject | undefined)?.shape
  return shape && typeof shape === 'object' ? Object.keys(shape) : []
}

type Mutation =
  | { kind: 'param'; index: number; value: string }
  | { kind: 'query' | 'again' | 'unknown'; name: string; value: string }
  | { kind: 'drop'; name: string }
  | { kind: 'headers'; headers: Record<string, string | undefined> }

/**
 * A route's requests: a real one (real ids, a full and valid query, a token of a role the route
 * admits) with one to three hostile changes, so that each hostile value meets the code behind the
 * checks that come before it: a path parameter, a query value (a hostile date where a date
 * belongs), a key repeated, dropped or unknown, a set of hostile headers.
 */
function requestsFor(method: string, route: RouteOptions): fc.Arbitrary<Request> {
  const segments = route.url.split('/')
  const params = segments.filter((s) => s.startsWith(':') || s === '*').map((s) => (s === '*' ? '*' : s.slice(1)))
  const known = keysOf((route.schema as { querystring?: unknown } | undefined)?.querystring)
  const config = (route.config ?? {}) as { roles?: (keyof typeof tokens)[]; cookieAuth?: boolean }
  const admitted = (config.roles ?? []).map((r) => tokens[r])
  const auth = fc.oneof(
    { weight: admitted.length ? 7 : 0, arbitrary: admitted.length ? fc.constantFrom(...admitted).map((tk) => `Bearer ${tk}`) : fc.constant(undefined) },
    { weight: 3, arbitrary: authorization },
  )
  const real = fc.record({
    params: fc.tuple(...params.map(realInUrl)),
    query: fc.tuple(...known.map((k) => (Object.hasOwn(REAL, k) ? fc.option(realInUrl(k), { nil: undefined, freq: 6 }) : fc.constant(undefined)))),
    authorization: auth,
    cookie: config.cookieAuth && admitted.length ? fc.option(fc.constantFrom(...admitted).map((tk) => `enc_session=${tk}`), { nil: undefined }) : fc.constant(undefined),
    accept: fc.constantFrom(undefined, 'application/json', 'text/csv', 'text/html', '*/*'),
    payload: bodyArb,
  })
  const mutations: fc.WeightedArbitrary<Mutation>[] = [{ weight: 2, arbitrary: fc.record({ kind: fc.constant('headers' as const), headers: headerArb }) }]
  if (params.length) {
    mutations.push({
      weight: 3,
      arbitrary: fc.nat(params.length - 1).chain((index) => fc.record({ kind: fc.constant('param' as const), index: fc.constant(index), value: hostileFor(params[index]!) })),
    })
  }
  if (known.length) {
    const named = (kind: 'query' | 'again') => fc.constantFrom(...known).chain((name) => fc.record({ kind: fc.constant(kind), name: fc.constant(name), value: hostileFor(name) }))
    mutations.push(
      { weight: 5, arbitrary: named('query') },
      { weight: 1, arbitrary: named('again') },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), name: fc.constantFrom(...known) }) },
    )
  }
  mutations.push({
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('unknown' as const),
      name: fc.oneof(fc.constantFrom('foo', '__proto__', 'constructor', 'hasOwnProperty', 'from[]', 'to[0]', 'a.b', '', 'toString'), fc.string({ maxLength: 10 })),
      value: hostileInUrl,
    }),
  })
  return fc.tuple(real, fc.array(fc.oneof(...mutations), { minLength: 1, maxLength: 3 })).map(([r, changes]) => {
    const values = [...r.params]
    const query: [string, string][] = known.flatMap((k, i) => (r.query[i] === undefined ? [] : [[k, r.query[i]!] as [string, string]]))
    let headers: Record<string, string | undefined> = { authorization: r.authorization, cookie: r.cookie, accept: r.accept,
      ...(r.payload === undefined ? {} : { 'content-type': 'application/json' }) }
    for (const c of changes) {
      if (c.kind === 'param') values[c.index] = c.value
      else if (c.kind === 'query') {
        const at = query.findIndex(([k]) => k === c.name)
        if (at >= 0) query[at] = [c.name, c.value]
        else query.push([c.name, c.value])
      } else if (c.kind === 'again' || c.kind === 'unknown') query.push([c.name, c.value])
      else if (c.kind === 'drop') query.splice(0, query.length, ...query.filter(([k]) => k !== c.name))
      else if (c.kind === 'headers') headers = { ...headers, ...c.headers }
    }
    let i = 0
    const path = segments.map((s) => (s.startsWith(':') || s === '*' ? values[i++] : s)).join('/')
    const search = query.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&')
    return {
      method,
      url: search ? `${path}?${search}` : path,
      headers: Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined)),
      payload: ['GET', 'HEAD'].includes(method) ? undefined : r.payload,
    }
  })
}

/** Rows of the tables that hold children's, schools' and calendars' details, and who may read them. */
async function storedCounts(): Promise<string> {
  const tables = ['incidents', 'children', 'notifications', 'notification_events', 'pupil_roll', 'schools', 'school_contacts',
    'school_calendar_exceptions', 'la_closures', 'la_childrens_services', 'la_health_visiting', 'forces', 'api_tokens']
  const { rows } = await db.query(`SELECT ${tables.map((n) => `(SELECT count(*) FROM ${n}) AS ${n}`).join(', ')}`)
  return JSON.stringify(rows[0])
}

const statuses = new Map<number, number>()
let sent = 0
let stored = await storedCounts()

/** The property every request must meet; throws with the evidence when it does not. */
async function answersWell(route: RouteOptions, req: Request): Promise<void> {
  sent += 1
  const res = await h.app.inject({ method: req.method as 'GET', url: req.url, headers: req.headers, ...(req.payload === undefined ? {} : { payload: req.payload }) })
  statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
  const show = () => `${res.statusCode} ${String(res.headers['content-type'])} ${res.body.slice(0, 300)}\nfor ${JSON.stringify(req).slice(0, 600)}`
  if (res.statusCode >= 500) throw new Error(`a 5xx: ${show()}`)
  const now = await storedCounts()
  if (res.statusCode >= 400) {
    if (now !== stored) throw new Error(`a refused request changed what is stored (${stored} → ${now}): ${show()}`)
    const type = String(res.headers['content-type'] ?? '')
    const page = (route.schema as { hide?: boolean } | undefined)?.hide === true && /^text\/html/.test(type)
    if (!page) {
      if (!/^application\/problem\+json/.test(type)) throw new Error(`not problem+json: ${show()}`)
      if (req.method !== 'HEAD') {
        const p = res.json() as Record<string, unknown>
        if (typeof p.type !== 'string' || typeof p.title !== 'string' || typeof p.detail !== 'string' || p.status !== res.statusCode) {
          throw new Error(`incomplete problem: ${show()}`)
        }
      }
    }
  }
  stored = now
}

const routes = registeredRoutes(h.app).flatMap((r) => (Array.isArray(r.method) ? r.method : [r.method]).map((m) => ({ method: m, route: r })))

t.test('the walk covers every route the app registered, hidden pages and HEAD included', async (t) => {
  const names = routes.map((r) => `${r.method} ${r.route.url}`)
  t.ok(routes.length >= 50, `${routes.length} method and route pairs`)
  for (const must of ['POST /v1/incidents', 'GET /v1/reports/latency', 'GET /dashboard', 'GET /dashboard/latency.csv', 'GET /ack/:id/:token',
    'GET /v1/schools/:urn/deadline', 'PUT /v1/schools/:urn/calendar/:date', 'HEAD /v1/audit', 'GET /docs/json', 'GET /metrics']) {
    t.ok(names.includes(must), must)
  }
})

const started = Date.now()
for (const [i, { method, route }] of routes.entries()) {
  t.test(`${method} ${route.url}: ${RUNS} requests, never a 5xx, each refusal a problem and nothing stored`, async () => {
    await fc.assert(fc.asyncProperty(requestsFor(method, route), (req) => answersWell(route, req)), { seed: SEED + i, numRuns: RUNS })
  })
}

t.test('the whole walk', async (t) => {
  t.ok(sent >= routes.length * RUNS, `${sent} requests over ${routes.length} routes in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${SEED})`)
  t.comment(`statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`)
})
