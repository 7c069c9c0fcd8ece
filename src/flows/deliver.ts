// Delivering a notification: send the Key Adults their e-mail (the notify job, and the job that
// placed the child when the send is due at once). The claim in Postgres decides who sends; the
// mail service's acceptance (SMTP server or GOV.UK Notify) is recorded as sentAt. Temporary
// failures give the claim back and let BullMQ retry with exponential backoff, or after the pause
// the service asked for if longer; a permanent refusal of the DSL's address goes to the
// deputies at once; with nobody left to send to, the notification is failed explicitly and the
// force desk is alerted — never dropped.
import { deputiesOf, firstRecipients } from '../domain/contacts.js'
import { sendNotificationMail } from '../mail/send-notification.js'
import { describeSendError, isPermanentSendFailure, retryAfterMsOf } from '../mail/transport.js'
import type { Services } from '../services.js'
import {
  claimForSend,
  failUnsent,
  markDeputiesNotified,
  markFailed,
  markSent,
  recordEvent,
  releaseClaim,
  renewClaim,
  type ClaimedNotification,
  type SendContext,
} from '../store/notifications-store.js'
import { whileHoldingLease } from '../queue/lease.js'
import { bestEffort, NOTIFY_ATTEMPTS, notifyRetryDelayMs } from '../queue/queues.js'

export async function deliverNotification(
  services: Services,
  notificationId: string,
  opts: { finalAttempt: boolean } = { finalAttempt: false },
): Promise<'sent' | 'skipped' | 'failed' | 'rerouted'> {
  const { db, clock, config, logger, metrics } = services
  const claim = await claimForSend(db, notificationId, clock.now(), config.CLAIM_TIMEOUT_MS)
  if (!claim) return 'skipped' // sent already, acknowledged, not yet due, or another worker has it
  const { ctx } = claim
  // Claimed more often than it may be tried, with no failure recorded: its worker stopped mid-send each time.
  if (claim.attempts > NOTIFY_ATTEMPTS) return fail(services, ctx, claim, `gave up after ${claim.attempts - 1} attempts that never finished`)
  const { to, cc } = firstRecipients(ctx.contacts, ctx.copyDeputies)
  if (to.length === 0) return fail(services, ctx, claim, 'no Key Adult on record for the setting')
  try {
    const result = await whileHoldingLease(services, (now) => renewClaim(db, ctx.id, claim, now), () => sendNotificationMail(services, ctx, 'notification', to, cc))
    await recordSent(services, ctx, [...to, ...cc], result.response, result.rejected)
    return 'sent'
  } catch (err) {
    const why = describeSendError(err)
    if (isPermanentSendFailure(err)) {
      metrics.smtpFailures.inc({ kind: 'permanent' })
      logger.warn({ notificationId, error: why }, `${refuser(services)} refused the Key Adult address; trying the deputies`)
      return rerouteToDeputies(services, ctx, claim, to, why)
    }
    metrics.smtpFailures.inc({ kind: 'temporary' })
    // Postgres counts the attempts: a Redis restart resets BullMQ's count, not ours.
    if (opts.finalAttempt || claim.attempts >= NOTIFY_ATTEMPTS) return fail(services, ctx, claim, `gave up after ${claim.attempts} attempts: ${why}`)
    logger.warn({ notificationId, attempt: claim.attempts, error: why }, `${refuser(services)} send failed; will retry`)
    await giveBack(services, ctx.id, claim, why, retryAfterMsOf(err))
    throw err
  }
}

/**
 * Hands the claim back with the time the next attempt is due: the queue's own backoff, or the
 * pause the mail service asked for (Notify's Retry-After) when that is longer.
 */
async function giveBack(services: Services, id: string, claim: ClaimedNotification, why: string, askedMs: number | null = null): Promise<void> {
  const now = services.clock.now()
  const waitMs = Math.max(notifyRetryDelayMs(services.config.NOTIFY_BACKOFF_MS, claim.attempts), askedMs ?? 0)
  const retryAt = new Date(now.getTime() + waitMs)
  if (!(await releaseClaim(services.db, id, claim, why, now, retryAt))) {
    services.logger.warn({ notificationId: id, attempt: claim.attempts }, 'our claim had passed to another worker; leaving it to them')
  }
}

async function recordSent(services: Services, ctx: SendContext, recipients: string[], response: string, rejected: string[]) {
  const { db, clock, metrics, logger } = services
  const at = clock.now()
  await markSent(db, ctx.id, at, recipients, response, ctx.revision ?? 0)
  if (rejected.length > 0) await recordEvent(db, ctx.id, 'recipients-rejected', at, rejected, response)
  metrics.notifications.inc({ status: 'sent' })
  metrics.policeToSent.observe((at.getTime() - ctx.policeAwareAt.getTime()) / 1000)
  metrics.receivedToSent.observe((at.getTime() - ctx.receivedAt.getTime()) / 1000)
  logger.info({ notificationId: ctx.id, urn: ctx.urn, dueBy: ctx.dueBy }, 'notification sent')
}

async function rerouteToDeputies(services: Services, ctx: SendContext, claim: ClaimedNotification, refused: string[], why: string) {
  const deputies = deputiesOf(ctx.contacts).filter((email) => !refused.includes(email))
  const now = services.clock.now()
  await recordEvent(services.db, ctx.id, 'dsl-refused', now, refused, why)
  if (deputies.length === 0) return fail(services, ctx, claim, `${refuser(services)} refused the Key Adult address and there is no deputy: ${why}`)
  try {
    const result = await whileHoldingLease(services, (now) => renewClaim(services.db, ctx.id, claim, now), () =>
      sendNotificationMail(services, ctx, 'deputies', deputies),
    )
    const at = services.clock.now()
    await markDeputiesNotified(services.db, ctx.id, at, deputies, 'the DSL address was refused permanently')
    services.metrics.escalations.inc({ step: 'deputies' })
    await recordSent(services, ctx, deputies, result.response, result.rejected)
    return 'rerouted'
  } catch (err) {
    if (isPermanentSendFailure(err)) return fail(services, ctx, claim, `${refuser(services)} refused the deputies too: ${describeSendError(err)}`)
    await giveBack(services, ctx.id, claim, describeSendError(err), retryAfterMsOf(err))
    throw err
  }
}

/** Who refused, in the words people read: "SMTP" as before, or "GOV.UK Notify". */
const refuser = (services: Services) => (services.mailer.kind === 'notify' ? 'GOV.UK Notify' : 'SMTP')

/**
 * The send job gave up (queue/job-failures.ts) on something other than SMTP: the notification
 * fails, not yet sent, and the force desk is told, as for any failure. Returns its force.
 */
export async function giveUpNotify(services: Services, notificationId: string, reason: string): Promise<string | null> {
  const { failed, forceCode } = await failUnsent(services.db, notificationId, services.clock.now(), reason)
  if (failed) {
    services.metrics.notifications.inc({ status: 'failed' })
    await bestEffort(() => services.queues.addEscalation(notificationId, 'desk', 0))
  }
  return forceCode
}

async function fail(services: Services, ctx: SendContext, claim: ClaimedNotification, reason: string): Promise<'failed'> {
  const { db, clock, logger, metrics, queues } = services
  if (await markFailed(db, ctx.id, claim, clock.now(), reason)) {
    metrics.notifications.inc({ status: 'failed' })
    logger.error({ notificationId: ctx.id, urn: ctx.urn, reason }, 'notification failed; alerting the force desk')
    await bestEffort(() => queues.addEscalation(ctx.id, 'desk', 0))
  }
  return 'failed'
}
