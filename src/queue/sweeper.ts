// The sweeper reads Postgres — the truth — and puts back on the queues whatever should be there
// and may not be: children never enqueued for matching (Redis was down at intake), notifications
// due but not queued, claims left by a worker that died mid-send, and escalation or reminder
// timers that are due (BullMQ delayed jobs can be late or lost after a Redis restart or flush),
// and sign-in links whose e-mail has not gone 30 s after they were asked for (Redis was away).
// A send waiting out its retry backoff (retry_at) is left to the queue until that time has come.
// Job ids make re-adding harmless; the workers' own checks make a duplicate job a no-op. It never
// loops for ever: each re-queue of a child whose job Redis no longer holds is counted in Postgres
// (one still waiting behind a long backlog is not lost, and is not counted), and a child re-queued
// JOB_ATTEMPTS.match times is given up into its force's review queue. Work goes back to the queues
// through the one hand-off (flows/hand-off.ts): marked, enqueued, unmarked if Redis did not take it.
import { handOffMatch, handOffNotify } from '../flows/hand-off.js'
import type { Services } from '../services.js'
import { sealAuditLog } from '../store/audit-store.js'
import { tryAdvisoryXactLock, withTransaction } from '../store/db.js'
import { childrenMaybeLost, childrenRequeuedTooOften, markChildrenRequeued } from '../store/incidents-store.js'
import { dueEscalationSteps, markSendsRequeued, settleStaleWithdrawnSends } from '../store/notifications-store.js'
import { giveUp } from './job-failures.js'
import { bestEffort, JOB_ATTEMPTS } from './queues.js'
import { unsentLinks } from '../store/sign-in-links-store.js'

const SWEEP_LOCK = 7_316_642_002
const BATCH = 500

export interface SweepReport {
  match: number
  notify: number
  deputies: number
  desk: number
  reminder: number
  /** Follow-up e-mails owed to Key Adults already told (withdrawal, correction) put back on the queue. */
  withdrawal: number
  correction: number
  /** Sign-in links put back on their queue. */
  signInLinks: number
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
    const report: SweepReport = { match: 0, notify: 0, deputies: 0, desk: 0, reminder: 0, withdrawal: 0, correction: 0, signInLinks: 0, gaveUp: 0, sealed: 0, locked: false }
    // One sweeper at a time across all worker processes; the others skip this round.
    if (!(await tryAdvisoryXactLock(client, SWEEP_LOCK))) return { ...report, locked: true }

    // A child waiting in Postgres longer than CLAIM_TIMEOUT_MS may only be behind a long backlog:
    // Redis says whether its job is really gone, and only a lost one counts as a re-queue.
    const waiting = await childrenMaybeLost(client, stale, JOB_ATTEMPTS.match, BATCH)
    const held = await queues.matchJobsHeld(waiting)
    const lost = await markChildrenRequeued(client, now, waiting, waiting.filter((id) => !held.has(id)))
    if (await handOffMatch(client, queues, lost, { requeued: true })) report.match = lost.length

    const sends = await markSendsRequeued(client, now, stale, BATCH)
    if (await handOffNotify(client, queues, sends)) report.notify = sends.length

    await settleStaleWithdrawnSends(client, now, stale)
    for (const t of await dueEscalationSteps(client, now, BATCH)) {
      await queues.addEscalation(t.id, t.step, 0)
      report[t.step] += 1
    }
    // The job id is the link's: a job still waiting or running is not added twice, and one that
    // finished finds the link sent and does nothing.
    for (const linkId of await unsentLinks(client, now, new Date(now.getTime() - 30_000), BATCH)) {
      if (await bestEffort(() => queues.addSignInLink(linkId))) report.signInLinks += 1
    }
    for (const kind of ['match', 'notify', 'deputies', 'desk', 'reminder', 'withdrawal', 'correction'] as const) {
      if (report[kind] > 0) metrics.sweeps.inc({ kind }, report[kind])
    }
    return report
  })
  if (report.locked) return report
  // A child put back on the queue this often never finished a match (its worker died each time,
  // so no failure was counted): it goes to its force's review queue rather than round again.
  const tooOften = await childrenRequeuedTooOften(db, JOB_ATTEMPTS.match, stale, BATCH)
  const stillHeld = await queues.matchJobsHeld(tooOften)
  await markChildrenRequeued(db, now, [...stillHeld], []) // the last re-queue is still waiting its turn
  for (const childId of tooOften.filter((id) => !stillHeld.has(id))) {
    await giveUp(services, 'match', { childId }, `gave up: put back on the queue ${JOB_ATTEMPTS.match} times without a match finishing`)
    report.gaveUp += 1
  }
  // The audit rows written since the last round join the hash chain (in a transaction of its own:
  // the re-queued work above is committed first).
  report.sealed = await sealAuditLog(db, config.AUDIT_HMAC_KEY)
  return report
}
