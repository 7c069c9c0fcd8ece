// Every queue, job payload and job id rule in one place. Payloads carry ids only: a child's
// details never enter Redis. Job ids are derived from the row id so adding the same work twice
// (the API and the sweeper racing) collapses to one job while it is waiting.
import { Queue, type JobsOptions } from 'bullmq'
import { Redis, type RedisOptions } from 'ioredis'
import type { NotificationStep as EscalationStep } from '../store/notifications-store.js'

export const QUEUE = {
  match: 'match',
  notify: 'notify',
  escalate: 'escalate',
  signInLink: 'sign-in-link',
} as const

/** An officer's CSV of incidents (flows/upload-incidents.ts): one job per upload, by its id. */
export const UPLOAD_QUEUE = 'upload'
export interface UploadJob {
  uploadId: string
}
/** An upload is retried this often (a database outage) before it ends visibly failed. */
export const UPLOAD_ATTEMPTS = 5

export interface MatchJob {
  childId: string
}
export interface NotifyJob {
  notificationId: string
}
/** The escalate queue's steps: escalations, the holiday reminder, and follow-ups to those already told. */
export type { EscalationStep }
export interface EscalateJob {
  notificationId: string
  step: EscalationStep
}

/** A sign-in link to e-mail: the link row's id only (the token is read from the row, sealed). */
export interface SignInLinkJob {
  linkId: string
}

export const jobId = {
  match: (childId: string) => `match-${childId}`,
  notify: (notificationId: string) => `notify-${notificationId}`,
  escalate: (notificationId: string, step: EscalationStep) => `escalate-${step}-${notificationId}`,
  signInLink: (linkId: string) => `sign-in-link-${linkId}`,
}

/** Temporary SMTP failures are retried with exponential backoff: 5 s, 10 s, 20 s ... about 40 min in all. */
export const NOTIFY_ATTEMPTS = 10

/**
 * How many failed attempts each kind of job gets before it gives up and its work is put where
 * people see it (queue/job-failures.ts). Postgres counts them: BullMQ's own count, which sets the
 * backoff, starts again after a Redis restart or flush.
 */
export const JOB_ATTEMPTS: Record<'match' | 'notify' | 'escalate', number> = { match: 5, notify: NOTIFY_ATTEMPTS, escalate: 5 }

/**
 * A sign-in link's e-mail is tried a few times within its 15 minutes, then dropped: the link has
 * expired by then, and the person asks for another (nothing about a child waits on it).
 */
export const SIGN_IN_LINK_ATTEMPTS = 4

/** The wait after failed attempt n (1-based) before the next: BullMQ's exponential backoff. */
export function notifyRetryDelayMs(backoffMs: number, attempt: number): number {
  return Math.round(2 ** (Math.max(1, attempt) - 1) * backoffMs)
}

/** Where Redis is: a URL, or Sentinels that name the current primary (the URL then gives credentials, database, TLS). */
export interface RedisTarget {
  url: string
  sentinels?: { host: string; port: number }[] | undefined
  sentinelName?: string | undefined
}

export function redisTargetOf(config: { REDIS_URL: string; REDIS_SENTINELS?: { host: string; port: number }[] | undefined; REDIS_SENTINEL_NAME: string }): RedisTarget {
  return { url: config.REDIS_URL, sentinels: config.REDIS_SENTINELS, sentinelName: config.REDIS_SENTINEL_NAME }
}

export function redisConnection(target: string | RedisTarget, purpose: 'producer' | 'worker'): Redis {
  const t = typeof target === 'string' ? { url: target } : target
  const opts: RedisOptions =
    purpose === 'worker'
      ? { maxRetriesPerRequest: null } // BullMQ workers block on Redis and must wait out outages
      : // The API must not hang when Redis is down: the incident is already safe in Postgres and
        // the sweeper enqueues it later.
        { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 }
  if (!t.sentinels?.length) return new Redis(t.url, { ...opts, lazyConnect: false })
  // Through Sentinel: ioredis asks them for the primary, and again after a failover.
  const u = new URL(t.url)
  return new Redis({
    ...opts,
    lazyConnect: false,
    sentinels: t.sentinels,
    name: t.sentinelName ?? 'mymaster',
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  })
}

export class Queues {
  readonly match: Queue<MatchJob>
  readonly notify: Queue<NotifyJob>
  readonly escalate: Queue<EscalateJob>
  readonly signInLink: Queue<SignInLinkJob>
  readonly upload: Queue<UploadJob>

  private readonly retrying: JobsOptions

  constructor(
    readonly connection: Redis,
    readonly prefix: string,
    backoffMs = 5_000,
  ) {
    this.retrying = {
      attempts: JOB_ATTEMPTS.notify,
      backoff: { type: 'exponential', delay: backoffMs },
      removeOnComplete: true,
      removeOnFail: true,
    }
    this.match = new Queue<MatchJob>(QUEUE.match, { connection, prefix })
    this.notify = new Queue<NotifyJob>(QUEUE.notify, { connection, prefix })
    this.escalate = new Queue<EscalateJob>(QUEUE.escalate, { connection, prefix })
    this.signInLink = new Queue<SignInLinkJob>(QUEUE.signInLink, { connection, prefix })
    this.upload = new Queue<UploadJob>(UPLOAD_QUEUE, { connection, prefix })
    // A Queue emits 'error' when Redis is unreachable; callers see failures on add().
    for (const q of [this.match, this.notify, this.escalate, this.signInLink, this.upload]) q.on('error', () => {})
  }

  async addMatch(childIds: string[]): Promise<void> {
    await this.match.addBulk(
      childIds.map((childId) => ({
        name: 'match',
        data: { childId },
        opts: { ...this.retrying, attempts: JOB_ATTEMPTS.match, jobId: jobId.match(childId) },
      })),
    )
  }

  /**
   * The children whose match job Redis still holds, waiting, delayed or running: not lost, however
   * long they have waited behind others. Empty when Redis cannot say (then every job counts as lost,
   * as before: the hand-off that follows fails too, and gives the count back).
   */
  async matchJobsHeld(childIds: string[]): Promise<Set<string>> {
    if (childIds.length === 0) return new Set()
    try {
      const states = await Promise.all(childIds.map((id) => this.match.getJobState(jobId.match(id))))
      return new Set(childIds.filter((_, i) => HELD_STATES.has(states[i]!)))
    } catch {
      return new Set()
    }
  }

  /** `fresh`: the notification was created just now, so no job can exist to promote or replace. */
  async addNotify(notificationId: string, delayMs = 0, opts: { fresh?: boolean } = {}): Promise<void> {
    const jobOpts = { ...this.retrying, jobId: jobId.notify(notificationId), delay: Math.max(0, delayMs) }
    if (opts.fresh) await this.notify.add('notify', { notificationId }, jobOpts)
    else await addOrPromote(this.notify, 'notify', { notificationId }, jobOpts)
  }

  async addEscalation(notificationId: string, step: EscalationStep, delayMs: number): Promise<void> {
    await addOrPromote(this.escalate, 'escalate', { notificationId, step }, {
      ...this.retrying,
      attempts: JOB_ATTEMPTS.escalate,
      jobId: jobId.escalate(notificationId, step),
      delay: Math.max(0, delayMs),
    })
  }

  /** A new notification's timers, in one round trip: none of their jobs can exist yet. */
  async addFreshEscalations(notificationId: string, timers: { step: EscalationStep; delayMs: number }[]): Promise<void> {
    await this.escalate.addBulk(
      timers.map((t) => ({
        name: 'escalate',
        data: { notificationId, step: t.step },
        opts: { ...this.retrying, attempts: JOB_ATTEMPTS.escalate, jobId: jobId.escalate(notificationId, t.step), delay: Math.max(0, t.delayMs) },
      })),
    )
  }

  async addSignInLink(linkId: string): Promise<void> {
    await this.signInLink.add('sign-in-link', { linkId }, {
      attempts: SIGN_IN_LINK_ATTEMPTS,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: true,
      removeOnFail: true,
      jobId: jobId.signInLink(linkId),
    })
  }

  /** One job per upload: adding it again while it waits or runs changes nothing. */
  async addUpload(uploadId: string): Promise<void> {
    await addOrPromote(this.upload, 'upload', { uploadId }, { ...this.retrying, attempts: UPLOAD_ATTEMPTS, jobId: `upload-${uploadId}`, delay: 0 })
  }

  async depths(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {}
    for (const q of [this.match, this.notify, this.escalate, this.signInLink, this.upload]) {
      out[q.name] = await q.getJobCounts('waiting', 'active', 'delayed', 'failed')
    }
    return out
  }

  async close(): Promise<void> {
    await Promise.all([this.match.close(), this.notify.close(), this.escalate.close(), this.signInLink.close(), this.upload.close()])
  }
}

/** A job in one of these states will still run (a running one whose worker died is moved back to waiting, or failed, by BullMQ's stall check). */
const HELD_STATES = new Set<string>(['waiting', 'delayed', 'prioritized', 'active', 'waiting-children'])

/**
 * Adds a job under its fixed id. When the work is due now and a delayed job with that id already
 * waits (its timer computed earlier, or its clock drifted), the delayed one is promoted instead of
 * being silently ignored as a duplicate; a finished or failed job with the id is replaced.
 */
async function addOrPromote<T>(queue: Queue<T>, name: string, data: T, opts: JobsOptions): Promise<void> {
  const id = opts.jobId!
  if (opts.delay === 0) {
    const existing = await queue.getJob(id)
    if (existing) {
      const state = await existing.getState()
      if (state === 'delayed') {
        await existing.promote().catch(() => {}) // it may have just become waiting on its own
        return
      }
      if (state === 'completed' || state === 'failed') await existing.remove().catch(() => {})
      else return // waiting, active, prioritised: it will run
    }
  }
  await (queue as Queue).add(name, data, opts)
}

/** Runs a queue operation but gives up after a short while: Postgres already holds the truth. True when it succeeded. */
export async function bestEffort(op: () => Promise<unknown>, timeoutMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      op().then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs)
      }),
    ])
  } catch {
    return false
  } finally {
    clearTimeout(timer)
  }
}
