// No job fails for ever without anyone knowing (issue 12). Every job runs through runJob: an
// attempt that throws is counted in Postgres (job_failures), since BullMQ's count starts again
// after a Redis restart or flush; it is retried with backoff until JOB_ATTEMPTS[queue] failures,
// or at once given up when retrying cannot help (a CalendarError: the data itself is wrong). A
// passing outage (the SMTP server deferring, a connection to PostgreSQL, Redis or SMTP lost) is
// not counted: sends have their own 40-minute rule, escalations wait for the mail server, and the
// monitor's overdue alert covers delivery that has stopped. To give up is to put the work where
// people see it — a child in its force's review queue as 'match-failed', a notification 'failed'
// with the force desk told, an escalation step recorded as failed — then count it
// (encompass_jobs_failed_permanently_total) and log it; the monitor raises the force's
// 'jobs-failed' alert from the rows this leaves. Only summaries that name no child are logged,
// kept, or handed back to BullMQ (which keeps them in Redis): job-errors.ts.
import type { Services } from '../services.js'
import { clearJobFailures, markGaveUp, recordJobFailure, type JobQueue } from '../store/job-failures-store.js'
import { giveUpEscalation } from './escalate-worker.js'
import { giveUpMatch } from './match-worker.js'
import { giveUpNotify } from './notify-worker.js'
import { describeJobError, isPassingOutage, isPermanentJobError, isQueueControl, JobAttemptFailed } from './job-errors.js'
import { JOB_ATTEMPTS, jobId, type EscalateJob, type MatchJob, type NotifyJob } from './queues.js'

export type JobData = { match: MatchJob; notify: NotifyJob; escalate: EscalateJob }

function jobIdOf<Q extends JobQueue>(queue: Q, data: JobData[Q]): string {
  if (queue === 'match') return jobId.match((data as MatchJob).childId)
  if (queue === 'notify') return jobId.notify((data as NotifyJob).notificationId)
  const e = data as EscalateJob
  return jobId.escalate(e.notificationId, e.step)
}

/**
 * Runs one attempt of a job. A failure is counted in Postgres and handed back to BullMQ to retry,
 * until the job has failed JOB_ATTEMPTS[queue] times or fails in a way retrying cannot mend; then
 * the job gives up (see giveUp) and completes. `retried`: BullMQ has run this job before (a
 * success then clears its count).
 */
export async function runJob<Q extends JobQueue, R>(
  services: Services,
  queue: Q,
  data: JobData[Q],
  work: () => Promise<R>,
  retried = false,
): Promise<R | 'gave-up'> {
  const id = jobIdOf(queue, data)
  try {
    const result = await work()
    if (retried) await clearJobFailures(services.db, id).catch(() => {})
    return result
  } catch (err) {
    if (isQueueControl(err)) throw err
    const summary = describeJobError(err)
    if (isPassingOutage(err)) throw new JobAttemptFailed(summary) // logged as any failed attempt (workers.ts)
    const permanent = isPermanentJobError(err)
    let failures: number
    try {
      failures = await recordJobFailure(services.db, { jobId: id, queue, error: summary, at: services.clock.now() })
    } catch {
      // Postgres is away: BullMQ retries, and the count goes on once Postgres is back.
      throw new JobAttemptFailed(summary)
    }
    if (!permanent && failures < JOB_ATTEMPTS[queue]) {
      services.logger.warn({ queue, jobId: id, failures, error: summary }, 'job failed; it will be retried')
      throw new JobAttemptFailed(summary)
    }
    await giveUp(services, queue, data, permanent ? summary : `gave up after ${failures} attempts: ${summary}`)
    return 'gave-up'
  }
}

/**
 * Puts a job's work where people see it, records that the job gave up (for the force's
 * 'jobs-failed' alert) and counts it. `reason` is shown to officers and logged: it names no child.
 */
export async function giveUp<Q extends JobQueue>(services: Services, queue: Q, data: JobData[Q], reason: string): Promise<void> {
  const id = jobIdOf(queue, data)
  const forceCode =
    queue === 'match'
      ? await giveUpMatch(services, (data as MatchJob).childId, reason)
      : queue === 'notify'
        ? await giveUpNotify(services, (data as NotifyJob).notificationId, reason)
        : await giveUpEscalation(services, (data as EscalateJob).notificationId, (data as EscalateJob).step, reason)
  await markGaveUp(services.db, { jobId: id, queue, forceCode, error: reason, at: services.clock.now() })
  services.metrics.jobsFailedPermanently.inc({ queue })
  services.logger.error(
    { queue, jobId: id, force: forceCode, error: reason },
    'job gave up: its work is now in the review queue or recorded as failed; the force desk is alerted',
  )
}
