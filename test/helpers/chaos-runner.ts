// The chaos run behind `npm run chaos` and test/e2e/chaos-short.test.ts. It submits incidents to
// real API processes at a steady rate while it SIGKILLs worker processes at random (and starts
// replacements), restarts or flushes Redis, and stops the SMTP server for a while; then it waits
// for the service to settle and compares three accounts: what the API acknowledged (recorded here,
// client-side), Postgres (the system of record), and what the SMTP server actually accepted.
//
// E-mails. Every e-mail about a notification carries X-Encompass-Notification (its id) and
// X-Encompass-Kind (src/mail/send-notification.ts). Each kind has its own fixed Message-ID,
// messageIdFor(): `<id@encompass-notify>` for the notification itself and `<id.deputies@…>`,
// `<id.desk@…>`, `<id.reminder@…>` for the escalation and reminder e-mails. So one e-mail is the
// pair (notification, kind); its record in Postgres is sent_at, deputies_notified_at,
// desk_alerted_at or reminder_sent_at respectively. E-mails without those headers (force alerts
// from src/queue/monitor.ts) are counted as `other` and take no part in the accounting.
//
//   acknowledged  incidents the API answered 202 or 200, with the child ids it returned
//   notified      children whose notification is sent, escalated or acknowledged
//   failed        children whose notification failed explicitly (the force desk is alerted). No
//                 permanent SMTP refusal is injected, so the only legitimate way to fail is
//                 src/queue/notify-worker.ts giving up on a temporary error in the job's final
//                 attempt: last_error "gave up after N attempts" with N >= NOTIFY_ATTEMPTS (N counts
//                 claims in Postgres; every attempt of the job claims once, a skipped claim ends the
//                 job). Those are `gaveUp` — allowed, but reported prominently, because they mean the
//                 retry schedule was shorter than the outage. Any other failure is `failedUnexpected`.
//   unmatched     children not matched to the (only, seeded) school: must be 0
//   unfinished    children still pending, or notifications still scheduled/sending, at the deadline
//   lost          must be 0: incidents or children the API acknowledged that Postgres does not
//                 have, e-mails Postgres records as sent whose Message-ID the server never accepted,
//                 and unfinished children
//   unrecorded    must be 0: e-mails (distinct Message-IDs) the server accepted that Postgres does
//                 not record as sent, or whose Message-ID is not the one messageIdFor() gives for
//                 their notification and kind, or whose notification Postgres does not know
//   doubles       must be 0: children with more than one notification row, and e-mails (a
//                 notification and kind; or a child and kind across its notifications) accepted
//                 under more than one distinct Message-ID
//   duplicates    Message-IDs accepted more than once. The only acceptable ones come from an
//                 acceptance we never recorded: a worker killed between the server's 250 and our
//                 record, or the server going down as it answered. Tested directly, each must hold:
//                   - our record is at or after the LAST acceptance (the record belongs to the last
//                     send; a record before it means a send after we had recorded one);
//                   - for the notification e-mail, at least as many claims (attempts) as sends;
//                   - right after EVERY acceptance but the last, a fault that explains why it went
//                     unrecorded: a SIGKILL of a worker alive at that acceptance within
//                     [acceptance - 250 ms, acceptance + 3 s], or the SMTP server stopping within
//                     [acceptance - 250 ms, acceptance + 1 s]. (The 250 ms: bytes a victim wrote
//                     just before its SIGKILL still reach the server, and the server's clock is
//                     this process's event loop, which reads them after the kill call.)
//                 Otherwise the duplicate is 'unexplained'.
// The run fails (verdict() non-empty) on lost, unrecorded, doubles, unexplained duplicates,
// unmatched, unexpected failures, incidents never acknowledged, a failed fault schedule, or a
// process that does not stop cleanly on SIGTERM.
//
// Reproducibility: separate seeded PRNGs for the fault schedule, the choice of victims, the
// respawn delays and the children per incident, so one seed gives the same schedule and the same
// incidents; which workers are alive (and so the victims) depends on timing as well.
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { messageIdFor } from '../../src/mail/send-notification.js'
import type { MailKind } from '../../src/mail/templates.js'
import { NOTIFY_ATTEMPTS } from '../../src/queue/queues.js'
import type { Db } from '../../src/store/db.js'
import type { SendContext } from '../../src/store/notifications-store.js'
import { createScratchDatabase, FORCE, incident, seed } from './fixture.js'
import {
  deletePrefix,
  flushPrefix,
  freePort,
  registeredWorkerPids,
  sleep,
  spawnService,
  waitReady,
  waitWorkers,
  type ServiceProcess,
} from './procs.js'
import type { PrivateRedis } from './private-redis.js'
import { SmtpSink, type Accepted } from './smtp-sink.js'
import { prng } from '../../src/prng.js'

export interface ChaosOptions {
  incidents: number
  /** Submissions per second (open loop). */
  rate: number
  workers: number
  apis: number
  /** SIGKILLs of random registered worker processes, at random times in killWindowMs. */
  kills: number
  killWindowMs: [number, number]
  /** Redis: a private server we may restart and FLUSHALL, or a shared one where we delete our prefix only. */
  redis: { url: string; server?: PrivateRedis; restartsAt: number[]; flushesAt: number[] }
  smtpDown: { atMs: number; forMs: number }
  settleTimeoutMs: number
  /** Service settings for the processes. */
  env: { SWEEP_INTERVAL_MS: string; CLAIM_TIMEOUT_MS: string; NOTIFY_BACKOFF_MS: string; WORKER_CONCURRENCY?: string }
  seed?: number
  log?: (line: string) => void
  /** Aborting stops the run and runs its cleanups at once (processes, database, Redis prefix). */
  signal?: AbortSignal
}

const KINDS: readonly MailKind[] = ['notification', 'deputies', 'desk', 'reminder']
const KILL_AFTER_MS = 3_000
const STOP_AFTER_MS = 1_000
const FAULT_BEFORE_MS = 250

export interface Duplicate {
  notificationId: string | null
  kind: string
  messageId: string
  count: number
  /** Claims in Postgres (notification e-mail only). */
  attempts: number | null
  status: string | null
  /** Seconds from the start of the run: each acceptance by the SMTP server, and our record. */
  acceptedAt: number[]
  recordedAt: number | null
  cause: 'kill' | 'smtp-stop' | 'unexplained'
  /** Why it is or is not explained. */
  why: string
}

export interface ChaosReport {
  seed: number
  seconds: number
  /** Incidents the API acknowledged (202/200), and their children as it returned them. */
  incidents: number
  acknowledgedChildren: number
  children: number
  notified: number
  failed: number
  /** Failed notifications that gave up after the configured retries, and all the others. */
  gaveUp: string[]
  failedUnexpected: string[]
  unmatched: number
  /** Why the unmatched children were held: reason (and the match job's error) → how many. */
  unmatchedWhy: Record<string, number>
  unfinished: number
  lost: number
  /** Incidents or children the API acknowledged that Postgres does not have. */
  lostIntake: string[]
  /** E-mails recorded as sent that the server never accepted: `kind messageId`. */
  lostIds: string[]
  unrecorded: number
  unrecordedIds: string[]
  duplicates: Duplicate[]
  doubles: number
  doubleIds: string[]
  /** Acceptances per kind (including 'other'). */
  mail: Record<string, number>
  kills: number
  redisRestarts: number
  redisFlushes: number
  smtpDownMs: number
  rejected: number
  faultError: string | null
  shutdown: { name: string; code: number | null; signal: string | null }[]
  /** For each unfinished child: its rows in Postgres and its jobs in Redis. */
  stuck: string[]
  events: string[]
}

/** An independent stream per purpose, derived from the run's seed. */
const stream = (seed: number, purpose: number) => prng((seed ^ Math.imul(purpose + 1, 0x9e3779b9)) >>> 0)

interface Worker {
  p: ServiceProcess
  spawnedAt: number
  registeredAt: number | null
}
interface Fault {
  at: number
  what: 'kill' | 'smtp-stop'
  /** For a kill: since when the victim was alive. */
  aliveSince?: number
}
interface Acked {
  reference: string
  incidentId: string
  childIds: string[]
  sentChildren: number
}

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const seedValue = o.seed ?? randomBytes(4).readUInt32LE(0)
  const randSchedule = stream(seedValue, 0)
  const randVictim = stream(seedValue, 1)
  const randRespawn = stream(seedValue, 2)
  const randKids = stream(seedValue, 3)
  const began = Date.now()
  const events: string[] = []
  const note = (s: string) => {
    const line = `+${((Date.now() - began) / 1000).toFixed(1).padStart(5)} s ${s}`
    events.push(line)
    o.log?.(line)
  }
  let stopping = false
  const checkStopping = () => {
    if (stopping) throw new Error('chaos run aborted')
  }
  const cleanups: (() => Promise<unknown>)[] = []
  const procs: ServiceProcess[] = []
  let cleaning: Promise<void> | undefined
  // Processes first (so nothing writes to Redis or Postgres any more), then the rest in reverse.
  const cleanup = () =>
    (cleaning ??= (async () => {
      stopping = true
      await Promise.all(procs.map((p) => p.kill9().catch(() => {})))
      for (const c of cleanups.reverse()) await c().catch(() => {})
    })())
  const onAbort = () => {
    note('aborted: cleaning up')
    void cleanup()
  }
  if (o.signal?.aborted) throw new Error('chaos run aborted before it started')
  o.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    const database = await createScratchDatabase('chaos', 4, (drop) => cleanups.push(drop))
    checkStopping()
    const db = database.db
    const { police } = await seed(db, 20)
    const sink = new SmtpSink()
    await sink.start(0)
    cleanups.push(() => sink.stop())
    const prefix = `enc-chaos-${randomBytes(4).toString('hex')}`
    cleanups.push(() => deletePrefix(o.redis.url, prefix).catch(() => 0))
    const common = {
      DATABASE_URL: database.url,
      REDIS_URL: o.redis.url,
      QUEUE_PREFIX: prefix,
      SMTP_URL: sink.url,
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: 'http://chaos.invalid',
      LOG_LEVEL: 'warn',
      DATABASE_POOL_SIZE: '5',
      ...o.env,
    }
    checkStopping()

    const apis: ServiceProcess[] = []
    for (let i = 0; i < o.apis; i++) {
      const p = spawnService('api', { ...common, PORT: String(await freePort()) }, `api-${i + 1}`)
      apis.push(p)
      procs.push(p)
    }
    let workerSeq = 0
    const workers: Worker[] = []
    const spawnWorker = () => {
      const p = spawnService('worker', common, `worker-${++workerSeq}`)
      workers.push({ p, spawnedAt: Date.now(), registeredAt: null })
      procs.push(p)
      return p
    }
    for (let i = 0; i < o.workers; i++) spawnWorker()
    await Promise.all(apis.map((a) => waitReady(a, 60_000)))
    await waitWorkers(o.redis.url, prefix, o.workers, 60_000, workers.map((w) => w.p))
    checkStopping()

    // Which worker processes have registered with BullMQ: only those are victims (a replacement
    // still booting holds no job). Sticky: a worker seen registered stays eligible through a
    // Redis restart, when every connection is down for a moment.
    const markRegistered = async () => {
      const pending = workers.filter((w) => w.registeredAt === null && w.p.alive())
      if (pending.length === 0) return
      const none = new Set<number>()
      const pids = await Promise.race([
        registeredWorkerPids(o.redis.url, prefix, pending.map((w) => w.p.pid)).catch(() => none),
        sleep(3_000).then(() => none), // Redis down: try again next round
      ])
      for (const w of pending) if (pids.has(w.p.pid)) w.registeredAt = Date.now()
    }
    await markRegistered()
    const registration = (async () => {
      while (!stopping) {
        await markRegistered()
        await sleep(250)
      }
    })().catch(() => {})
    note(`${o.apis} API and ${o.workers} worker processes ready (seed ${seedValue})`)
    const t0 = Date.now()

    // The schedule of faults, in ms from t0.
    type Planned = { at: number; what: 'kill' | 'restart' | 'flush' | 'smtp-stop' | 'smtp-start' }
    const plan: Planned[] = []
    for (let i = 0; i < o.kills; i++) {
      plan.push({ at: o.killWindowMs[0] + randSchedule() * (o.killWindowMs[1] - o.killWindowMs[0]), what: 'kill' })
    }
    for (const at of o.redis.restartsAt) plan.push({ at, what: 'restart' })
    for (const at of o.redis.flushesAt) plan.push({ at, what: 'flush' })
    if (o.smtpDown.forMs > 0) {
      plan.push({ at: o.smtpDown.atMs, what: 'smtp-stop' }, { at: o.smtpDown.atMs + o.smtpDown.forMs, what: 'smtp-start' })
    }
    plan.sort((a, b) => a.at - b.at)
    let kills = 0
    const faults: Fault[] = []
    let restarts = 0
    let flushes = 0
    let smtpStoppedAt = 0
    let smtpDownMs = 0
    let faultError: string | null = null
    const respawns: Promise<unknown>[] = []
    const faultLoop = (async () => {
      for (const f of plan) {
        const wait = t0 + f.at - Date.now()
        if (wait > 0) await sleep(wait)
        if (stopping) return
        if (f.what === 'kill') {
          // All of them may be dead or booting: wait a while for one that has registered.
          const eligible = () => workers.filter((w) => w.p.alive() && w.registeredAt !== null)
          for (let i = 0; i < 200 && eligible().length === 0 && !stopping; i++) await sleep(100)
          const alive = eligible()
          if (alive.length === 0) {
            note('no registered worker to kill; kill skipped')
            continue
          }
          const victim = alive[Math.floor(randVictim() * alive.length)]!
          faults.push({ at: Date.now(), what: 'kill', aliveSince: victim.spawnedAt })
          await victim.p.kill9()
          kills += 1
          note(`SIGKILL ${victim.p.name} (pid ${victim.p.pid})`)
          const delay = 500 + randRespawn() * 1000
          respawns.push(
            sleep(delay).then(() => {
              if (stopping) return
              const p = spawnWorker()
              note(`started ${p.name} in its place`)
            }),
          )
        } else if (f.what === 'restart') {
          if (!o.redis.server) continue
          note('Redis: shutdown nosave')
          await o.redis.server.restart(2_000)
          restarts += 1
          note('Redis: started again (empty)')
        } else if (f.what === 'flush') {
          if (o.redis.server) {
            await o.redis.server.flushAll()
            note('Redis: FLUSHALL')
          } else {
            const n = await flushPrefix(o.redis.url, prefix)
            note(`Redis: flushed all ${n} keys under the run's prefix at once`)
          }
          flushes += 1
        } else if (f.what === 'smtp-stop') {
          smtpStoppedAt = Date.now()
          faults.push({ at: smtpStoppedAt, what: 'smtp-stop' })
          await sink.stop()
          note('SMTP server stopped')
        } else {
          // Down for the full time even when the stop ran late (the faults run one after another).
          const until = smtpStoppedAt + o.smtpDown.forMs
          if (until > Date.now()) await sleep(until - Date.now())
          if (stopping) return
          await sink.start()
          smtpDownMs += Date.now() - smtpStoppedAt
          note(`SMTP server started again after ${((Date.now() - smtpStoppedAt) / 1000).toFixed(1)} s`)
        }
      }
    })()
    // Handled at once: a failing fault must not become an unhandled rejection while the
    // submissions run, nor leave the SMTP server down.
    const faultsDone = faultLoop.catch(async (err: Error) => {
      faultError = err.message
      note(`fault schedule failed: ${err.stack ?? err.message}`)
      if (!stopping && !sink.running) await sink.start().catch(() => {})
    })

    // Submissions: open loop at o.rate; each one retried (same reference and body, so a replay is
    // the same incident) until the API answers 202 or 200. What it acknowledged is kept here.
    const kidsPerIncident = Array.from({ length: o.incidents }, () => 1 + Math.floor(randKids() * 3))
    const acked: Acked[] = []
    let rejected = 0
    const submitOne = async (i: number) => {
      const reference = `CHAOS-${seedValue}-${i}`
      const body = incident(reference)
      const kids = kidsPerIncident[i]!
      body.children = Array.from({ length: kids }, (_, k) => ({ ...body.children[0]!, givenName: `Child${k}` }))
      const payload = JSON.stringify(body)
      for (let attempt = 0; attempt < 30 && !stopping; attempt++) {
        const api = apis[(i + attempt) % apis.length]!
        try {
          const res = await fetch(`http://127.0.0.1:${api.port}/v1/incidents`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${police[i % police.length]}` },
            body: payload,
            signal: AbortSignal.timeout(15_000),
          })
          const text = await res.text()
          if (res.status === 202 || res.status === 200) {
            const r = JSON.parse(text) as { id: string; reference: string; children: { id: string }[] }
            acked.push({ reference, incidentId: r.id, childIds: r.children.map((c) => c.id), sentChildren: kids })
            return
          }
          if (res.status < 500 && res.status !== 429) {
            rejected += 1
            note(`incident ${i} rejected with ${res.status}: ${text.slice(0, 200)}`)
            return
          }
        } catch {
          // connection trouble: try again
        }
        await sleep(500)
      }
      rejected += 1
      note(`incident ${i} never accepted`)
    }
    const inflight: Promise<void>[] = []
    for (let i = 0; i < o.incidents; i++) {
      checkStopping()
      const due = t0 + (i * 1000) / o.rate
      if (due > Date.now()) await sleep(due - Date.now())
      inflight.push(submitOne(i))
    }
    await Promise.all(inflight)
    checkStopping()
    note(`${acked.length} incidents acknowledged, ${rejected} not`)
    await faultsDone
    await Promise.all(respawns)
    checkStopping()

    // Settle: every child placed and every notification finished, every recorded e-mail seen by
    // the SMTP server and every accepted one recorded; or the deadline.
    const deadline = Date.now() + o.settleTimeoutMs
    let state = await settleState(db, sink.accepted)
    let lastNote = 0
    while (!state.settled && Date.now() < deadline) {
      checkStopping()
      if (Date.now() - lastNote > 10_000) {
        note(
          `waiting: ${state.open} children or notifications unfinished, ${state.sentNotAccepted} sent but not yet seen by SMTP, ` +
            `${state.acceptedNotRecorded} accepted but not yet recorded`,
        )
        lastNote = Date.now()
      }
      await sleep(500)
      state = await settleState(db, sink.accepted)
    }
    note(state.settled ? 'settled' : 'deadline passed without settling')
    await sleep(1_000) // anything still in flight lands now, or is a finding
    checkStopping()

    const report = await compare(db, sink.accepted, faults, began, acked)
    const stuck = report.unfinished > 0 ? await describeStuck(db, o.redis.url, prefix) : []
    for (const line of stuck) note(`unfinished: ${line}`)
    // Graceful stop of everything still running: SIGTERM must finish in-flight work and exit 0.
    stopping = true
    await registration
    const alive = procs.filter((p) => p.alive())
    await Promise.all(alive.map((p) => p.stop(30_000)))
    const shutdown = await Promise.all(alive.map(async (p) => ({ name: p.name, ...(await p.exited) })))
    return {
      seed: seedValue,
      seconds: (Date.now() - began) / 1000,
      incidents: acked.length,
      acknowledgedChildren: acked.reduce((n, a) => n + a.childIds.length, 0),
      ...report,
      kills,
      redisRestarts: restarts,
      redisFlushes: flushes,
      smtpDownMs,
      rejected,
      faultError,
      shutdown: shutdown.map((s) => ({ name: s.name, code: s.code, signal: s.signal })),
      stuck,
      events,
    }
  } finally {
    o.signal?.removeEventListener('abort', onAbort)
    await cleanup()
  }
}

/** What Postgres and Redis say about each unfinished child, to tell a slow recovery from a stuck one. */
async function describeStuck(db: Db, redisUrl: string, prefix: string): Promise<string[]> {
  const { rows } = await db.query<Record<string, unknown> & { child_id: string; n_id: string | null }>(
    `SELECT c.id AS child_id, c.match_status, c.match_enqueued_at, n.id AS n_id, n.status, n.enqueued_at, n.claimed_at,
            n.attempts, n.last_error, n.sent_at
       FROM children c LEFT JOIN notifications n ON n.child_id = c.id
      WHERE c.match_status = 'pending' OR (c.match_status = 'matched' AND n.id IS NULL) OR n.status IN ('scheduled', 'sending')
      LIMIT 10`,
  )
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 2 })
  try {
    const out: string[] = []
    for (const row of rows) {
      const jobs: string[] = []
      const keys: [string, string][] = [['match', `match-${row.child_id}`]]
      if (row.n_id) keys.push(['notify', `notify-${row.n_id}`])
      for (const [queue, id] of keys) {
        const base = `${prefix}:${queue}`
        const hash = await r.hgetall(`${base}:${id}`)
        const where: string[] = []
        for (const list of ['wait', 'active', 'paused']) if ((await r.lpos(`${base}:${list}`, id)) !== null) where.push(list)
        for (const set of ['delayed', 'prioritized', 'completed', 'failed']) if ((await r.zscore(`${base}:${set}`, id)) !== null) where.push(set)
        const fields = Object.keys(hash)
        jobs.push(`${id}: ${fields.length ? `hash {${fields.join(',')}}` : 'no hash'}, in [${where.join(',')}]`)
      }
      out.push(`${JSON.stringify(row)} redis: ${jobs.join('; ')}`)
    }
    return out
  } finally {
    r.disconnect()
  }
}

interface Row {
  child_id: string
  match_status: string
  n_count: number
  match_reason: string | null
  match_error: string | null
  id: string | null
  status: string | null
  message_id: string | null
  attempts: number | null
  last_error: string | null
  desk_step_at: Date | null
  /** Our record of each e-mail kind. */
  notification_at: Date | null
  deputies_at: Date | null
  desk_at: Date | null
  reminder_at: Date | null
}

async function loadRows(db: Db): Promise<Row[]> {
  const { rows } = await db.query<Row>(
    `SELECT c.id AS child_id, c.match_status, c.match_reason, c.match_error, count(n.id) OVER (PARTITION BY c.id)::int AS n_count,
            n.id, n.status, n.message_id, n.attempts, n.last_error, n.desk_step_at,
            n.sent_at AS notification_at, n.deputies_notified_at AS deputies_at, n.desk_alerted_at AS desk_at,
            n.reminder_sent_at AS reminder_at
       FROM children c LEFT JOIN notifications n ON n.child_id = c.id`,
  )
  return rows
}

const recordOf = (r: Row, kind: MailKind): Date | null =>
  kind === 'notification' ? r.notification_at : kind === 'deputies' ? r.deputies_at : kind === 'desk' ? r.desk_at : r.reminder_at
const expectedId = (r: Row, kind: MailKind) => messageIdFor({ messageId: r.message_id! } as SendContext, kind)
const isKind = (k: string): k is MailKind => (KINDS as readonly string[]).includes(k)

/** A child still on its way: not placed, no notification yet, mid-send, or failed without the desk step. */
const isOpen = (r: Row) =>
  r.match_status === 'pending' ||
  (r.match_status === 'matched' && r.id === null) ||
  r.status === 'scheduled' ||
  r.status === 'sending' ||
  (r.status === 'failed' && r.desk_step_at === null)

async function settleState(db: Db, accepted: Accepted[]) {
  const rows = await loadRows(db)
  const seen = new Set(accepted.map((a) => a.messageId))
  const byId = new Map(rows.filter((r) => r.id).map((r) => [r.id!, r]))
  let sentNotAccepted = 0
  for (const r of rows) {
    if (!r.id) continue
    for (const k of KINDS) if (recordOf(r, k) && !seen.has(expectedId(r, k))) sentNotAccepted += 1
  }
  let acceptedNotRecorded = 0
  for (const a of accepted) {
    if (!isKind(a.kind) || !a.notification) continue
    const r = byId.get(a.notification)
    if (r && !recordOf(r, a.kind)) acceptedNotRecorded += 1
  }
  const open = rows.filter(isOpen).length
  return { settled: open === 0 && sentNotAccepted === 0 && acceptedNotRecorded === 0, open, sentNotAccepted, acceptedNotRecorded }
}

async function compare(db: Db, accepted: Accepted[], faults: Fault[], began: number, acked: Acked[]) {
  const rows = await loadRows(db)
  const rel = (t: number) => Math.round((t - began) / 100) / 10
  const byNotification = new Map(rows.filter((r) => r.id).map((r) => [r.id!, r]))
  const mail: Record<string, number> = {}
  for (const a of accepted) mail[a.kind] = (mail[a.kind] ?? 0) + 1

  // Intake: everything the API acknowledged must be in Postgres.
  const { rows: stored } = await db.query<{ id: string; reference: string; child_ids: string[] }>(
    `SELECT i.id, i.reference, coalesce(array_agg(c.id) FILTER (WHERE c.id IS NOT NULL), '{}') AS child_ids
       FROM incidents i LEFT JOIN children c ON c.incident_id = i.id
      WHERE i.force_code = $1 GROUP BY i.id`,
    [FORCE],
  )
  const storedByRef = new Map(stored.map((s) => [s.reference, s]))
  const lostIntake: string[] = []
  for (const a of acked) {
    const s = storedByRef.get(a.reference)
    if (!s || s.id !== a.incidentId) {
      lostIntake.push(`incident ${a.reference} (${a.incidentId})${s ? ` is ${s.id} in Postgres` : ''}`)
      continue
    }
    const have = new Set(s.child_ids)
    const missing = a.childIds.filter((id) => !have.has(id))
    if (missing.length > 0) lostIntake.push(`children ${missing.join(', ')} of ${a.reference}`)
    if (a.childIds.length !== a.sentChildren || s.child_ids.length !== a.sentChildren) {
      lostIntake.push(`${a.reference}: ${a.sentChildren} children sent, ${a.childIds.length} acknowledged, ${s.child_ids.length} stored`)
    }
  }

  // Children.
  const children = new Set(rows.map((r) => r.child_id)).size
  let notified = 0
  let failed = 0
  let unmatched = 0
  const unmatchedWhy: Record<string, number> = {}
  let unfinished = 0
  const gaveUp: string[] = []
  const failedUnexpected: string[] = []
  const seenChild = new Set<string>()
  for (const r of rows) {
    if (seenChild.has(r.child_id)) continue // a child with two notifications counts once (and as a double)
    seenChild.add(r.child_id)
    if (r.match_status === 'unmatched' || r.match_status === 'no-setting') {
      unmatched += 1
      const why = `${r.match_status}: ${r.match_reason ?? 'no reason'}${r.match_error ? ` (${r.match_error.slice(0, 120)})` : ''}`
      unmatchedWhy[why] = (unmatchedWhy[why] ?? 0) + 1
    }
    else if (r.status === 'failed') {
      failed += 1
      const n = Number(/^gave up after (\d+) attempts/.exec(r.last_error ?? '')?.[1] ?? 0)
      ;(n >= NOTIFY_ATTEMPTS ? gaveUp : failedUnexpected).push(`${r.id}: ${r.last_error}`)
    } else if (r.notification_at && ['sent', 'escalated', 'acknowledged'].includes(r.status!)) notified += 1
    else unfinished += 1
  }

  // E-mails: group the acceptances by notification and kind.
  const groups = new Map<string, { r: Row | undefined; id: string | null; kind: string; list: Accepted[] }>()
  const unrecordedIds = new Set<string>()
  for (const a of accepted) {
    if (!isKind(a.kind)) continue // force alerts and anything else without our headers
    if (!a.notification || !byNotification.has(a.notification)) {
      unrecordedIds.add(`${a.kind} ${a.messageId} (notification ${a.notification ?? 'header missing'} unknown)`)
      continue
    }
    const key = `${a.notification} ${a.kind}`
    const g = groups.get(key) ?? { r: byNotification.get(a.notification), id: a.notification, kind: a.kind, list: [] }
    g.list.push(a)
    groups.set(key, g)
  }
  const doubleIds = new Set<string>()
  for (const r of rows) if (r.n_count > 1) doubleIds.add(`child ${r.child_id}: ${r.n_count} notifications`)
  const duplicates: Duplicate[] = []
  const perChildKind = new Map<string, Set<string>>()
  for (const g of groups.values()) {
    const r = g.r!
    const kind = g.kind as MailKind
    const ids = new Set(g.list.map((a) => a.messageId))
    const expected = expectedId(r, kind)
    if (ids.size > 1) doubleIds.add(`notification ${g.id} ${kind}: ${ids.size} distinct Message-IDs (${[...ids].join(', ')})`)
    const childKey = `${r.child_id} ${kind}`
    const forChild = perChildKind.get(childKey) ?? new Set<string>()
    for (const id of ids) forChild.add(id)
    perChildKind.set(childKey, forChild)
    const recorded = recordOf(r, kind)
    for (const id of ids) {
      if (id !== expected) unrecordedIds.add(`${kind} ${id} (expected ${expected})`)
      else if (!recorded) unrecordedIds.add(`${kind} ${id} (status ${r.status})`)
    }
    const same = g.list.filter((a) => a.messageId === expected).sort((a, b) => a.at - b.at)
    if (same.length > 1) duplicates.push(classify(g.id, kind, expected, same, r, recorded, faults, rel))
  }
  for (const [key, ids] of perChildKind) {
    if (ids.size > 1) doubleIds.add(`child ${key}: ${ids.size} distinct Message-IDs (${[...ids].join(', ')})`)
  }

  // Recorded as sent, never accepted.
  const seen = new Set(accepted.map((a) => a.messageId))
  const lostIds: string[] = []
  for (const r of rows) {
    if (!r.id) continue
    for (const k of KINDS) if (recordOf(r, k) && !seen.has(expectedId(r, k))) lostIds.push(`${k} ${expectedId(r, k)}`)
  }
  return {
    children,
    notified,
    failed,
    gaveUp,
    failedUnexpected,
    unmatched,
    unmatchedWhy,
    unfinished,
    lost: lostIntake.length + lostIds.length + unfinished,
    lostIntake,
    lostIds,
    unrecorded: unrecordedIds.size,
    unrecordedIds: [...unrecordedIds],
    duplicates,
    doubles: doubleIds.size,
    doubleIds: [...doubleIds],
    mail,
  }
}

/** Applies the definition in the header to one Message-ID accepted more than once. */
function classify(
  notificationId: string | null,
  kind: MailKind,
  messageId: string,
  times: Accepted[],
  r: Row,
  recorded: Date | null,
  faults: Fault[],
  rel: (t: number) => number,
): Duplicate {
  const at = times.map((a) => a.at)
  const last = at[at.length - 1]!
  const base = {
    notificationId,
    kind,
    messageId,
    count: at.length,
    attempts: kind === 'notification' ? r.attempts : null,
    status: r.status,
    acceptedAt: at.map(rel),
    recordedAt: recorded ? rel(recorded.getTime()) : null,
  }
  const no = (why: string): Duplicate => ({ ...base, cause: 'unexplained', why })
  if (!recorded) return no('never recorded')
  if (recorded.getTime() < last) return no(`recorded at ${rel(recorded.getTime())} s, before the last acceptance: sent again after we had recorded it`)
  if (kind === 'notification' && (r.attempts ?? 0) < at.length) return no(`${at.length} sends but only ${r.attempts} claims`)
  const causes: ('kill' | 'smtp-stop')[] = []
  for (const t of at.slice(0, -1)) {
    const kill = faults.find(
      (f) => f.what === 'kill' && f.at >= t - FAULT_BEFORE_MS && f.at <= t + KILL_AFTER_MS && (f.aliveSince ?? Infinity) <= t,
    )
    const stop = faults.find((f) => f.what === 'smtp-stop' && f.at >= t - FAULT_BEFORE_MS && f.at <= t + STOP_AFTER_MS)
    if (kill) causes.push('kill')
    else if (stop) causes.push('smtp-stop')
    else return no(`no kill within ${KILL_AFTER_MS / 1000} s nor SMTP stop within ${STOP_AFTER_MS / 1000} s after the acceptance at ${rel(t)} s`)
  }
  const cause = causes.includes('kill') ? 'kill' : 'smtp-stop'
  return { ...base, cause, why: `unrecorded acceptance followed by ${causes.join(', ')}; recorded after the last send` }
}

/** An acceptable duplicate: an acceptance we never recorded, retried under the same Message-ID. */
export function explained(d: Duplicate): boolean {
  return d.cause !== 'unexplained'
}

/** Everything that makes the run a failure; empty when it passed. */
export function verdict(r: ChaosReport): string[] {
  const out: string[] = []
  const unexplained = r.duplicates.filter((d) => !explained(d)).length
  if (r.lost > 0) out.push(`lost ${r.lost}`)
  if (r.unrecorded > 0) out.push(`unrecorded ${r.unrecorded}`)
  if (r.doubles > 0) out.push(`doubles ${r.doubles}`)
  if (unexplained > 0) out.push(`unexplained duplicates ${unexplained}`)
  if (r.unmatched > 0) out.push(`unmatched ${r.unmatched}`)
  if (r.failedUnexpected.length > 0) out.push(`unexpected failures ${r.failedUnexpected.length}`)
  if (r.rejected > 0) out.push(`incidents never acknowledged ${r.rejected}`)
  if (r.faultError) out.push(`fault schedule failed: ${r.faultError}`)
  const unclean = r.shutdown.filter((s) => s.code !== 0)
  if (unclean.length > 0) out.push(`unclean shutdown: ${unclean.map((s) => `${s.name} ${s.code ?? s.signal}`).join(', ')}`)
  return out
}

export function formatReport(r: ChaosReport): string {
  const dupCount = r.duplicates.reduce((s, d) => s + d.count - 1, 0)
  const unexplained = r.duplicates.filter((d) => !explained(d))
  const by = (c: Duplicate['cause']) => r.duplicates.filter((d) => d.cause === c).length
  const some = (xs: string[], n = 5) => (xs.length ? `: ${xs.slice(0, n).join('; ')}${xs.length > n ? '; …' : ''}` : '')
  const problems = verdict(r)
  return [
    `chaos run (seed ${r.seed}) in ${r.seconds.toFixed(0)} s: ${r.incidents} incidents acknowledged with ${r.acknowledgedChildren} children; ${r.children} children in Postgres`,
    `faults: ${r.kills} SIGKILLs of workers, ${r.redisRestarts} Redis restarts, ${r.redisFlushes} Redis flushes, SMTP down ${(r.smtpDownMs / 1000).toFixed(1)} s${r.faultError ? `; FAULT SCHEDULE FAILED: ${r.faultError}` : ''}`,
    `children: ${r.notified} notified, ${r.failed} failed explicitly, ${r.unmatched} unmatched, ${r.unfinished} unfinished`,
    ...Object.entries(r.unmatchedWhy).map(([why, n]) => `  unmatched ${n}: ${why}`),
    ...(r.failed > 0
      ? [
          `FAILED NOTIFICATIONS: ${r.failed} — ${r.gaveUp.length} gave up after the configured ${NOTIFY_ATTEMPTS} attempts (allowed, but the retries did not outlast the faults)${some(r.gaveUp, 3)}`,
          `  ${r.failedUnexpected.length} failed for any other reason (unexpected: no permanent refusal was injected)${some(r.failedUnexpected)}`,
        ]
      : []),
    `e-mails accepted: ${Object.entries(r.mail).map(([k, n]) => `${n} ${k}`).join(', ') || 'none'}`,
    `lost: ${r.lost} (${r.lostIntake.length} acknowledged but not in Postgres, ${r.lostIds.length} recorded as sent but never accepted, ${r.unfinished} unfinished)${some([...r.lostIntake, ...r.lostIds])}`,
    `unrecorded (accepted by SMTP, not recorded as sent): ${r.unrecorded}${some(r.unrecordedIds)}`,
    `doubles (two notifications for a child, or one e-mail under two Message-IDs): ${r.doubles}${some(r.doubleIds)}`,
    `duplicates (one Message-ID accepted more than once): ${dupCount} extra e-mails for ${r.duplicates.length} Message-IDs: ${by('kill')} after a worker was killed, ${by('smtp-stop')} as the SMTP server stopped, ${unexplained.length} unexplained`,
    ...r.duplicates.map(
      (d) =>
        `  ${d.kind} ${d.messageId} ×${d.count}: accepted at ${d.acceptedAt.join(', ')} s, recorded at ${d.recordedAt ?? 'never'} s` +
        `${d.attempts !== null ? `, ${d.attempts} claims` : ''}, ${d.cause}: ${d.why}`,
    ),
    `incidents never acknowledged: ${r.rejected}`,
    `shutdown after the run: ${r.shutdown.map((s) => `${s.name} ${s.code ?? s.signal}`).join(', ')}`,
    problems.length ? `RESULT: FAIL (${problems.join('; ')})` : 'RESULT: PASS',
  ].join('\n')
}
