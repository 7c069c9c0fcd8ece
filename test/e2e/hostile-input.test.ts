// Bad input at scale: more than 10,500 malformed or hostile POST /v1/incidents bodies, generated
// with fast-check, against the real app (app.inject, real PostgreSQL, no workers). Every body
// carries at least one violation the contract rejects (wrong types, values too long, control
// characters in the reference, values outside an enum, impossible or out-of-range dates, unknown or missing
// fields, nesting where a value belongs, duplicate keys whose last value is wrong, prototype
// pollution keys, text that is not JSON, bodies over the size limit, other media types), often
// with hostile noise elsewhere: SQL fragments, control characters, odd Unicode. The service must
// answer every one with a problem+json of the status its family calls for — 400 for anything the
// schema or the JSON parser refuses, 422 for well-formed values that break a domain rule, 413 over
// the body limit, 415 for another media type — never a 5xx nor any other status, and store nothing.
import t from 'tap'
import fc from 'fast-check'
import { anIncident, createHarness } from '../helpers/harness.js'
import { normaliseSettingUrn } from '../../src/domain/setting-ids.js'

const h = await createHarness({ workers: false })
t.teardown(() => h.close())
const police = await h.token('police', 'cleveland')

interface Req {
  payload: string
  contentType?: string
}

let sent = 0
const statuses = new Map<number, number>()
/** The statuses a hostile body may get, and nothing else: 400 (schema or JSON syntax), 413 (body
 * over BODY_LIMIT_BYTES), 415 (not application/json), 422 (well-formed but against a domain rule). */
const ALLOWED = [400, 413, 415, 422] as const
let expected: readonly number[] = ALLOWED
let familyStatuses = new Map<number, number>()
async function send(req: Req) {
  sent += 1
  const res = await h.app.inject({
    method: 'POST',
    url: '/v1/incidents',
    headers: { authorization: `Bearer ${police}`, 'content-type': req.contentType ?? 'application/json' },
    payload: req.payload,
  })
  statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
  familyStatuses.set(res.statusCode, (familyStatuses.get(res.statusCode) ?? 0) + 1)
  return res
}

/** The property every hostile body must meet; throws with the evidence when it does not. */
async function rejected(req: Req): Promise<void> {
  const res = await send(req)
  const show = () => `${res.statusCode} ${res.headers['content-type']} ${res.body.slice(0, 300)} for ${JSON.stringify(req.payload.slice(0, 300))}`
  if (!expected.includes(res.statusCode)) throw new Error(`not one of ${expected.join('/')}: ${show()}`)
  if (!/^application\/problem\+json/.test(String(res.headers['content-type']))) throw new Error(`not problem+json: ${show()}`)
  const p = res.json() as Record<string, unknown>
  if (typeof p.type !== 'string' || typeof p.title !== 'string' || typeof p.detail !== 'string' || p.status !== res.statusCode) {
    throw new Error(`incomplete problem: ${show()}`)
  }
}

async function storedRows(): Promise<number> {
  const { rows } = await h.services.db.query<{ n: number }>(
    'SELECT (SELECT count(*) FROM incidents) + (SELECT count(*) FROM children) + (SELECT count(*) FROM notifications) AS n',
  )
  return rows[0]!.n
}

// ---------------------------------------------------------------------------------------------
// Ingredients

type Body = Record<string, unknown> & { children: Record<string, unknown>[] }
const valid = (): Body => anIncident() as Body

const SQL = [
  "'; DROP TABLE incidents; --",
  "1' OR '1'='1",
  "\" OR 1=1 --",
  "1; DELETE FROM children WHERE true",
  "' UNION SELECT token_hash FROM api_tokens --",
  "$$; TRUNCATE audit_log; $$",
  "'); INSERT INTO incidents DEFAULT VALUES; --",
  '\\x27 OR pg_sleep(10)--',
  "E'\\\\x00'",
  '%00',
]
const CONTROL = fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c))
const ODD_UNICODE = fc.constantFrom('\u202e', '\ufeff', '\u200b', '\ud800', '\udfff', '\u{1f4a9}', 'ẞ', '\u0301', '\uffff', '\u2028')
/** Strings to sprinkle where strings are allowed: they must never matter, because something else is wrong. */
const noise = fc.oneof(
  fc.constantFrom(...SQL),
  fc.string({ maxLength: 40 }),
  fc.array(fc.oneof(CONTROL, ODD_UNICODE, fc.constantFrom('a', ' ', '"', '\\', "'", '{', '<script>')), { maxLength: 30 }).map((a) => a.join('')),
)
/** Values of every JSON type; each test below picks ones of the wrong type for the field it spoils. */
const notString = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
)
const notBoolean = fc.oneof(fc.integer(), fc.constantFrom('true', 'yes', '1', '', 'false'), fc.constant(null), fc.array(fc.boolean(), { maxLength: 2 }), fc.constant({}))
const notArray = fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.constant(null), fc.boolean(), fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 3 }))
const notObject = fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.constant(null), fc.boolean(), fc.array(fc.integer(), { maxLength: 3 }))

/** Sprinkles noise into fields that accept any string, so the noise itself is never the violation. */
const withNoise = (b: Body, n: { summary?: string | undefined; given?: string | undefined }) => {
  if (n.summary !== undefined) b.summary = n.summary.slice(0, 2000)
  if (n.given !== undefined && b.children[0] && typeof b.children[0] === 'object') b.children[0].givenName = `A${n.given}`.slice(0, 100)
  return b
}
const maybeNoise = fc.record({ summary: fc.option(noise, { nil: undefined }), given: fc.option(noise, { nil: undefined }) })

const json = (b: unknown): Req => ({ payload: JSON.stringify(b) })

const nest = (depth: number, kind: 'array' | 'object', leaf = '1') =>
  kind === 'array' ? `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`

// ---------------------------------------------------------------------------------------------
// Families of hostile bodies, each guaranteed to break the contract

const STRING_FIELDS = ['reference', 'policeAwareAt', 'incidentType'] as const
const CHILD_STRING_FIELDS = ['givenName', 'familyName', 'dateOfBirth'] as const

const families: { name: string; runs: number; expect: readonly (typeof ALLOWED)[number][]; arb: fc.Arbitrary<Req> }[] = [
  {
    name: 'wrong types in required fields',
    runs: 1800,
    expect: [400],
    arb: fc.oneof(
      fc.tuple(fc.constantFrom(...STRING_FIELDS), notString, maybeNoise).map(([f, v, n]) => {
        const b = withNoise(valid(), n)
        b[f] = v
        return json(b)
      }),
      fc.tuple(fc.constantFrom(...CHILD_STRING_FIELDS), notString, fc.nat(2)).map(([f, v, extra]) => {
        const b = valid()
        for (let i = 0; i < extra; i++) b.children.push({ ...b.children[0]! })
        b.children[b.children.length - 1]![f] = v
        return json(b)
      }),
      notBoolean.map((v) => {
        const b = valid()
        b.children[0]!.present = v
        return json(b)
      }),
      notArray.map((v) => json({ ...valid(), children: v })),
      notObject.map((v) => {
        const b = valid()
        b.children[0]!.school = v
        return json(b)
      }),
      fc.tuple(fc.constantFrom('summary', 'riskLevel', 'occurredAt'), notString).map(([f, v]) => json({ ...valid(), [f]: v === null ? 0 : v })),
      notObject.map((v) => json({ ...valid(), children: [v] })),
    ),
  },
  {
    name: 'strings over their limits',
    runs: 900,
    expect: [400],
    arb: fc.oneof(
      fc.tuple(fc.integer({ min: 65, max: 5_000 }), fc.constantFrom('R', "'", '\u{1f4a9}', ' R')).map(([n, c]) => json({ ...valid(), reference: c.repeat(n) })),
      fc.integer({ min: 2_001, max: 100_000 }).map((n) => json({ ...valid(), summary: 's'.repeat(n) })),
      fc.tuple(fc.constantFrom('givenName', 'familyName'), fc.integer({ min: 101, max: 20_000 })).map(([f, n]) => {
        const b = valid()
        b.children[0]![f] = 'N'.repeat(n)
        return json(b)
      }),
      fc.integer({ min: 201, max: 10_000 }).map((n) => {
        const b = valid()
        b.children[0]!.school = { name: 'S'.repeat(n), postcode: 'TS1 1AA' }
        return json(b)
      }),
      fc.integer({ min: 9, max: 1_000 }).map((n) => {
        const b = valid()
        b.children[0]!.school = { urn: '1'.repeat(n) }
        return json(b)
      }),
    ),
  },
  {
    name: 'control characters inside the reference',
    runs: 600,
    expect: [400],
    arb: fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), fc.array(fc.oneof(CONTROL, fc.constant('\u007f')), { minLength: 1, maxLength: 5 }), fc.string({ minLength: 1, maxLength: 20 }), maybeNoise)
      .filter(([a, , c]) => a.trim().length > 0 && c.trim().length > 0)
      .map(([a, ctl, c, n]) => json(withNoise({ ...valid(), reference: `${a.trim()}${ctl.join('')}${c.trim()}`.slice(0, 64) }, n))),
  },
  {
    name: 'values outside the lists, SQL where a code belongs',
    runs: 1000,
    expect: [400],
    arb: fc.oneof(
      fc.tuple(fc.oneof(fc.constantFrom(...SQL), fc.string({ maxLength: 30 })), maybeNoise)
        .filter(([v]) => !['crime', 'non-crime'].includes(v))
        .map(([v, n]) => json(withNoise({ ...valid(), incidentType: v }, n))),
      fc.oneof(fc.constantFrom(...SQL), fc.string({ maxLength: 30 }))
        .filter((v) => !['standard', 'medium', 'high', 'unknown'].includes(v))
        .map((v) => json({ ...valid(), riskLevel: v })),
      fc.oneof(fc.constantFrom(...SQL), fc.string({ maxLength: 12 }))
        .filter((v) => normaliseSettingUrn(v) === null)
        .map((v) => {
          const b = valid()
          b.children[0]!.school = { urn: v }
          return json(b)
        }),
      fc.oneof(fc.constantFrom(...SQL), fc.string({ maxLength: 12 }))
        .filter((v) => !/^[A-Za-z]{1,2}[0-9][A-Za-z0-9]?( ?[0-9][A-Za-z]{2})?$/.test(v.trim()))
        .map((v) => {
          const b = valid()
          b.children[0]!.school = { postcode: v }
          return json(b)
        }),
      fc.constantFrom(...SQL).map((v) => {
        const b = valid()
        b.children[0]!.dateOfBirth = `2016-05-04${v}`
        return json(b)
      }),
    ),
  },
  {
    name: 'impossible, malformed or out-of-range (before 1900, after 2100, years 0–99) dates and times',
    runs: 1000,
    expect: [400],
    arb: fc.oneof(
      fc.tuple(
        fc.constantFrom('policeAwareAt', 'occurredAt'),
        fc.oneof(
          fc.constantFrom(
            '2026-02-30T10:00:00Z', '2026-02-29T10:00:00Z', '2026-13-01T00:00:00Z', '2026-00-10T00:00:00Z', '2026-11-31T00:00:00Z',
            '2026-11-20T24:00:00Z', '2026-11-20T22:60:00Z', '2026-11-20T22:14:60Z', '2026-11-20T22:14:00+25:00', '2026-11-20T22:14:00',
            '2026-11-20 22:14:00Z', '2026-11-20t22:14:00z', '20261120T221400Z', '2026-11-20', '22:14', 'yesterday', 'now', '',
            '+002026-11-20T22:14:00Z', '-000001-01-01T00:00:00Z', '2026-11-20T22:14:00ZZ', '2026-11-20T22:14:00Z; DROP TABLE incidents',
            'Fri, 20 Nov 2026 22:14:00 GMT', '1763676840', 'NaN', 'Infinity', '2026-W47-5T22:14:00Z', '2026-324T22:14:00Z',
          ),
          fc.string({ maxLength: 30 }).filter((s) => !/^\d{4}-\d{2}-\d{2}T/.test(s)),
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString().replace('T', ' ')),
        ),
      ).map(([f, v]) => json({ ...valid(), [f]: v })),
      // Years 0–99 (never read as 19xx or 20xx), before 1900 or after 2100: outside what the service believes.
      fc.tuple(
        fc.constantFrom('policeAwareAt', 'occurredAt'),
        fc.constantFrom('0000-01-01T00:00:00Z', '0026-11-20T22:14:00Z', '0099-12-31T23:59:59Z', '1899-12-31T23:59:59Z', '1000-06-01T12:00:00+01:00', '2101-01-01T00:00:00Z', '9999-12-31T23:59:59Z'),
      ).map(([f, v]) => json({ ...valid(), [f]: v })),
      fc.oneof(
        fc.constantFrom('2016-02-30', '2015-02-29', '2016-13-01', '2016-00-01', '2016-04-31', '2016-5-4', '16-05-04', '2016/05/04',
          '04/05/2016', '2016-05-04T00:00:00Z', '20160504', '', 'unknown', '2016-05-04 ', ' 2016-05-04',
          '0001-01-01', '0016-05-04', '0099-12-31', '1899-12-31', '2101-01-01', '9999-12-31'),
        fc.string({ maxLength: 12 }).filter((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s)),
      ).map((v) => {
        const b = valid()
        b.children[0]!.dateOfBirth = v
        return json(b)
      }),
    ),
  },
  {
    // Well-formed, so the schema passes, but breaking a domain rule: a 422 naming the rule.
    name: 'well-formed dates breaking a rule (in the future, occurrence after awareness, child born after the incident or outside the age band)',
    runs: 600,
    expect: [422],
    arb: fc.oneof(
      fc.integer({ min: 10, max: 10_000_000 }).map((m) => json({ ...valid(), policeAwareAt: new Date(h.clock.now().getTime() + m * 60_000).toISOString(), occurredAt: undefined })),
      fc.integer({ min: 1, max: 100_000 }).map((m) => json({ ...valid(), occurredAt: new Date(Date.parse('2026-11-20T22:14:00Z') + m * 60_000).toISOString() })),
      fc.constantFrom('2026-11-21', '2030-01-01', '2008-11-20', '1990-01-01', '1900-01-01').map((d) => {
        const b = valid()
        b.children[0]!.dateOfBirth = d
        return json(b)
      }),
    ),
  },
  {
    name: 'unknown, missing and misplaced fields',
    runs: 1300,
    expect: [400],
    arb: fc.oneof(
      fc.tuple(
        fc.oneof(fc.constantFrom(...SQL, 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__', '$where', 'id', 'force', 'status', 'receivedAt', 'isAdmin', '\u0000', ''), fc.string({ minLength: 1, maxLength: 12 })),
        fc.jsonValue({ maxDepth: 2 }),
        fc.constantFrom('top', 'child', 'school'),
      )
        .filter(([k, , where]) => {
          const known = where === 'top' ? Object.keys(valid()) : where === 'child' ? Object.keys(valid().children[0]!) : ['urn', 'name', 'postcode']
          return !known.includes(k) && k !== '__proto__'
        })
        .map(([k, v, where]) => {
          const b = valid()
          const target = where === 'top' ? b : where === 'child' ? b.children[0]! : (b.children[0]!.school as Record<string, unknown>)
          Object.defineProperty(target, k, { value: v, enumerable: true, configurable: true, writable: true })
          return json(b)
        }),
      fc.constantFrom('reference', 'policeAwareAt', 'incidentType', 'children').map((f) => {
        const b: Record<string, unknown> = valid()
        delete b[f]
        return json(b)
      }),
      fc.constantFrom('givenName', 'familyName', 'dateOfBirth', 'present').map((f) => {
        const b = valid()
        delete b.children[0]![f]
        return json(b)
      }),
      fc.integer({ min: 21, max: 60 }).map((n) => json({ ...valid(), children: Array.from({ length: n }, () => valid().children[0]) })),
      fc.constant(json({ ...valid(), children: [] })),
      fc.constant(json((() => { const b = valid(); b.children[0]!.school = {}; return b })())),
    ),
  },
  {
    name: 'deep nesting',
    runs: 600,
    expect: [400],
    arb: fc.tuple(fc.integer({ min: 2, max: 20_000 }), fc.constantFrom<'array' | 'object'>('array', 'object'), fc.constantFrom('top', 'summary', 'reference', 'children', 'unknown', 'present')).map(([depth, kind, where]) => {
      const deep = nest(depth, kind)
      if (where === 'top') return { payload: deep }
      const text = JSON.stringify(valid())
      if (where === 'unknown') return { payload: text.replace(/^\{/, `{"notes":${deep},`) }
      if (where === 'present') return { payload: text.replace('"present":true', `"present":${deep}`) }
      if (where === 'children') return { payload: text.replace(/"children":\[/, `"children":[${deep},`) }
      return { payload: text.replace(new RegExp(`"${where}":"[^"]*"`), `"${where}":${deep}`) }
    }),
  },
  {
    name: 'duplicate keys in the JSON text',
    runs: 800,
    expect: [400],
    arb: fc.oneof(
      // The last occurrence wins in JSON.parse: make it the wrong one.
      fc.tuple(fc.constantFrom('reference', 'policeAwareAt', 'incidentType', 'children'), notString.filter((v) => !Array.isArray(v)), fc.nat(3)).map(([f, v, copies]) => {
        const text = JSON.stringify(valid())
        const extra = Array.from({ length: copies }, () => `"${f}":${JSON.stringify(valid()[f])},`).join('')
        return { payload: text.replace(/^\{/, `{${extra}`).replace(/\}$/, `,"${f}":${JSON.stringify(v)}}`) }
      }),
      // Duplicates of a good value, with something else wrong.
      fc.tuple(fc.constantFrom('reference', 'summary', 'riskLevel'), fc.integer({ min: 2, max: 50 })).map(([f, n]) => {
        const b = valid()
        const text = JSON.stringify({ ...b, incidentType: 'domestic' })
        return { payload: text.replace(/^\{/, `{${`"${f}":${JSON.stringify(b[f])},`.repeat(n)}`) }
      }),
      fc.nat(5).map((n) => {
        const text = JSON.stringify(valid())
        return { payload: text.replace('"present":true', `${'"present":true,'.repeat(n)}"present":"true"`) }
      }),
    ),
  },
  {
    name: 'prototype pollution keys',
    runs: 800,
    expect: [400],
    arb: fc.tuple(
      fc.constantFrom(
        '"__proto__":{"polluted":"yes","isAdmin":true}',
        '"__proto__":{"__proto__":{"polluted":"yes"}}',
        '"constructor":{"prototype":{"polluted":"yes"}}',
        '"__proto__":null',
        '"__proto__":[]',
        '"\\u005f_proto__":{"polluted":"yes"}',
        '"constructor":{"prototype":{"toString":"boom"}}',
      ),
      fc.constantFrom('top', 'child', 'school', 'end'),
    ).map(([snippet, where]) => {
      const text = JSON.stringify(valid())
      if (where === 'top') return { payload: text.replace(/^\{/, `{${snippet},`) }
      if (where === 'end') return { payload: text.replace(/\}$/, `,${snippet}}`) }
      if (where === 'child') return { payload: text.replace('"givenName"', `${snippet},"givenName"`) }
      return { payload: text.replace('"urn"', `${snippet},"urn"`) }
    }),
  },
  {
    name: 'text that is not a JSON object',
    runs: 1100,
    expect: [400],
    arb: fc.oneof(
      fc.json({ maxDepth: 3 }).filter((s) => !s.startsWith('{')),
      fc.json({ maxDepth: 3 }).filter((s) => s.startsWith('{')),
      fc.string({ maxLength: 200 }),
      fc.nat().map((cut) => {
        const text = JSON.stringify(valid())
        return { cut: cut % (text.length - 1), text }
      }).map(({ cut, text }) => text.slice(0, cut + 1)),
      fc.constantFrom('null', 'true', '0', '""', '[]', '{}', '   ', '{"reference":', "{'reference':'x'}", '{reference:"x"}', 'NaN', '[1,2,]', '{"a":1,}', '\u0000', '\ufeff'),
    ).map((payload) => ({ payload })),
  },
  {
    name: 'bodies over the size limit',
    runs: 120,
    expect: [413],
    arb: fc.tuple(fc.integer({ min: 262_145, max: 600_000 }), fc.constantFrom('summary', 'notes', 'raw')).map(([n, where]) => {
      if (where === 'raw') return { payload: 'x'.repeat(n) }
      return json({ ...valid(), [where]: 's'.repeat(n) })
    }),
  },
  {
    name: 'other media types',
    runs: 300,
    expect: [415],
    arb: fc.tuple(
      fc.constantFrom('text/plain', 'text/html', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'application/vnd.api+json', 'application/jsonx', 'json', 'application/json-patch+json'),
      fc.boolean(),
    ).map(([contentType, good]) => ({ contentType, payload: good ? JSON.stringify(valid()) : 'reference=x&children=1' })),
  },
]

const started = Date.now()
for (const family of families) {
  t.test(`${family.name}: ${family.runs} bodies, each a ${family.expect.join('/')} problem+json`, async (t) => {
    const before = sent
    expected = family.expect
    familyStatuses = new Map()
    // No shrinking: a failure reports the body as generated, and the run stays bounded in time.
    await fc.assert(fc.asyncProperty(family.arb, rejected), { numRuns: family.runs, endOnFailure: true })
    expected = ALLOWED
    t.equal(sent - before, family.runs)
    t.comment(`statuses: ${JSON.stringify(Object.fromEntries(familyStatuses))}`)
    t.equal(await storedRows(), 0, 'nothing stored')
  })
}

t.test('the whole run', async (t) => {
  // Over 10,000 with a margin, so trimming a family a little cannot silently drop below the bar.
  t.ok(sent >= 10_500, `${sent} hostile bodies sent`)
  t.notOk([...statuses.keys()].some((s) => s >= 500), 'no 5xx')
  t.ok([...statuses.keys()].every((s) => (ALLOWED as readonly number[]).includes(s)), `statuses: ${JSON.stringify(Object.fromEntries(statuses))}`)
  t.equal(await storedRows(), 0, 'no incident, child or notification stored')
  const polluted = ({} as Record<string, unknown>).polluted ?? ({} as Record<string, unknown>).isAdmin
  t.equal(polluted, undefined, 'Object.prototype untouched')
  const { rows } = await h.services.db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE tablename IN ('incidents', 'children', 'notifications', 'api_tokens', 'audit_log')")
  t.equal(rows[0]!.n, 5, 'every table still there')
  // No wall-clock assertion (tap's timeout bounds the file); the duration is for the log.
  t.comment(`${sent} bodies in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  // The service still works after all that.
  const ok = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: { authorization: `Bearer ${police}`, 'content-type': 'application/json' }, payload: anIncident() })
  t.equal(ok.statusCode, 202, 'a good incident is still accepted')
})

t.test('a NUL or other control character in a free-text field is a 400 naming the field, not a 500', async (t) => {
  const cases: [unknown, string][] = [
    [{ ...anIncident(), summary: 'before\u0000after' }, '/summary'],
    [{ ...anIncident(), summary: 'bell\u0007' }, '/summary'],
    [anIncident({}, { givenName: 'A\u0000my' }), '/children/0/givenName'],
    [anIncident({}, { familyName: 'Ex\u001bample' }), '/children/0/familyName'],
    [anIncident({}, { school: { name: 'Oak\u0000field Primary', postcode: 'TS18' } }), '/children/0/school/name'],
  ]
  const stored = await storedRows()
  for (const [body, path] of cases) {
    const res = await send(json(body))
    t.equal(res.statusCode, 400, `control character in ${path}`)
    t.ok(res.json().errors.some((e: { path: string }) => e.path === path), `the problem names ${path}`)
  }
  t.equal(await storedRows(), stored, 'nothing stored')
  const lines = await send(json({ ...anIncident(), summary: 'Line one.\r\nLine two.\tIndented.' }))
  t.equal(lines.statusCode, 202, 'line breaks and tabs in a summary are fine')
})
