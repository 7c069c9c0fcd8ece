// How often each job has failed, counted in Postgres so that a Redis restart or flush (which resets
// BullMQ's own count) cannot make a failing job retry for ever; which jobs gave up, for the
// force's 'jobs-failed' alert. Written only when an attempt fails. No child details: job ids are
// row ids, errors are summaries that name no one (queue/job-failures.ts makes them).
import type { Queryable } from './db.js'

export type JobQueue = 'match' | 'notify' | 'escalate'

/** Counts one more failed attempt of a job; returns how many it has had in all. */
export async function recordJobFailure(db: Queryable, f: { jobId: string; queue: JobQueue; error: string; at: Date }): Promise<number> {
  const { rows } = await db.query<{ failures: number }>(
    `INSERT INTO job_failures AS j (job_id, queue, failures, last_error, first_failed_at, last_failed_at)
     VALUES ($1, $2, 1, $3, $4, $4)
     ON CONFLICT (job_id) DO UPDATE SET failures = j.failures + 1, last_error = $3, last_failed_at = $4
     RETURNING failures`,
    [f.jobId, f.queue, f.error.slice(0, 500), f.at],
  )
  return rows[0]!.failures
}

/** The job stopped retrying: its work was put where people see it. */
export async function markGaveUp(
  db: Queryable,
  g: { jobId: string; queue: JobQueue; forceCode: string | null; error: string; at: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO job_failures AS j (job_id, queue, failures, last_error, first_failed_at, last_failed_at, force_code, gave_up_at)
     VALUES ($1, $2, 0, $3, $4, $4, $5, $4)
     ON CONFLICT (job_id) DO UPDATE SET force_code = $5, gave_up_at = $4, last_error = $3`,
    [g.jobId, g.queue, g.error.slice(0, 500), g.at, g.forceCode],
  )
}

/** A retried job has succeeded: its count starts again should it ever fail. */
export async function clearJobFailures(db: Queryable, jobId: string): Promise<void> {
  await db.query('DELETE FROM job_failures WHERE job_id = $1 AND gave_up_at IS NULL', [jobId])
}

export interface ForceJobFailures {
  forceCode: string
  /** Jobs of each queue that gave up within the episode window. */
  gaveUp: Record<JobQueue, number>
  /** Children whose match gave up and who still wait in the review queue. */
  matchFailedWaiting: number
}

/**
 * Per force, what keeps its 'jobs-failed' alert open: jobs that gave up in the last
 * `windowMinutes`, and children whose match failed still waiting in the review queue.
 */
export async function jobFailureStates(db: Queryable, now: Date, windowMinutes: number): Promise<Map<string, ForceJobFailures>> {
  const { rows } = await db.query<{ force_code: string; queue: JobQueue | null; n: number }>(
    `SELECT force_code, queue, count(*)::int AS n FROM job_failures
      WHERE gave_up_at > $1::timestamptz - make_interval(mins => $2) AND force_code IS NOT NULL
      GROUP BY force_code, queue
     UNION ALL
     SELECT i.force_code, NULL, count(*)::int FROM children c JOIN incidents i ON i.id = c.incident_id
      WHERE c.match_status = 'unmatched' AND c.match_reason = 'match-failed' AND c.purged_at IS NULL
      GROUP BY i.force_code`,
    [now, windowMinutes],
  )
  const out = new Map<string, ForceJobFailures>()
  for (const r of rows) {
    let f = out.get(r.force_code)
    if (!f) out.set(r.force_code, (f = { forceCode: r.force_code, gaveUp: { match: 0, notify: 0, escalate: 0 }, matchFailedWaiting: 0 }))
    if (r.queue === null) f.matchFailedWaiting += r.n
    else f.gaveUp[r.queue] += r.n
  }
  return out
}
