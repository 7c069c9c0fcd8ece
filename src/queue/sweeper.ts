// The sweeper reads Postgres — the truth — and puts back on the queues whatever should be there
// and may not be: children never enqueued for matching (Redis was down at intake), notifications
// due but not queued, claims left by a worker that died mid-send, and escalation or reminder
// timers that are due (BullMQ delayed jobs can be late or lost after a Redis restart or flush).
// A send waiting out its retry backoff (retry_at) is left to the queue until that time has come.
// Job ids make re-adding harmless; the workers' own checks make a duplicate job a no-op. It never
// loops for ever: each re-queue of a child is counted in Postgres, and a child re-queued
// JOB_ATTEMPTS.match times is given up into its force's review queue.
import type { Services } from '../services.js'
import { sealAuditLog } from '../store/audit-store.js'
import { withTransaction } from '../store/db.js'
import { childrenRequeuedTooOften } from '../store/incidents-store.js'
import { giveUp } from './job-failures.js'
import { JOB_ATTEMPTS, type EscalationStep } from './queues.js'

const SWEEP_LOCK = 7_316_642_002
const BATCH = 500

export interface SweepReport {
  match: number
  notify: number
  deputies: number
  desk: number
  reminder: number
  /** Children whose match never finished, given up this round. */
  gaveUp: number
  /** Audit rows chained this round. */
  sealed: number
  locked: boolean
}

export async function sweep(services: Services): Promise<SweepReport> {
  const { db, clock, queues, config, metrics } = services
  const now = clock.now()
  const stale = new Date(now.getTime() - config.CLAIM_TIMEOUT_MS)
  const report = await withTransaction(db, async (client) => {
    const report: SweepReport = { match: 0, notify: 0, deputies: 0, desk: 0, reminder: 0, gaveUp: 0, sealed: 0, locked: false }
    // One sweeper at a time across all worker processes; the others skip this round.
    const { rows: lock } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [SWEEP_LOCK])
    if (!lock[0]!.ok) return { ...report, locked: true }

    const children = await client.query<{ id: string }>(
      `SELECT id FROM children WHERE match_status = 'pending' AND (match_enqueued_at IS NULL OR match_enqueued_at < $1)
          AND match_requeues < $2
        ORDER BY match_enqueued_at NULLS FIRST LIMIT ${BATCH}`,
      [stale, JOB_ATTEMPTS.match],
    )
    if (children.rows.length > 0) {
      const ids = children.rows.map((r) => r.id)
      await queues.addMatch(ids)
      await client.query('UPDATE children SET match_enqueued_at = $2, match_requeues = match_requeues + 1 WHERE id = ANY($1::uuid[])', [ids, now])
      report.match = ids.length
    }

    const due = await client.query<{ id: string }>(
      `SELECT id FROM notifications
        WHERE sent_at IS NULL AND (
              (status = 'scheduled' AND send_after <= $1 AND (retry_at IS NULL OR retry_at <= $1)
               AND (enqueued_at IS NULL OR enqueued_at < $2))
           OR (status = 'sending' AND claimed_at < $2))
        LIMIT ${BATCH}`,
      [now, stale],
    )
    for (const { id } of due.rows) await queues.addNotify(id, 0)
    if (due.rows.length > 0) {
      await client.query('UPDATE notifications SET enqueued_at = $2 WHERE id = ANY($1::uuid[])', [due.rows.map((r) => r.id), now])
      report.notify = due.rows.length
    }

    const timers = await client.query<{ id: string; step: EscalationStep }>(
      `SELECT n.id, 'deputies' AS step FROM notifications n JOIN forces f ON f.code = n.force_code
        WHERE n.acknowledged_at IS NULL AND n.deputies_step_at IS NULL
          AND n.due_by - make_interval(mins => f.escalation_lead_minutes) <= $1
       UNION ALL
       SELECT id, 'desk' FROM notifications
        WHERE acknowledged_at IS NULL AND desk_step_at IS NULL AND (due_by <= $1 OR status = 'failed')
       UNION ALL
       SELECT id, 'reminder' FROM notifications
        WHERE reminder_due_at <= $1 AND reminder_sent_at IS NULL AND status <> 'failed'
       LIMIT ${BATCH}`,
      [now],
    )
    for (const t of timers.rows) {
      await queues.addEscalation(t.id, t.step, 0)
      report[t.step] += 1
    }
    for (const kind of ['match', 'notify', 'deputies', 'desk', 'reminder'] as const) {
      if (report[kind] > 0) metrics.sweeps.inc({ kind }, report[kind])
    }
    return report
  })
  if (report.locked) return report
  // A child put back on the queue this often never finished a match (its worker died each time,
  // so no failure was counted): it goes to its force's review queue rather than round again.
  for (const childId of await childrenRequeuedTooOften(db, JOB_ATTEMPTS.match, stale, BATCH)) {
    await giveUp(services, 'match', { childId }, `gave up: put back on the queue ${JOB_ATTEMPTS.match} times without a match finishing`)
    report.gaveUp += 1
  }
  // The audit rows written since the last round join the hash chain (in a transaction of its own:
  // the re-queued work above is committed first).
  report.sealed = await sealAuditLog(db, config.AUDIT_HMAC_KEY)
  return report
}
