// `npm run bench`: the service's throughput and latency on this machine, next to the machine's own
// limits measured in the same run, as one table. Everything is real and local: PostgreSQL on
// 127.0.0.1:5432 (a scratch database per phase, dropped afterwards), Redis on 127.0.0.1:6379 (a
// unique queue prefix per phase, deleted afterwards), an SMTP sink in its own process, and the
// service as real processes (`node --import tsx src/main.ts api|worker`) with default settings.
//
//   limits    a plain PostgreSQL loop writing the same rows in the same transaction as intake
//             (submitIncident) at the same concurrency and pool size; a plain nodemailer pooled
//             send loop to the same sink with the service's pool size and in-flight sends; both
//             also at a fixed 50/s for a latency floor
//   intake    POST /v1/incidents under closed-loop load (autocannon): incidents/s, p50/p95/p99
//   drain     10,000 incidents queued while no worker runs; then the workers start: time until
//             the sink has accepted all 10,000 notification e-mails
//   delivery  incidents at a fixed 50/s with the workers running: received-to-sent p50/p95/p99
//   pages     50 signed-in Key Adults reading /notifications/{id} at once, 50 signed-in officers
//             sending the incident form (POST /incidents/new), and a plain Fastify page of the
//             same size from this process (bench/lib/pages-phase.ts): requests/s and p50/p95/p99
//
// Options: --workers N (worker processes, default 2), --connections N (default 16),
// --intake-seconds N (12), --drain N (10000), --rate N (50), --delivery-seconds N (30),
// --limit-seconds N (8), --people N (50), --pages-seconds N (10), --json FILE (also write the
// figures as JSON), --profile DIR (the worker processes write V8 CPU profiles there; `perf`: they
// run with --perf-basic-prof, for `perf record -a -g` during the drain), --only limits,intake,drain,delivery,pages
// (run some phases only; the table then shows n/a for the others).
import { cpus, loadavg, totalmem } from 'node:os'
import { writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { randomBytes } from 'node:crypto'
import autocannon from 'autocannon'
import nodemailer from 'nodemailer'
import { incidentFingerprints, type IncidentInput } from '../src/domain/incident.js'
import { renderNotification } from '../src/mail/templates.js'
import { submitIncident } from '../src/store/incidents-store.js'
import { ensureForce } from '../src/store/forces-store.js'
import type { SendContext } from '../src/store/notifications-store.js'
import { createScratchDatabase, FORCE, incident, REDIS_URL, seed, type ScratchDatabase } from '../test/helpers/fixture.js'
import { deletePrefix, freePort, sleep, spawnService, waitReady, waitWorkers, type ServiceProcess } from '../test/helpers/procs.js'
import { RemoteSink } from './lib/remote-sink.js'
import { fmt, summarise, type Percentiles } from './lib/stats.js'
import { CpuMeter, formatCpu } from './lib/cpu.js'
import { pagesPhase, signedInPeople, type PageLoad } from './lib/pages-phase.js'

const { values: opt } = parseArgs({
  options: {
    workers: { type: 'string', default: '2' },
    connections: { type: 'string', default: '16' },
    'intake-seconds': { type: 'string', default: '12' },
    drain: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '50' },
    'delivery-seconds': { type: 'string', default: '30' },
    'limit-seconds': { type: 'string', default: '8' },
    people: { type: 'string', default: '50' },
    'pages-seconds': { type: 'string', default: '10' },
    json: { type: 'string' },
    profile: { type: 'string' },
    only: { type: 'string', default: 'limits,intake,drain,delivery,pages' },
  },
})
const ONLY = new Set(opt.only.split(','))
const WORKERS = Number(opt.workers)
const CONNECTIONS = Number(opt.connections)
const INTAKE_S = Number(opt['intake-seconds'])
const DRAIN_N = Number(opt.drain)
const RATE = Number(opt.rate)
const DELIVERY_S = Number(opt['delivery-seconds'])
const LIMIT_S = Number(opt['limit-seconds'])
const PEOPLE = Number(opt.people)
const PAGES_S = Number(opt['pages-seconds'])
// The service's own defaults (src/config.ts), which the bench does not change.
const POOL_SIZE = 10
const SMTP_POOL = 5
const CONCURRENCY = 20
const TOKENS = 200 // the API allows 1,200 requests a minute per token; load is spread over many

const cleanups: (() => Promise<unknown>)[] = []
const log = (s: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}\n`)

async function cleanup() {
  for (const c of cleanups.splice(0).reverse()) await c().catch((err: Error) => log(`cleanup: ${err.message}`))
}
const watchdog = setTimeout(() => {
  log('the bench ran past 12 minutes: stopping')
  void cleanup().finally(() => process.exit(2))
}, 12 * 60_000)
watchdog.unref()
process.on('SIGINT', () => void cleanup().finally(() => process.exit(130)))

const sink = new RemoteSink()

// ---------------------------------------------------------------------------------------------
// The service, per phase

interface Service {
  db: ScratchDatabase
  prefix: string
  api: ServiceProcess
  workers: ServiceProcess[]
  tokens: string[]
  env: Record<string, string>
  startWorkers(n: number): Promise<number>
  stop(): Promise<void>
}

async function startService(purpose: string, workers: number): Promise<Service> {
  const db = await createScratchDatabase(purpose, 4)
  const { police } = await seed(db.db, TOKENS)
  const prefix = `enc-bench-${randomBytes(4).toString('hex')}`
  const port = await freePort()
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    SMTP_URL: sink.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL: 'http://bench.invalid',
    LOG_LEVEL: 'warn',
  }
  const api = spawnService('api', env, 'api')
  const s: Service = {
    db,
    prefix,
    api,
    workers: [],
    tokens: police,
    env,
    async startWorkers(n) {
      const started = Date.now()
      const profile = opt.profile === 'perf' ? ['--perf-basic-prof'] : opt.profile ? ['--cpu-prof', `--cpu-prof-dir=${opt.profile}`] : []
      for (let i = 0; i < n; i++) s.workers.push(spawnService('worker', env, `worker-${s.workers.length + 1}`, profile))
      await waitWorkers(REDIS_URL, prefix, s.workers.length, 60_000, s.workers)
      return Date.now() - started
    },
    async stop() {
      await Promise.all([api, ...s.workers].map((p) => p.stop()))
      await deletePrefix(REDIS_URL, prefix)
      await db.drop()
    },
  }
  cleanups.push(() => s.stop())
  await waitReady(api, 60_000)
  if (workers > 0) await s.startWorkers(workers)
  return s
}

// ---------------------------------------------------------------------------------------------
// Load: autocannon against POST /v1/incidents, each request a new incident and the next token

type Cpu = Record<string, number>
const groups = (s?: Service, loop = false) => ({
  ...(s ? { api: [s.api.pid], workers: s.workers.map((w) => w.pid) } : {}),
  sink: [sink.pid],
  [loop ? 'plain loop' : 'load generator']: [process.pid],
})

interface Load {
  cpu?: Cpu
  ok: number
  codes: Record<string, number>
  seconds: number
  latency: Percentiles
  errors: number
}

async function post(s: Service, o: { connections: number; duration?: number; amount?: number; overallRate?: number }): Promise<Load> {
  let next = 0
  const latencies: number[] = []
  const codes: Record<string, number> = {}
  const instance = autocannon({
    url: `http://127.0.0.1:${s.api.port}`,
    connections: o.connections,
    ...(o.duration !== undefined ? { duration: o.duration } : {}),
    ...(o.amount !== undefined ? { amount: o.amount } : {}),
    ...(o.overallRate !== undefined ? { overallRate: o.overallRate } : {}),
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/v1/incidents',
        setupRequest: (req) => ({
          ...req,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${s.tokens[next++ % s.tokens.length]}` },
          body: JSON.stringify(incident()),
        }),
      },
    ],
  })
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    latencies.push(ms)
    codes[status] = (codes[status] ?? 0) + 1
  })
  const result = await instance
  const ok = (codes['202'] ?? 0) + (codes['200'] ?? 0)
  return { ok, codes, seconds: result.duration, latency: summarise(latencies), errors: result.errors }
}

// ---------------------------------------------------------------------------------------------
// Limits

interface Limit {
  cpu?: Cpu
  perSecond: number
  latency: Percentiles
}

/** Runs `op` with `concurrency` loops for `seconds` (after `warmS` of warm-up), or at a fixed rate. */
async function loop(op: () => Promise<unknown>, o: { concurrency: number; seconds: number; warmS: number; rate?: number }): Promise<Limit> {
  const latencies: number[] = []
  let done = 0
  const warmEnd = Date.now() + o.warmS * 1000
  const end = warmEnd + o.seconds * 1000
  const timed = async () => {
    const t = performance.now()
    await op()
    if (Date.now() >= warmEnd) {
      latencies.push(performance.now() - t)
      done += 1
    }
  }
  if (o.rate) {
    const inflight = new Set<Promise<void>>()
    const started = Date.now()
    for (let i = 0; Date.now() < end; i++) {
      const due = started + (i * 1000) / o.rate
      if (due > Date.now()) await sleep(due - Date.now())
      const p: Promise<void> = timed().finally(() => inflight.delete(p))
      inflight.add(p)
    }
    await Promise.all(inflight)
  } else {
    await Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        while (Date.now() < end) await timed()
      }),
    )
  }
  return { perSecond: done / o.seconds, latency: summarise(latencies) }
}

async function postgresLimit(): Promise<{ closed: Limit; fixed: Limit }> {
  const db = await createScratchDatabase('benchlimit', POOL_SIZE)
  cleanups.push(() => db.drop())
  await ensureForce(db.db, FORCE)
  const write = () => {
    const input = incident() as IncidentInput
    return submitIncident(db.db, FORCE, input, incidentFingerprints(input), new Date())
  }
  const meter = new CpuMeter()
  const closed = await loop(write, { concurrency: CONNECTIONS, seconds: LIMIT_S, warmS: 2 })
  closed.cpu = meter.stop(groups(undefined, true))
  const fixed = await loop(write, { concurrency: 1, seconds: 4, warmS: 1, rate: RATE })
  await db.drop()
  return { closed, fixed }
}

async function smtpLimit(): Promise<{ closed: Limit; fixed: Limit }> {
  const transport = nodemailer.createTransport({
    url: sink.url,
    pool: true,
    maxConnections: SMTP_POOL * WORKERS,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  } as Parameters<typeof nodemailer.createTransport>[0])
  const ctx: SendContext = {
    id: '00000000-0000-4000-8000-000000000000', messageId: '', status: 'sending', urn: '111234', schoolName: 'Bench Primary School',
    dueBy: new Date(Date.now() + 86_400_000), schoolDay: '2026-11-23', policeAwareAt: new Date(), receivedAt: new Date(), reference: 'BEN-0000000000000000',
    incidentType: 'crime', occurredAt: null, summary: null, givenName: 'Amy', familyName: 'Example', dateOfBirth: '2016-05-04',
    present: true, forceCode: FORCE, contentProfile: 'minimal', copyDeputies: true, deskEmail: null, deskPhone: null, guidance: null, keyAdultMaySpeakToFamily: null, laCode: '808',
    incidentId: '00000000-0000-4000-8000-000000000001',
    contacts: [{ role: 'dsl', name: 'Jo Bloggs', email: 'jo.bloggs@example.org' }, { role: 'deputy', name: 'Sam Deputy', email: 'sam.deputy@example.org' }],
  }
  const mail = renderNotification('notification', ctx, {
    details: `http://bench.invalid/v1/notifications/${ctx.id}`,
    acknowledge: `http://bench.invalid/ack/${ctx.id}.${'x'.repeat(43)}`,
  })
  let n = 0
  const send = () =>
    transport.sendMail({
      messageId: `<limit-${n++}-${randomBytes(4).toString('hex')}@bench>`,
      from: 'Operation Encompass <encompass-notify@localhost>',
      to: ['jo.bloggs@example.org'],
      cc: ['sam.deputy@example.org'],
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: { 'X-Encompass-Kind': 'limit' },
    })
  const meter = new CpuMeter()
  const closed = await loop(send, { concurrency: CONCURRENCY * WORKERS, seconds: LIMIT_S, warmS: 1 })
  closed.cpu = meter.stop(groups(undefined, true))
  const fixed = await loop(send, { concurrency: 1, seconds: 4, warmS: 1, rate: RATE })
  transport.close()
  return { closed, fixed }
}

// ---------------------------------------------------------------------------------------------
// Phases

async function intakePhase(workers: number): Promise<Load> {
  const s = await startService('benchintake', workers)
  await post(s, { connections: CONNECTIONS, duration: 3 }) // warm-up: JIT, pools, plans
  const meter = new CpuMeter()
  const load = await post(s, { connections: CONNECTIONS, duration: INTAKE_S })
  load.cpu = meter.stop(groups(s))
  await s.stop()
  return load
}

async function drainPhase(): Promise<{ n: number; seconds: number; fromSpawnSeconds: number; queued: Load; cpu: Cpu }> {
  const s = await startService('benchdrain', 0)
  const queued = await post(s, { connections: CONNECTIONS, amount: DRAIN_N })
  const { rows } = await s.db.db.query<{ n: number; q: number }>(
    'SELECT count(*)::int AS n, count(match_enqueued_at)::int AS q FROM children',
  )
  if (rows[0]!.n !== DRAIN_N || rows[0]!.q !== DRAIN_N) {
    throw new Error(`drain set-up: ${rows[0]!.n} children stored, ${rows[0]!.q} queued; expected ${DRAIN_N} (codes ${JSON.stringify(queued.codes)})`)
  }
  const before = sink.count()
  const spawned = Date.now()
  await s.startWorkers(WORKERS)
  const ready = Date.now()
  const meter = new CpuMeter()
  const ok = await sink.waitFor(before + DRAIN_N, 300_000)
  const cpu = meter.stop(groups(s))
  const last = sink.accepted.filter((a) => a.kind === 'notification').at(-1)!.at
  const sent = await s.db.db.query<{ n: number }>('SELECT count(*)::int AS n FROM notifications WHERE sent_at IS NOT NULL')
  await s.stop()
  if (!ok) throw new Error(`drain: only ${sink.count() - before} of ${DRAIN_N} e-mails within 300 s`)
  return { n: sent.rows[0]!.n, seconds: (last - ready) / 1000, fromSpawnSeconds: (last - spawned) / 1000, queued, cpu }
}

interface Delivery {
  latency: Percentiles
  matched: Percentiles
  toSent: Percentiles
  offered: number
  sent: number
  /** incidents/s the load generator achieved (autocannon's overallRate is per connection and can fall short) */
  achievedRate: number
  load: Load
}

async function deliveryPhase(): Promise<Delivery> {
  const s = await startService('benchdelivery', WORKERS)
  const before = sink.count()
  await post(s, { connections: 10, overallRate: RATE, amount: RATE * 3 }) // warm-up
  const from = new Date()
  const meter = new CpuMeter()
  const load = await post(s, { connections: 10, overallRate: RATE, amount: RATE * DELIVERY_S })
  const expected = RATE * 3 + load.ok
  if (!(await sink.waitFor(before + expected, 120_000))) throw new Error(`delivery: only ${sink.count() - before} of ${expected} e-mails within 120 s`)
  load.cpu = meter.stop(groups(s))
  const { rows } = await s.db.db.query<{ ms: number | null; matched: number; tosent: number | null }>(
    `SELECT extract(epoch FROM n.sent_at - n.received_at) * 1000 AS ms,
            extract(epoch FROM n.matched_at - n.received_at) * 1000 AS matched,
            extract(epoch FROM n.sent_at - n.matched_at) * 1000 AS tosent
       FROM notifications n WHERE n.received_at >= $1`,
    [from],
  )
  const done = rows.filter((r) => r.ms !== null)
  await s.stop()
  return {
    latency: summarise(done.map((r) => Number(r.ms))),
    matched: summarise(done.map((r) => Number(r.matched))),
    toSent: summarise(done.map((r) => Number(r.tosent))),
    offered: load.ok,
    sent: done.length,
    achievedRate: load.ok / load.seconds,
    load,
  }
}

/**
 * Writes out PostgreSQL's dirty pages between phases, so that no phase pays for the previous one's
 * writes (a checkpoint in the middle of a phase makes its first writes of each page full-page
 * images in the WAL). Needs a superuser, as the local test setup has; skipped otherwise.
 */
async function checkpoint(): Promise<void> {
  const db = await createScratchDatabase('benchckpt', 1)
  try {
    await db.db.query('CHECKPOINT')
  } catch (err) {
    log(`CHECKPOINT skipped: ${(err as Error).message}`)
  } finally {
    await db.drop()
  }
}

// ---------------------------------------------------------------------------------------------

/** The ids of `n` notifications sent (for the Key Adults to read), waiting up to a minute for the worker. */
async function notificationsSent(db: ScratchDatabase['db'], n: number): Promise<string[]> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const { rows } = await db.query<{ id: string }>(`SELECT id FROM notifications WHERE sent_at IS NOT NULL ORDER BY id LIMIT $1`, [n])
    if (rows.length >= n) return rows.map((r) => r.id)
    if (Date.now() > deadline) throw new Error(`bench: only ${rows.length} of ${n} notifications sent within a minute`)
    await sleep(200)
  }
}

async function main() {
  const began = Date.now()
  const load0 = loadavg()
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`
  log(`machine: ${machine}; load average ${load0.map((l) => l.toFixed(2)).join(' ')}`)
  log(`settings: ${WORKERS} worker process(es), 1 API process, ${CONNECTIONS} connections, service defaults (pool ${POOL_SIZE}, SMTP pool ${SMTP_POOL}, concurrency ${CONCURRENCY})`)
  await sink.start(0)
  cleanups.push(() => sink.close())

  let pgLimit: { closed: Limit; fixed: Limit } | undefined
  let smtp: { closed: Limit; fixed: Limit } | undefined
  if (ONLY.has('limits')) {
    log(`limit: plain PostgreSQL loop (submitIncident), ${CONNECTIONS} concurrent, pool ${POOL_SIZE}`)
    pgLimit = await postgresLimit()
    log(`  ${fmt(pgLimit.closed.perSecond)} txn/s, p99 ${fmt(pgLimit.closed.latency.p99, 1)} ms; at ${RATE}/s p95 ${fmt(pgLimit.fixed.latency.p95, 1)} ms`)
    log(`limit: plain nodemailer pooled loop, pool ${SMTP_POOL * WORKERS}, ${CONCURRENCY * WORKERS} in flight`)
    smtp = await smtpLimit()
    log(`  ${fmt(smtp.closed.perSecond)} msg/s, p99 ${fmt(smtp.closed.latency.p99, 1)} ms; at ${RATE}/s p95 ${fmt(smtp.fixed.latency.p95, 1)} ms`)
  }
  let intakeAlone: Load | undefined
  let intakeBusy: Load | undefined
  if (ONLY.has('intake')) {
    log(`intake: ${CONNECTIONS} connections, ${INTAKE_S} s, API alone (no worker running)`)
    await checkpoint()
    intakeAlone = await intakePhase(0)
    log(`  ${fmt(intakeAlone.ok / intakeAlone.seconds)}/s, p99 ${fmt(intakeAlone.latency.p99, 1)} ms, codes ${JSON.stringify(intakeAlone.codes)}`)
    log(`intake: ${CONNECTIONS} connections, ${INTAKE_S} s, with ${WORKERS} worker process(es) working through what arrives`)
    await checkpoint()
    intakeBusy = await intakePhase(WORKERS)
    log(`  ${fmt(intakeBusy.ok / intakeBusy.seconds)}/s, p99 ${fmt(intakeBusy.latency.p99, 1)} ms, codes ${JSON.stringify(intakeBusy.codes)}`)
  }
  let drain: Awaited<ReturnType<typeof drainPhase>> | undefined
  if (ONLY.has('drain')) {
    log(`drain: ${DRAIN_N} incidents queued with no worker running, then ${WORKERS} worker process(es)`)
    await checkpoint()
    drain = await drainPhase()
    log(`  ${drain.n} sent in ${fmt(drain.seconds, 1)} s after the workers registered (${fmt(drain.fromSpawnSeconds, 1)} s from spawn)`)
  }
  let delivery: Delivery | undefined
  if (ONLY.has('delivery')) {
    log(`delivery: ${RATE}/s for ${DELIVERY_S} s with ${WORKERS} worker process(es)`)
    await checkpoint()
    delivery = await deliveryPhase()
    log(`  ${delivery.sent}/${delivery.offered} sent at ${fmt(delivery.achievedRate, 1)}/s offered, p95 ${fmt(delivery.latency.p95)} ms`)
  }

  let pages: PageLoad[] | undefined
  if (ONLY.has('pages')) {
    log(`pages: ${PEOPLE} signed-in Key Adults and ${PEOPLE} officers, ${PAGES_S} s each, 1 worker process`)
    await checkpoint()
    const s = await startService('pages', 1)
    await post(s, { connections: 4, amount: PEOPLE })
    const ids = await notificationsSent(s.db.db, PEOPLE)
    const sessions = await signedInPeople(s.db.db, PEOPLE, s.tokens[0]!)
    pages = await pagesPhase({ apiUrl: `http://127.0.0.1:${s.api.port}`, notificationIds: ids, sessions, connections: PEOPLE, seconds: PAGES_S })
    await s.stop()
    for (const p of pages) log(`  ${p.label}: ${fmt(p.perSecond)}/s, p95 ${fmt(p.latency.p95)} ms, codes ${JSON.stringify(p.codes)}`)
  }

  const na = 'n/a'
  const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? na : fmt(a / b, 2))
  const yes = (ok: boolean | undefined) => (ok === undefined ? na : ok ? 'met' : 'MISSED')
  const lat = (p: { p50: number; p95: number; p99: number } | undefined, d = 0) =>
    p ? `${fmt(p.p50, d)} / ${fmt(p.p95, d)} / ${fmt(p.p99, d)} ms` : na
  const rate = (l: Load | undefined) => (l ? l.ok / l.seconds : undefined)
  const pgRate = pgLimit?.closed.perSecond
  const floor = pgLimit && smtp
    ? { p50: pgLimit.fixed.latency.p50 + smtp.fixed.latency.p50, p95: pgLimit.fixed.latency.p95 + smtp.fixed.latency.p95, p99: pgLimit.fixed.latency.p99 + smtp.fixed.latency.p99 }
    : undefined
  // From the workers' spawn (their start-up counts) to the last e-mail the sink accepted.
  const drainRate = drain ? DRAIN_N / drain.fromSpawnSeconds : undefined
  // Two verdicts per figure: its own goal, and the ratio to the machine's limit (goal ≥ 0.5).
  const half = (r: number | undefined) => (r === undefined ? na : r >= 0.5 ? 'met' : 'MISSED')
  const over = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a / b)
  const intakeRow = (label: string, l: Load | undefined): string[][] => [
    [label, l ? `${fmt(rate(l)!)} incidents/s` : na, '≥ 1,000/s', yes(l && rate(l)! >= 1000), pgLimit ? `PostgreSQL loop ${fmt(pgRate!)} txn/s` : na,
      ratio(rate(l), pgRate), half(over(rate(l), pgRate))],
    ['  latency p50 / p95 / p99', lat(l?.latency, 1), 'p99 ≤ 100 ms', yes(l && l.latency.p99 <= 100), pgLimit ? `loop ${lat(pgLimit.closed.latency, 1)}` : na,
      ratio(pgLimit?.closed.latency.p99, l?.latency.p99), half(over(pgLimit?.closed.latency.p99, l?.latency.p99))],
  ]
  const rows: string[][] = [
    ['figure', 'measured', 'goal', 'met', 'limit (same run)', 'ratio', 'ratio ≥ 0.5'],
    ...intakeRow('intake, API alone', intakeAlone),
    ...intakeRow(`intake, ${WORKERS} workers busy`, intakeBusy),
    [`delivery at ${RATE}/s (achieved ${delivery ? fmt(delivery.achievedRate, 1) : na}/s), received→sent`, lat(delivery?.latency), 'p95 ≤ 1 s, p99 ≤ 2 s',
      yes(delivery && delivery.latency.p95 <= 1000 && delivery.latency.p99 <= 2000 && delivery.sent === delivery.offered),
      floor ? `1 txn + 1 send at ${RATE}/s: ${lat(floor, 1)}` : na, ratio(floor?.p95, delivery?.latency.p95), half(over(floor?.p95, delivery?.latency.p95))],
    ['  of which received→matched', lat(delivery?.matched), '', '', '', '', ''],
    ['  of which matched→sent', lat(delivery?.toSent), '', '', '', '', ''],
    [`drain ${DRAIN_N.toLocaleString('en-GB')}, from worker spawn`, drain ? `${fmt(drain.fromSpawnSeconds, 1)} s (${fmt(drainRate!)}/s)` : na, '≤ 30 s',
      yes(drain && drain.fromSpawnSeconds <= 30), smtp ? `nodemailer loop ${fmt(smtp.closed.perSecond)} msg/s` : na,
      ratio(drainRate, smtp?.closed.perSecond), half(over(drainRate, smtp?.closed.perSecond))],
  ]
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
  const load1 = loadavg()
  console.log('')
  console.log(`encompass-notify bench, ${new Date().toISOString().slice(0, 16)}Z, ${machine}`)
  console.log(`1 API + ${WORKERS} worker processes, the load generator, the SMTP sink, PostgreSQL and Redis all on this machine; load average before ${load0[0]!.toFixed(2)}, after ${load1[0]!.toFixed(2)}`)
  console.log(line(rows[0]!))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const r of rows.slice(1)) console.log(line(r))
  console.log('ratio: throughput ÷ limit; latency rows: limit ÷ measured (intake p99; delivery p95 against one plain transaction plus one plain send).')
  const codes = (l: Load | undefined) => (l ? JSON.stringify(l.codes) : na)
  if (pages) {
    const floor = pages[1]!
    console.log('')
    console.log(`People's pages, ${PEOPLE} signed-in people at once (closed loop, no think time), beside a plain Fastify page of the same size in the same run:`)
    const prow = (p: PageLoad) => [p.label, `${fmt(p.bytes / 1024, 1)} kB`, `${fmt(p.perSecond)}/s`, lat(p.latency), p === floor ? '1.00' : ratio(floor.latency.p95, p.latency.p95),
      Object.entries(p.codes).map(([c, n]) => `${c}×${n}`).join(' ')]
    const prows = [['page', 'size', 'throughput', 'p50 / p95 / p99', 'p95 ratio (floor ÷ measured)', 'status codes'], ...pages.map(prow)]
    const pw = prows[0]!.map((_, i) => Math.max(...prows.map((r) => r[i]!.length)))
    const pline = (r: string[]) => `| ${r.map((c, i) => c.padEnd(pw[i]!)).join(' | ')} |`
    console.log(pline(prows[0]!))
    console.log(`|${pw.map((w) => '-'.repeat(w + 2)).join('|')}|`)
    for (const r of prows.slice(1)) console.log(pline(r))
  }
  console.log('CPU in cores, per phase:')
  const cpuLine = (label: string, c: Cpu | undefined) => c && console.log(`  ${label.padEnd(24)} ${formatCpu(c)}`)
  cpuLine('PostgreSQL loop', pgLimit?.closed.cpu)
  cpuLine('nodemailer loop', smtp?.closed.cpu)
  cpuLine('intake, API alone', intakeAlone?.cpu)
  cpuLine('intake, workers busy', intakeBusy?.cpu)
  cpuLine('drain', drain?.cpu)
  cpuLine(`delivery at ${RATE}/s`, delivery?.load.cpu)
  console.log(`status codes: intake ${codes(intakeAlone)}, busy ${codes(intakeBusy)}; drain: ${drain ? `${drain.n} sent, ${fmt(drain.fromSpawnSeconds, 1)} s from spawn` : na}; delivery: ${delivery ? `${delivery.sent}/${delivery.offered} sent` : na}. Total ${fmt((Date.now() - began) / 1000)} s.`)

  if (opt.json) {
    await writeFile(opt.json, JSON.stringify({ at: new Date().toISOString(), machine, load: [load0, load1], workers: WORKERS, connections: CONNECTIONS, pgLimit, smtp, intakeAlone, intakeBusy, drain, delivery, floor, pages }, null, 2))
  }
}

main()
  .catch((err: Error) => {
    console.error(`bench failed: ${err.stack ?? err.message}`)
    process.exitCode = 1
  })
  .finally(async () => {
    await cleanup()
    clearTimeout(watchdog)
  })
