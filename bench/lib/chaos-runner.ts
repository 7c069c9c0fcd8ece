// The chaos run behind `npm run chaos` and test/e2e/chaos-short.test.ts. It submits incidents to
// real API processes at a steady rate while it SIGKILLs worker processes at random (and starts
// replacements), restarts or flushes Redis, and stops the SMTP server for a while; then it waits
// for the service to settle and compares Postgres, the system of record, with what the SMTP server
// actually accepted:
//
//   notified      children whose notification is sent, escalated or acknowledged
//   failed        children whose notification failed explicitly (the force desk is alerted)
//   unfinished    children still pending, or notifications still scheduled/sending, at the deadline
//   lost          notifications Postgres records as sent whose Message-ID the server never accepted,
//                 plus unfinished ones: must be 0
//   unrecorded    Message-IDs the server accepted for notifications Postgres does not record as sent
//   duplicates    Message-IDs accepted more than once. The only acceptable ones come from an
//                 acceptance we never recorded: a worker killed between the server's 250 and our
//                 record, or the server going down as it answered. The retry carries the same
//                 Message-ID, the notification shows more than one claim (attempts > 1), and a kill
//                 or the SMTP stop falls within a few seconds after the first acceptance; each
//                 duplicate is classified by that timing ('kill', 'smtp-stop' or 'unexplained').
//   doubles       children with more than one notification, or more than one distinct notification
//                 Message-ID accepted for one child: must be 0
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Db } from '../../src/store/db.js'
import { createScratchDatabase, incident, seed, URN } from './fixture.js'
import { deletePrefix, flushPrefix, freePort, sleep, spawnService, waitReady, waitWorkers, type ServiceProcess } from './procs.js'
import type { PrivateRedis } from './private-redis.js'
import { SmtpSink, type Accepted } from './smtp-sink.js'

export interface ChaosOptions {
  incidents: number
  /** Submissions per second (open loop). */
  rate: number
  workers: number
  apis: number
  /** SIGKILLs of random worker processes, at random times in killWindowMs. */
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
}

export interface Duplicate {
  messageId: string
  count: number
  attempts: number | null
  status: string | null
  /** Seconds from the start of the run: each acceptance by the SMTP server, and our record. */
  acceptedAt: number[]
  recordedAt: number | null
  cause: 'kill' | 'smtp-stop' | 'unexplained'
}

export interface ChaosReport {
  seed: number
  seconds: number
  incidents: number
  children: number
  notified: number
  failed: number
  unmatched: number
  unfinished: number
  lost: number
  lostIds: string[]
  unrecorded: number
  duplicates: Duplicate[]
  doubles: number
  kills: number
  redisRestarts: number
  redisFlushes: number
  smtpDownMs: number
  rejected: number
  shutdown: { name: string; code: number | null; signal: string | null }[]
  /** For each unfinished child: its rows in Postgres and its jobs in Redis. */
  stuck: string[]
  events: string[]
}

/** A small deterministic PRNG (mulberry32), so a run's schedule can be repeated from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const seedValue = o.seed ?? randomBytes(4).readUInt32LE(0)
  const random = prng(seedValue)
  const began = Date.now()
  const events: string[] = []
  const note = (s: string) => {
    const line = `+${((Date.now() - began) / 1000).toFixed(1).padStart(5)} s ${s}`
    events.push(line)
    o.log?.(line)
  }
  const cleanups: (() => Promise<unknown>)[] = []
  const procs: ServiceProcess[] = []
  try {
    const database = await createScratchDatabase('chaos', 4)
    cleanups.push(() => database.drop())
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
    cleanups.push(() => Promise.all(procs.map((p) => p.kill9())))

    const apis: ServiceProcess[] = []
    for (let i = 0; i < o.apis; i++) {
      const p = spawnService('api', { ...common, PORT: String(await freePort()) }, `api-${i + 1}`)
      apis.push(p)
      procs.push(p)
    }
    let workerSeq = 0
    const workers: ServiceProcess[] = []
    const spawnWorker = () => {
      const p = spawnService('worker', common, `worker-${++workerSeq}`)
      workers.push(p)
      procs.push(p)
      return p
    }
    for (let i = 0; i < o.workers; i++) spawnWorker()
    await Promise.all(apis.map((a) => waitReady(a, 60_000)))
    await waitWorkers(o.redis.url, prefix, o.workers, 60_000, workers)
    note(`${o.apis} API and ${o.workers} worker processes ready (seed ${seedValue})`)
    const t0 = Date.now()

    // The schedule of faults, in ms from t0.
    type Fault = { at: number; what: 'kill' | 'restart' | 'flush' | 'smtp-stop' | 'smtp-start' }
    const faults: Fault[] = []
    for (let i = 0; i < o.kills; i++) {
      faults.push({ at: o.killWindowMs[0] + random() * (o.killWindowMs[1] - o.killWindowMs[0]), what: 'kill' })
    }
    for (const at of o.redis.restartsAt) faults.push({ at, what: 'restart' })
    for (const at of o.redis.flushesAt) faults.push({ at, what: 'flush' })
    if (o.smtpDown.forMs > 0) {
      faults.push({ at: o.smtpDown.atMs, what: 'smtp-stop' }, { at: o.smtpDown.atMs + o.smtpDown.forMs, what: 'smtp-start' })
    }
    faults.sort((a, b) => a.at - b.at)
    let kills = 0
    const faultLog: { at: number; what: 'kill' | 'smtp-stop' }[] = []
    let restarts = 0
    let flushes = 0
    let smtpStoppedAt = 0
    let smtpDownMs = 0
    const respawns: Promise<unknown>[] = []
    const chaos = (async () => {
      for (const f of faults) {
        const wait = t0 + f.at - Date.now()
        if (wait > 0) await sleep(wait)
        if (f.what === 'kill') {
          // All of them may be dead already: wait for a replacement to start.
          for (let i = 0; i < 100 && !workers.some((w) => w.alive()); i++) await sleep(100)
          const alive = workers.filter((w) => w.alive())
          if (alive.length === 0) continue
          const victim = alive[Math.floor(random() * alive.length)]!
          await victim.kill9()
          kills += 1
          faultLog.push({ at: Date.now(), what: 'kill' })
          note(`SIGKILL ${victim.name} (pid ${victim.pid})`)
          respawns.push(
            sleep(500 + random() * 1000).then(() => {
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
          await sink.stop()
          smtpStoppedAt = Date.now()
          faultLog.push({ at: smtpStoppedAt, what: 'smtp-stop' })
          note('SMTP server stopped')
        } else {
          await sink.start()
          smtpDownMs += Date.now() - smtpStoppedAt
          note(`SMTP server started again after ${((Date.now() - smtpStoppedAt) / 1000).toFixed(1)} s`)
        }
      }
    })()

    // Submissions: open loop at o.rate; each one retried (same reference and body, so a replay is
    // the same incident) until the API answers 202 or 200.
    let rejected = 0
    let submitted = 0
    const submitOne = async (i: number) => {
      const body = incident(`CHAOS-${seedValue}-${i}`)
      const kids = 1 + Math.floor(random() * 3)
      body.children = Array.from({ length: kids }, (_, k) => ({ ...body.children[0]!, givenName: `Child${k}` }))
      const payload = JSON.stringify(body)
      for (let attempt = 0; attempt < 30; attempt++) {
        const api = apis[(i + attempt) % apis.length]!
        try {
          const res = await fetch(`http://127.0.0.1:${api.port}/v1/incidents`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${police[i % police.length]}` },
            body: payload,
            signal: AbortSignal.timeout(15_000),
          })
          await res.arrayBuffer()
          if (res.status === 202 || res.status === 200) {
            submitted += 1
            return
          }
          if (res.status < 500 && res.status !== 429) {
            rejected += 1
            note(`incident ${i} rejected with ${res.status}`)
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
      const due = t0 + (i * 1000) / o.rate
      if (due > Date.now()) await sleep(due - Date.now())
      inflight.push(submitOne(i))
    }
    await Promise.all(inflight)
    note(`${submitted} incidents accepted, ${rejected} not`)
    await chaos
    await Promise.all(respawns)

    // Settle: every child placed and every notification finished, and Postgres and the SMTP
    // server agreeing on what was sent; or the deadline.
    const deadline = Date.now() + o.settleTimeoutMs
    let state = await settleState(db, sink.accepted)
    let lastNote = 0
    while (!state.settled && Date.now() < deadline) {
      if (Date.now() - lastNote > 10_000) {
        note(`waiting: ${state.open} children or notifications unfinished, ${state.sentNotAccepted} sent but not yet seen by SMTP`)
        lastNote = Date.now()
      }
      await sleep(500)
      state = await settleState(db, sink.accepted)
    }
    note(state.settled ? 'settled' : 'deadline passed without settling')
    await sleep(1_000) // anything still in flight lands now, or is a finding

    const report = await compare(db, sink.accepted, faultLog, began)
    const stuck = report.unfinished > 0 ? await describeStuck(db, o.redis.url, prefix) : []
    for (const line of stuck) note(`unfinished: ${line}`)
    // Graceful stop of everything still running: SIGTERM must finish in-flight work and exit 0.
    const alive = procs.filter((p) => p.alive())
    await Promise.all(alive.map((p) => p.stop(30_000)))
    const shutdown = await Promise.all(alive.map(async (p) => ({ name: p.name, ...(await p.exited) })))
    return {
      seed: seedValue,
      seconds: (Date.now() - began) / 1000,
      incidents: submitted,
      ...report,
      kills,
      redisRestarts: restarts,
      redisFlushes: flushes,
      smtpDownMs,
      rejected,
      shutdown: shutdown.map((s) => ({ name: s.name, code: s.code, signal: s.signal })),
      stuck,
      events,
    }
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => {})
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

async function settleState(db: Db, accepted: Accepted[]) {
  const { rows } = await db.query<{ open: number; sent_ids: string[] }>(
    `SELECT count(*) FILTER (WHERE c.match_status = 'pending'
                               OR (c.match_status = 'matched' AND n.id IS NULL)
                               OR n.status IN ('scheduled', 'sending'))::int AS open,
            coalesce(array_agg(n.message_id) FILTER (WHERE n.sent_at IS NOT NULL), '{}') AS sent_ids
       FROM children c LEFT JOIN notifications n ON n.child_id = c.id`,
  )
  const seen = new Set(accepted.map((a) => a.messageId))
  const sentNotAccepted = rows[0]!.sent_ids.filter((id) => !seen.has(id)).length
  return { settled: rows[0]!.open === 0 && sentNotAccepted === 0, open: rows[0]!.open, sentNotAccepted }
}

async function compare(db: Db, accepted: Accepted[], faults: { at: number; what: 'kill' | 'smtp-stop' }[], began: number) {
  const { rows } = await db.query<{
    child_id: string
    match_status: string
    n_count: number
    id: string | null
    status: string | null
    sent_at: Date | null
    message_id: string | null
    attempts: number | null
  }>(
    `SELECT c.id AS child_id, c.match_status, count(n.id) OVER (PARTITION BY c.id)::int AS n_count,
            n.id, n.status, n.sent_at, n.message_id, n.attempts
       FROM children c LEFT JOIN notifications n ON n.child_id = c.id`,
  )
  const notificationMail = accepted.filter((a) => a.kind === 'notification')
  const counts = new Map<string, number>()
  for (const a of notificationMail) counts.set(a.messageId, (counts.get(a.messageId) ?? 0) + 1)
  const byMessageId = new Map(rows.filter((r) => r.message_id).map((r) => [r.message_id!, r]))
  const children = new Set(rows.map((r) => r.child_id)).size
  let notified = 0
  let failed = 0
  let unmatched = 0
  let unfinished = 0
  const lostIds: string[] = []
  for (const r of rows) {
    if (r.match_status === 'unmatched') unmatched += 1
    else if (r.status === 'failed') failed += 1
    else if (r.sent_at && ['sent', 'escalated', 'acknowledged'].includes(r.status!)) {
      notified += 1
      if (!counts.has(r.message_id!)) lostIds.push(r.message_id!)
    } else unfinished += 1
  }
  const unrecorded = [...counts.keys()].filter((id) => !byMessageId.get(id)?.sent_at).length
  const rel = (t: number) => Math.round((t - began) / 100) / 10
  const duplicates: Duplicate[] = [...counts]
    .filter(([, n]) => n > 1)
    .map(([messageId, count]) => {
      const r = byMessageId.get(messageId)
      const times = notificationMail.filter((a) => a.messageId === messageId).map((a) => a.at)
      // A fault just after the first acceptance (the 250 may have reached nobody, or the worker
      // died before recording it): a kill within 5 s, or the SMTP server stopping within 1 s.
      const first = times[0]!
      const near = faults.filter((f) => f.at >= first - 500 && f.at <= first + (f.what === 'kill' ? 5_000 : 1_000))
      const cause = near.some((f) => f.what === 'kill') ? 'kill' : near.some((f) => f.what === 'smtp-stop') ? 'smtp-stop' : 'unexplained'
      return {
        messageId,
        count,
        attempts: r?.attempts ?? null,
        status: r?.status ?? null,
        acceptedAt: times.map(rel),
        recordedAt: r?.sent_at ? rel(r.sent_at.getTime()) : null,
        cause,
      }
    })
  const doubles = rows.filter((r) => r.n_count > 1).length
  return { children, notified, failed, unmatched, unfinished, lost: lostIds.length + unfinished, lostIds, unrecorded, duplicates, doubles }
}

/** An acceptable duplicate: retried after a claim went unrecorded, next to a fault that explains it. */
export function explained(d: Duplicate): boolean {
  return d.attempts !== null && d.attempts > 1 && d.cause !== 'unexplained'
}

export function formatReport(r: ChaosReport): string {
  const dupCount = r.duplicates.reduce((s, d) => s + d.count - 1, 0)
  const unexplained = r.duplicates.filter((d) => !explained(d))
  const by = (c: Duplicate['cause']) => r.duplicates.filter((d) => d.cause === c).length
  return [
    `chaos run (seed ${r.seed}) in ${r.seconds.toFixed(0)} s: ${r.incidents} incidents, ${r.children} children`,
    `faults: ${r.kills} SIGKILLs of workers, ${r.redisRestarts} Redis restarts, ${r.redisFlushes} Redis flushes, SMTP down ${(r.smtpDownMs / 1000).toFixed(1)} s`,
    `children: ${r.notified} notified, ${r.failed} failed explicitly, ${r.unmatched} unmatched, ${r.unfinished} unfinished`,
    `lost: ${r.lost}${r.lostIds.length ? ` (${r.lostIds.slice(0, 5).join(', ')}${r.lostIds.length > 5 ? ', …' : ''})` : ''}`,
    `duplicates: ${dupCount} extra e-mails for ${r.duplicates.length} Message-IDs, all under the same Message-ID: ${by('kill')} after a worker was killed, ${by('smtp-stop')} as the SMTP server stopped, ${unexplained.length} unexplained`,
    ...r.duplicates.map((d) => `  ${d.messageId} ×${d.count}: accepted at ${d.acceptedAt.join(', ')} s, recorded at ${d.recordedAt ?? 'never'} s, ${d.attempts} claims, cause ${d.cause}`),
    `accepted by SMTP but not recorded as sent: ${r.unrecorded}; children with two notifications: ${r.doubles}; incidents never accepted: ${r.rejected}`,
    `shutdown after the run: ${r.shutdown.map((s) => `${s.name} ${s.code ?? s.signal}`).join(', ')}`,
  ].join('\n')
}
