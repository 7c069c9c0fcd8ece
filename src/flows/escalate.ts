// Escalation timers (domain rule 10) and the holiday reminder (rule 7). Each step checks the
// truth in Postgres against the clock, so a timer that fires early, twice, or after the Key Adult
// acknowledged does nothing; a timer lost in Redis is found again by the sweeper. A step that
// sends first claims it (escalation_claims), so two jobs for one step never both send; a send
// that fails gives the claim back for the retry. The follow-ups to Key Adults already told (a
// withdrawal, a correction) are steps of the same kind, under the same claims.
import { deputiesOf } from '../domain/contacts.js'
import { escalationPointOf } from '../domain/delivery.js'
import { sendNotificationMail } from '../mail/send-notification.js'
import { whileHoldingLease } from '../queue/lease.js'
import type { Services } from '../services.js'
import {
  claimStep,
  escalationState as stepState,
  failStep,
  followUpState,
  loadSendContext,
  recordFollowUp,
  recordStepTaken,
  releaseStep,
  renewStep,
  type EscalationState as StepState,
  type SendContext,
} from '../store/notifications-store.js'
import type { EscalationStep } from '../queue/queues.js'

export async function escalateStep(services: Services, notificationId: string, step: EscalationStep): Promise<string> {
  if (step === 'withdrawal' || step === 'correction') return followUp(services, notificationId, step)
  const { db, clock, logger, metrics, config } = services
  const now = clock.now()
  const n = await stepState(db, notificationId)
  if (!n) return 'missing'
  // Withdrawn by the police: nothing more about it, bar the withdrawal notice (its own step).
  if (n.withdrawn_at) return 'withdrawn'
  const ctx = (await loadSendContext(db, notificationId))!

  /** Sends this step's e-mail under a claim; false when another job holds the step or has done it. */
  async function claimed(kind: 'deputies' | 'desk' | 'reminder', to: string[]): Promise<boolean> {
    const claim = await claimStep(db, notificationId, step, now, config.CLAIM_TIMEOUT_MS)
    if (claim === null) return false
    const fresh = (await stepState(db, notificationId))!
    if (stepDone(fresh, step)) return false // done by the job that held the claim before us
    try {
      await whileHoldingLease(services, (at) => renewStep(db, notificationId, step, claim, at), () => sendNotificationMail(services, ctx, kind, to))
    } catch (err) {
      await releaseStep(db, notificationId, step, claim)
      throw err
    }
    return true
  }

  if (step === 'reminder') {
    if (n.reminder_sent_at || !n.reminder_due_at || n.reminder_due_at > now || n.status === 'failed') return 'not-due'
    const to = ctx.contacts.map((c) => c.email)
    if (to.length === 0) return done('reminder', 'no Key Adult on record')
    if (!(await claimed('reminder', to))) return 'claimed-elsewhere'
    return done('reminder', 'first pupil day back', to)
  }

  if (n.acknowledged_at) return 'acknowledged'
  if (step === 'deputies') {
    if (n.deputies_step_at) return 'done-already'
    if (escalationPointOf(n.due_by, n.lead) > now) return 'not-due'
    if (n.status === 'failed') return done('deputies', 'notification failed; the force desk handles it')
    const deputies = deputiesOf(ctx.contacts)
    if (deputies.length === 0) return done('deputies', 'no deputy on record')
    // A late report: the first e-mail, copied to the deputies, is going out now or went out less
    // than the lead time ago. A second e-mail to them seconds later would read as a duplicate; the
    // desk step stands. (While the first is still on its way the step waits for the next sweep.)
    if (!n.sent_at && ctx.copyDeputies && ['scheduled', 'sending'].includes(n.status) && n.send_after <= now) return 'first-email-pending'
    const copiedAgo = n.sent_at ? now.getTime() - n.sent_at.getTime() : null
    if (copiedAgo !== null && copiedAgo < n.lead * 60_000 && deputies.every((d) => (n.recipients ?? []).includes(d))) {
      return done('deputies', `the deputies were copied on the first e-mail ${Math.round(copiedAgo / 60_000)} minute(s) ago`)
    }
    if (!(await claimed('deputies', deputies))) return 'claimed-elsewhere'
    return done('deputies', `not acknowledged ${n.lead} minutes before the start of the school day`, deputies)
  }

  // desk
  if (n.desk_step_at) return 'done-already'
  if (n.due_by > now && n.status !== 'failed') return 'not-due'
  const reason = n.status === 'failed' ? 'notification could not be delivered' : 'not acknowledged by the start of the school day'
  if (!ctx.deskEmail) {
    logger.error({ notificationId, force: ctx.forceCode }, 'force has no Encompass desk address: cannot alert')
    return done('desk', `${reason}; the force has no desk address on record`)
  }
  if (!(await claimed('desk', [ctx.deskEmail]))) return 'claimed-elsewhere'
  return done('desk', reason, [ctx.deskEmail])

  async function done(which: 'deputies' | 'desk' | 'reminder', reason: string, sentTo?: string[]): Promise<string> {
    await recordStepTaken(db, notificationId, which, clock.now(), sentTo ?? null, reason)
    if (sentTo && which !== 'reminder') metrics.escalations.inc({ step: which })
    logger.info({ notificationId, step: which, sent: Boolean(sentTo), reason }, 'escalation step')
    return sentTo ? 'sent' : 'skipped'
  }
}

/**
 * The step's job gave up (queue/job-failures.ts): the step is recorded as failed with the reason,
 * so neither its timer nor the sweeper takes it up again; the force's 'jobs-failed' alert tells
 * the desk. Returns the notification's force.
 */
export async function giveUpEscalation(services: Services, notificationId: string, step: EscalationStep, reason: string): Promise<string | null> {
  return failStep(services.db, notificationId, step, services.clock.now(), reason)
}

/**
 * A follow-up to the Key Adults already told: the withdrawal notice, or the correction of the
 * incident's latest revision. Sent to whoever had the notification's e-mails (its first e-mail's
 * recipients, and the deputies if the escalation reached them), under the step's claim; recorded
 * with the revision the e-mail was rendered from, so a later correction is owed again.
 */
async function followUp(services: Services, notificationId: string, step: 'withdrawal' | 'correction'): Promise<string> {
  const { db, clock, config, logger } = services
  const n = await followUpState(db, notificationId)
  if (!n) return 'missing'
  if (step === 'withdrawal' ? !n.withdrawn_at || n.withdrawal_sent_at : n.withdrawn_at || n.told_revision >= n.revision) return 'done-already'
  // Not told yet: a send still in flight is followed up by the sweeper once it is recorded; one
  // never sent needs nothing (a withdrawn one is not sent; a corrected one goes out corrected).
  if (!n.sent_at) return 'not-due'
  const claim = await claimStep(db, notificationId, step, clock.now(), config.CLAIM_TIMEOUT_MS)
  if (claim === null) return 'claimed-elsewhere'
  const ctx = (await loadSendContext(db, notificationId))!
  const fresh = (await followUpState(db, notificationId))!
  if (step === 'withdrawal' ? fresh.withdrawal_sent_at : fresh.told_revision >= (ctx.revision ?? 0)) {
    await releaseStep(db, notificationId, step, claim)
    return 'done-already'
  }
  const told = [...new Set([...(n.recipients ?? []), ...(n.deputies_notified_at ? deputiesOf(ctx.contacts) : [])])]
  const revision = ctx.revision ?? 0
  if (told.length === 0) {
    await recordFollowUp(db, notificationId, step, clock.now(), null, 'nobody on record was told', revision)
    return 'skipped'
  }
  // Each correction is its own message: its Message-ID names the revision.
  const mailCtx: SendContext = step === 'correction' ? { ...ctx, messageId: ctx.messageId.replace('@', `.r${revision}@`) } : ctx
  try {
    await whileHoldingLease(services, (at) => renewStep(db, notificationId, step, claim, at), () => sendNotificationMail(services, mailCtx, step, told))
  } catch (err) {
    await releaseStep(db, notificationId, step, claim)
    throw err
  }
  const reason = step === 'withdrawal' ? 'the police withdrew the incident' : `the police corrected the incident (revision ${revision})`
  await recordFollowUp(db, notificationId, step, clock.now(), told, reason, revision)
  logger.info({ notificationId, step, revision, recipients: told.length }, 'follow-up sent to those already told')
  return 'sent'
}

function stepDone(n: StepState, step: EscalationStep): boolean {
  return step === 'deputies' ? n.deputies_step_at !== null : step === 'desk' ? n.desk_step_at !== null : n.reminder_sent_at !== null
}
