// The people's pages under load (issue 13): 50 signed-in Key Adults reading their notification page
// at once, and 50 signed-in officers sending the incident form, against the running service's API
// process; beside a plain Fastify page of the same size served from this process in the same run
// (the floor: HTTP, one route, no session, no database). Sessions are made as the sign-in flow
// makes them (src/store/sessions-store.ts), one per person, so each has its own rate limit.
import autocannon, { type RawRequest } from 'autocannon'
import Fastify from 'fastify'
import type { Db } from '../../src/store/db.js'
import { registerPerson } from '../../src/store/people-store.js'
import { createSession } from '../../src/store/sessions-store.js'
import { authenticate } from '../../src/store/tokens-store.js'
import { FORCE, URN } from '../../test/helpers/fixture.js'
import { summarise, type Percentiles } from './stats.js'

export interface PageLoad {
  label: string
  bytes: number
  perSecond: number
  latency: Percentiles
  codes: Record<string, number>
}

const LIMITS = { idleMinutes: 30, absoluteHours: 12 }

/** `people` Key Adults of the bench school and as many officers' sessions (cookie values). */
export async function signedInPeople(db: Db, people: number, policeToken: string): Promise<{ keyAdults: string[]; officers: string[] }> {
  const now = new Date()
  const keyAdults: string[] = []
  const officers: string[] = []
  const token = await authenticate(db, policeToken)
  for (let i = 0; i < people; i++) {
    const email = `key.adult.${i}@bench.example`
    const reg = await registerPerson(db, { email, name: `Key Adult ${i}`, role: 'key-adult', urn: URN }, 'bench', now)
    if (!('person' in reg)) throw new Error('bench: could not register a Key Adult')
    const ka = await createSession(db, {
      tokenId: null, role: 'dsl', forceCode: null, urn: null, name: reg.person.name, ageBand: null,
      person: { id: reg.person.id, email, name: reg.person.name, role: 'key-adult', laCodes: [] },
    }, now, LIMITS)
    keyAdults.push(ka.secret)
    const off = await registerPerson(db, { email: `officer.${i}@bench.police.example`, name: `Officer ${i}`, role: 'officer', force: FORCE }, 'bench', now)
    if (!('person' in off)) throw new Error('bench: could not register an officer')
    const os = await createSession(db, {
      tokenId: null, role: 'police', forceCode: FORCE, urn: null, name: off.person.name, ageBand: token?.ageBand ?? { ageMin: 0, ageMax: 17 },
      person: { id: off.person.id, email: off.person.email, name: off.person.name, role: 'officer', laCodes: [] },
    }, now, LIMITS)
    officers.push(os.secret)
  }
  return { keyAdults, officers }
}

async function run(label: string, url: string, connections: number, seconds: number, request: (i: number) => RawRequest): Promise<PageLoad> {
  let next = 0
  const latencies: number[] = []
  const codes: Record<string, number> = {}
  let bytes = 0
  const instance = autocannon({
    url, connections, duration: seconds, timeout: 30,
    requests: [{ method: 'GET', path: '/', headers: {}, setupRequest: (req) => ({ ...req, headers: {}, ...request(next++) }) }],
  })
  instance.on('response', (_c: unknown, status: number, size: number, ms: number) => {
    latencies.push(ms)
    codes[status] = (codes[status] ?? 0) + 1
    bytes = size
  })
  const result = await instance
  const ok = Object.entries(codes).filter(([c]) => c.startsWith('2') || c.startsWith('3')).reduce((a, [, n]) => a + n, 0)
  return { label, bytes, perSecond: ok / result.duration, latency: summarise(latencies), codes }
}

/** The three loads, one after another, each for `seconds` with `connections` people at once. */
export async function pagesPhase(o: {
  apiUrl: string
  notificationIds: string[]
  sessions: { keyAdults: string[]; officers: string[] }
  connections: number
  seconds: number
}): Promise<PageLoad[]> {
  const cookie = (s: string) => `enc_session=${s}`
  const reading = await run('signed-in Key Adult: GET /notifications/{id}', o.apiUrl, o.connections, o.seconds, (i) => ({
    method: 'GET',
    path: `/notifications/${o.notificationIds[i % o.notificationIds.length]}`,
    headers: { cookie: cookie(o.sessions.keyAdults[i % o.sessions.keyAdults.length]!), accept: 'text/html' },
  }))
  // The floor: a page of the same size, straight from memory.
  const same = 'x'.repeat(Math.max(1, reading.bytes))
  const plain = Fastify({ logger: false })
  plain.get('/page', async (_req, reply) => reply.type('text/html; charset=utf-8').send(same))
  const plainUrl = await plain.listen({ port: 0, host: '127.0.0.1' })
  const floor = await run('plain Fastify page of the same size', plainUrl, o.connections, o.seconds, () => ({ method: 'GET', path: '/page' }))
  await plain.close()
  const form = await run('signed-in officer: POST /incidents/new', o.apiUrl, o.connections, o.seconds, (i) => {
    const aware = new Date(Date.now() - 3_600_000)
    const local = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .format(aware).replace(' ', 'T')
    const body = new URLSearchParams({
      action: 'submit', childCount: '1', reference: `BEN-FORM-${process.pid}-${i}`, policeAwareAt: local, incidentType: 'crime',
      'children[0][givenName]': 'Amy', 'children[0][familyName]': 'Example', 'children[0][dateOfBirth]': '2016-05-04',
      'children[0][present]': 'true', 'children[0][school][urn]': URN,
    }).toString()
    return {
      method: 'POST', path: '/incidents/new', body,
      headers: { cookie: cookie(o.sessions.officers[i % o.sessions.officers.length]!), origin: o.apiUrl, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    }
  })
  return [reading, floor, form]
}
