// Starts the BullMQ workers and the periodic sweeper for one process, and stops them gracefully:
// close() lets in-flight jobs finish before resolving.
import { DelayedError, Worker, type Job } from 'bullmq'
import type { Services } from '../services.js'
import { processEscalation } from './escalate-worker.js'
import { processMatch } from './match-worker.js'
import { processNotify } from './notify-worker.js'
import { QUEUE, redisConnection, redisTargetOf, UPLOAD_ATTEMPTS, UPLOAD_QUEUE, type EscalateJob, type MatchJob, type NotifyJob, type SignInLinkJob, type UploadJob } from './queues.js'
import { processSignInLink } from './sign-in-link-worker.js'
import { giveUpUpload, processIncidentUpload, resumeUploads } from '../flows/upload-incidents.js'
import { describeJobError } from './job-errors.js'
import { runJob } from './job-failures.js'
import { sweep } from './sweeper.js'
import { checkFeeds } from './monitor.js'
import { runRetention } from './retention-job.js'
import { pendingRetryAt } from '../store/notifications-store.js'

export interface RunningWorkers {
  close(): Promise<void>
  sweepNow(): Promise<void>
}

export function startWorkers(services: Services, opts: { sweep?: boolean } = {}): RunningWorkers {
  const { config, logger } = services
  const connection = redisConnection(redisTargetOf(config), 'worker')
  connection.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error (workers)'))
  const common = { connection, prefix: config.QUEUE_PREFIX, concurrency: config.WORKER_CONCURRENCY }

  // One upload at a time per process: an upload is thousands of incidents, each through intake. An
  // upload whose every attempt failed ends visibly failed, with its file dropped.
  const uploads = new Worker<UploadJob>(UPLOAD_QUEUE, async (job) => processIncidentUpload(services, job.data.uploadId), { ...common, concurrency: 1 })
  uploads.on('failed', (job, err) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? UPLOAD_ATTEMPTS)) {
      giveUpUpload(services, job.data.uploadId, `stopped after ${job.attemptsMade} attempts: ${describeJobError(err)}`).catch(() => {})
    }
  })

  // Every job runs through runJob: failures counted in Postgres, and a job that keeps failing gives
  // up into a state people see (queue/job-failures.ts).
  const workers = [
    new Worker<MatchJob>(
      QUEUE.match,
      async (job) => runJob(services, 'match', job.data, () => processMatch(services, job.data.childId), job.attemptsMade > 0),
      common,
    ),
    new Worker<NotifyJob>(
      QUEUE.notify,
      async (job: Job<NotifyJob>, token?: string) =>
        runJob(services, 'notify', job.data, async () => {
          const outcome = await processNotify(services, job.data.notificationId, {
            finalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
          })
          // Postgres says when the retry is due (the first attempt may have been made outside this
          // queue, or a Redis flush reset this job's backoff): wait until then, rather than finish.
          if (outcome === 'skipped') {
            const retryAt = await pendingRetryAt(services.db, job.data.notificationId, services.clock.now())
            if (retryAt) {
              await job.moveToDelayed(Date.now() + (retryAt.getTime() - services.clock.now().getTime()), token)
              throw new DelayedError()
            }
          }
          return outcome
        }, job.attemptsMade > 0),
      common,
    ),
    new Worker<EscalateJob>(
      QUEUE.escalate,
      async (job) =>
        runJob(services, 'escalate', job.data, () => processEscalation(services, job.data.notificationId, job.data.step), job.attemptsMade > 0),
      common,
    ),
    // A sign-in link lives 15 minutes: BullMQ's own few retries, then the person asks again.
    new Worker<SignInLinkJob>(QUEUE.signInLink, async (job) => processSignInLink(services, job.data.linkId), common),
    uploads,
  ]
  for (const w of workers) {
    // err is runJob's summary (it names no child), or BullMQ's own (a stalled job).
    w.on('failed', (job, err) =>
      logger.warn({ queue: w.name, jobId: job?.id, attempt: job?.attemptsMade, err: describeJobError(err) }, 'job failed'),
    )
    w.on('error', (err) => logger.warn({ queue: w.name, err: describeJobError(err) }, 'worker error'))
  }

  let sweeping: Promise<void> = Promise.resolve()
  const sweepOnce = () => {
    sweeping = sweeping.then(async () => {
      try {
        const r = await sweep(services)
        if (r.match + r.notify + r.deputies + r.desk + r.reminder + r.signInLinks > 0) logger.info(r, 'sweeper re-queued work')
        await checkFeeds(services)
        const uploads = await resumeUploads(services)
        if (uploads > 0) logger.info({ uploads }, 'sweeper handed incident uploads to the queue again')
      } catch (err) {
        logger.warn({ err: describeJobError(err) }, 'sweep failed; will try again')
      }
    })
    return sweeping
  }
  const timer = opts.sweep === false ? undefined : setInterval(sweepOnce, config.SWEEP_INTERVAL_MS)
  timer?.unref()
  // Retention for every table (docs/retention.md): hourly is plenty for periods counted in days.
  const purgeOnce = () =>
    runRetention(services.db, config, services.clock.now())
      .then((r) => r && Object.values(r).some((n) => n > 0) && logger.info(r, 'retention job removed rows past their period'))
      .catch((err) => logger.warn({ err: (err as Error).message }, 'retention job failed; will try again'))
  const purgeTimer = opts.sweep === false ? undefined : setInterval(purgeOnce, config.RETENTION_INTERVAL_MS)
  purgeTimer?.unref()
  if (opts.sweep !== false) void sweepOnce()

  return {
    sweepNow: sweepOnce,
    async close() {
      clearInterval(timer)
      clearInterval(purgeTimer)
      await Promise.all(workers.map((w) => w.close()))
      await sweeping
      connection.disconnect()
    },
  }
}
