// /docs tells the truth: every documented route lists the status codes it really answers, and
// each example body in it passes the route's own validation. Checked by asking each route, not by
// re-deriving the list: whatever a probe gets back must be in the route's documented responses.
import t from 'tap'
import { createHarness } from '../helpers/harness.js'

const h = await createHarness()
t.teardown(() => h.close())

type Operation = {
  responses: Record<string, { description: string; content?: Record<string, unknown> }>
  requestBody?: { content: Record<string, { example?: unknown; schema?: unknown }> }
  parameters?: { in: string; name: string }[]
  'x-roles'?: string[]
}
const docs = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, Operation>> }
const operations = Object.entries(docs.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })))

const ROLES = ['police', 'dsl', 'auditor', 'admin'] as const
const tokens = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await h.token(r, r === 'dsl' ? '111234' : r === 'police' ? 'cleveland' : undefined)] as const)))
const ids: Record<string, string> = { urn: '111234', laCode: '808', code: 'cleveland', date: '2026-12-07' }

const NO_ID = '00000000-0000-4000-8000-000000000000'

/** The path with its parameters filled from what the earlier requests created. */
const fill = (path: string, over: Record<string, string> = {}) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (over[name] !== undefined) return over[name]
    if (name === 'id' && path.startsWith('/v1/incidents')) return ids.incidentId ?? NO_ID
    if (name === 'id' && path.startsWith('/v1/children')) return ids.erasableChildId ?? NO_ID
    if (name === 'id') return NO_ID
    return ids[name] ?? 'x'
  })

const problemJson = (res: { headers: Record<string, unknown> }) => String(res.headers['content-type']).startsWith('application/problem+json')

t.test('the OpenAPI document covers the API', async (t) => {
  t.ok(operations.length >= 19, `${operations.length} operations`)
  for (const path of ['/v1/incidents', '/v1/incidents/{id}', '/v1/schools/{urn}', '/v1/forces/{code}', '/v1/reports/latency']) t.ok(docs.paths[path], path)
})

// The serializer sends exactly what a route's response schema names, and /docs shows it: a route
// without one would send whatever its handler returned and document nothing of it.
t.test('every documented route declares the shape of each success it answers', async (t) => {
  const shaped = (schema: Record<string, unknown> | undefined) =>
    schema !== undefined && ['type', '$ref', 'anyOf', 'oneOf', 'allOf'].some((k) => k in schema)
  for (const { path, method, op } of operations) {
    const successes = Object.entries(op.responses).filter(([code]) => /^2/.test(code))
    t.ok(successes.length > 0, `${method} ${path}: lists a success`)
    for (const [code, response] of successes) {
      if (code === '204') {
        t.equal(response.content, undefined, `${method} ${path} ${code}: no body`)
        continue
      }
      const json = response.content?.['application/json'] as { schema?: Record<string, unknown> } | undefined
      t.ok(shaped(json?.schema), `${method} ${path} ${code}: a JSON schema for the body`)
      t.not(response.description, 'Default Response', `${method} ${path} ${code}: described`)
    }
  }
})

// A response schema sends only the fields it names: every field docs/api.md promises must be named.
// Paths into the body: `a.b` a property, `a[]` the items of an array.
const CONTRACT: [method: string, path: string, code: string, fields: string[]][] = [
  ['POST', '/v1/incidents', '202', ['id', 'reference', 'status', 'children[].id']],
  ['POST', '/v1/incidents', '200', ['id', 'reference', 'status', 'children[].id']],
  ['GET', '/v1/incidents/{id}', '200', [
    'id', 'reference', 'force', 'policeAwareAt', 'receivedAt', 'status',
    'children[].id', 'children[].givenName', 'children[].familyName', 'children[].dateOfBirth',
    'children[].match.status', 'children[].match.urn', 'children[].match.method',
    'children[].notification.id', 'children[].notification.status', 'children[].notification.dueBy',
    'children[].notification.sentAt', 'children[].notification.acknowledgedAt',
    'children[].notifications[].id', 'children[].notifications[].dueBy',
  ]],
  ['GET', '/v1/schools/{urn}/deadline', '200', ['urn', 'policeAwareAt', 'dueBy', 'schoolDay']],
  ['PUT', '/v1/schools/{urn}', '201', ['urn', 'name', 'laCode', 'dayStartsAt', 'type', 'contacts[].role', 'contacts[].name', 'contacts[].email', 'contacts[].phone']],
  ['PATCH', '/v1/schools/{urn}', '200', ['urn', 'name', 'laCode', 'type', 'contacts[].role', 'contacts[].name', 'contacts[].email', 'contacts[].phone', 'contacts[].trainedOn']],
  ['PUT', '/v1/forces/{code}', '200', ['code', 'name', 'deskEmail', 'deskPhone', 'ageMin', 'ageMax']],
  ['POST', '/v1/notifications/{id}/acknowledge', '200', ['acknowledgedAt']],
  ['POST', '/v1/subject-access', '200', ['children[]', 'incidents[]', 'notifications[]', 'auditEvents[]']],
  ['GET', '/v1/reports/latency', '200', [
    'from', 'to', 'groupBy', 'overall.key', 'rows[].key', 'rows[].notifications', 'rows[].sent', 'rows[].acknowledged',
    'rows[].onTime', 'rows[].onTimeRate',
    ...['policeToSentSeconds', 'policeToAcknowledgedSeconds'].flatMap((d) => ['p50', 'p90', 'p95', 'max'].map((p) => `rows[].${d}.${p}`)),
    ...['policeToReceived', 'receivedToSent', 'sentToAcknowledged'].flatMap((d) => ['p50', 'p90'].map((p) => `rows[].stages.${d}.${p}`)),
  ]],
  ['GET', '/v1/reports/board', '200', ['from', 'to', 'groupBy', 'overall.childrenNotified', 'rows[].key', 'rows[].childrenNotified']],
]

type JsonSchema = { properties?: Record<string, JsonSchema>; items?: JsonSchema; anyOf?: JsonSchema[] }
/** The schema at `path` in `schema`, or undefined where the path names nothing. */
function schemaAt(schema: JsonSchema | undefined, path: string): JsonSchema | undefined {
  let at = schema
  for (const step of path.split('.')) {
    const [, name, array] = /^([^[]+)(\[\])?$/.exec(step)!
    const branches: JsonSchema[] = at ? [at, ...(at.anyOf ?? [])] : []
    at = branches.map((b) => b.properties?.[name!]).find((p) => p !== undefined)
    if (at && array) at = [at, ...(at.anyOf ?? [])].map((b) => b.items).find((i) => i !== undefined)
  }
  return at
}

t.test('every field the contract promises is named in the documented success body', async (t) => {
  for (const [method, path, code, fields] of CONTRACT) {
    const op = operations.find((o) => o.method === method && o.path === path)?.op
    const body = (op?.responses[code]?.content?.['application/json'] as { schema?: JsonSchema } | undefined)?.schema
    t.ok(body, `${method} ${path} ${code} is documented`)
    const missing = fields.filter((f) => schemaAt(body, f) === undefined)
    t.same(missing, [], `${method} ${path} ${code}: the contract's fields`)
  }
})

// Body routes first, in the order a new deployment fills them in; the incident's ids feed the rest.
const ORDER = ['/v1/forces/{code}', '/v1/schools/{urn}', '/v1/local-authorities/{laCode}/childrens-services', '/v1/pupil-rolls/{laCode}', '/v1/schools/{urn}/calendar/{date}', '/v1/incidents', '/v1/incidents/{id}/children/{childId}/school']
// Withdrawing the incident comes after everything else that writes to it (a withdrawn incident
// takes no more children and no corrections).
const rank = (o: (typeof operations)[number]) =>
  o.path === '/v1/incidents/{id}/withdraw' ? ORDER.length + 1.5 : o.op.requestBody ? (ORDER.indexOf(o.path) + 1 || ORDER.length + 1) : ORDER.length + 2

for (const { path, method, op } of [...operations].sort((a, b) => rank(a) - rank(b))) {
  t.test(`${method} ${path}: every answer is documented`, async (t) => {
    const listed = new Set(Object.keys(op.responses).map(Number))
    const roles = op['x-roles'] ?? []
    const example = op.requestBody?.content['application/json']?.example
    const observed: { probe: string; status: number }[] = []
    const send = async (probe: string, opts: { role?: string; body?: unknown; raw?: string; type?: string; url?: string }) => {
      const payload = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body))
      const res = await h.app.inject({
        method: method as 'GET',
        url: opts.url ?? fill(path),
        headers: {
          ...(opts.role ? { authorization: `Bearer ${tokens[opts.role]}` } : {}),
          ...(payload !== undefined ? { 'content-type': opts.type ?? 'application/json' } : {}),
        },
        ...(payload !== undefined ? { payload } : {}),
      })
      observed.push({ probe, status: res.statusCode })
      t.ok(res.statusCode < 500, `${probe}: no 5xx (${res.statusCode})`)
      if (res.statusCode >= 400) t.ok(problemJson(res), `${probe}: ${res.statusCode} is problem+json`)
      return res
    }

    // The minimum a declaration implies, so a route cannot opt out of documenting its errors.
    if (roles.length > 0) for (const c of [401, 403, 429]) t.ok(listed.has(c), `lists ${c}`)
    if (op.requestBody) {
      for (const c of [400, 413, 415, 422]) t.ok(listed.has(c), `lists ${c}`)
      t.not(example, undefined, 'has an example body')
    }
    if ((op.parameters ?? []).some((p) => p.in === 'path' || p.in === 'query')) t.ok(listed.has(400), 'lists 400')

    const allowed = roles.find((r) => r === 'admin') ?? roles[0]
    await send('no token', { body: example })
    const refused = ROLES.find((r) => !roles.includes(r))
    if (refused) await send(`a ${refused} token`, { role: refused, body: example })
    if (allowed) {
      const good = await send(example !== undefined ? 'the example body' : 'a plain request', { role: allowed, body: example })
      if (example !== undefined) {
        t.ok(good.statusCode >= 200 && good.statusCode < 300, `the example passes validation (${good.statusCode}: ${good.statusCode >= 300 ? good.body.slice(0, 300) : ''})`)
        if (path === '/v1/incidents') {
          const incident = good.json()
          ids.incidentId = incident.id
          ids.childId = incident.children[0].id
          // Held for an officer, as a child the service could not place would be.
          await h.services.db.query(`UPDATE children SET match_status = 'unmatched' WHERE id = $1`, [ids.childId])
          // A second incident's child, never placed (no workers run here), so nothing is in flight:
          // erasure's example erases it.
          const other = await h.app.inject({
            method: 'POST', url: '/v1/incidents', headers: { authorization: `Bearer ${tokens.police}` },
            payload: { ...(example as Record<string, unknown>), reference: 'CLE-2026-ERASE-ME' },
          })
          t.equal(other.statusCode, 202, 'a second incident for erasure')
          ids.erasableChildId = other.json().children[0].id
        }
      }
      if (op.requestBody) {
        await send('an unknown field', { role: allowed, body: Array.isArray(example) ? [{ unexpected: true }] : { unexpected: true } })
        await send('a text/plain body', { role: allowed, raw: 'hello', type: 'text/plain' })
        if (path !== '/v1/pupil-rolls/{laCode}') await send('a body over the limit', { role: allowed, raw: JSON.stringify({ pad: 'x'.repeat(300 * 1024) }) })
      }
      if (/\{/.test(path)) {
        const garbled = fill(path, Object.fromEntries([...path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1]!, 'not-an-id'])))
        await send('malformed path parameters', { role: allowed, body: example, url: garbled })
      }
      if ((op.parameters ?? []).some((p) => p.in === 'query')) await send('a malformed query', { role: allowed, url: `${fill(path)}?limit=-1&from=yesterday&policeAwareAt=soon&open=perhaps&replaceAll=maybe` })
    }
    const undocumented = observed.filter((o) => !listed.has(o.status))
    t.same(undocumented, [], `every status seen is documented (listed: ${[...listed].join(', ')})`)
  })
}
