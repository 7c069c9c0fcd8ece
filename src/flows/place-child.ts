// Placing a child with a setting: the one place a notification is born. Used by the match flow
// (match-child.ts) for the match worker and for an officer's manual assignment. It computes the deadline from the setting's calendar, the
// send time from the force's delivery window, and the holiday reminder, and writes the child's
// match with its notification in one statement; then scheduleDelivery sends it or queues it.
import { computeSendAfter, escalationPointOf } from '../domain/delivery.js'
import { londonDateOf } from '../domain/london-time.js'
import { planDelivery } from '../domain/school-calendar.js'
import type { Services } from '../services.js'
import { loadSchoolCalendar } from '../store/calendar-store.js'
import type { MatchCandidate } from '../domain/matching.js'
import type { Force } from '../store/forces-store.js'
import type { Queryable } from '../store/db.js'
import { createNotification } from '../store/notifications-store.js'
import { deliverNotification } from './deliver.js'
import { handOffNotify } from './hand-off.js'
import { describeJobError } from '../queue/job-errors.js'
import { bestEffort, type EscalationStep } from '../queue/queues.js'

export interface Placed {
  notificationId: string
  sendAfter: Date
  dueBy: Date
  reminderDueAt: Date | null
  escalationLeadMinutes: number
}

export interface Placement {
  method: 'urn' | 'name-postcode' | 'pupil-roll' | 'manual' | 'no-setting-given'
  /** The match states the child may be placed from (a worker: 'pending'; an officer: also 'unmatched'). */
  from: readonly ('pending' | 'unmatched')[]
  now: Date
  /** How sure the match is (0..1), and the settings considered (register facts only). */
  confidence: number
  candidates?: MatchCandidate[]
  reason?: string | null
  /** 'no-setting': the "setting" is the child's LA children's services (see la-contacts-store); the child has no URN of its own. */
  status?: 'matched' | 'no-setting'
}

/** Places the child and creates its notification; null when another job placed it first. */
export async function placeChild(
  db: Queryable,
  child: { id: string; incidentId: string; policeAwareAt: Date; receivedAt: Date },
  school: { urn: string; laCode: string | null; dayStartsAt: string | null; type?: string | null },
  force: Force,
  { method, from, now, confidence, candidates, reason = null, status = 'matched' }: Placement,
): Promise<Placed | null> {
  const calendar = await loadSchoolCalendar(db, school, londonDateOf(child.policeAwareAt))
  const plan = planDelivery(calendar, child.policeAwareAt)
  const sendAfter = computeSendAfter(
    now,
    plan.dueBy,
    { notBefore: force.deliveryNotBefore, notAfter: force.deliveryNotAfter },
    force.escalationLeadMinutes,
  )
  const notificationId = await createNotification(db, {
    childId: child.id,
    incidentId: child.incidentId,
    forceCode: force.code,
    urn: school.urn,
    laCode: school.laCode,
    policeAwareAt: child.policeAwareAt,
    receivedAt: child.receivedAt,
    matchedAt: now,
    dueBy: plan.dueBy,
    schoolDay: plan.schoolDay,
    sendAfter,
    reminderDueAt: plan.reminderAt !== null && plan.reminderAt.getTime() > now.getTime() ? plan.reminderAt : null,
  }, { status, method, reason, confidence, candidates, from })
  if (notificationId === null) return null
  return {
    notificationId,
    sendAfter,
    dueBy: plan.dueBy,
    reminderDueAt: plan.reminderAt,
    escalationLeadMinutes: force.escalationLeadMinutes,
  }
}

/**
 * Sends a new notification or hands its send to the notify queue, and puts its escalation timers
 * on the queue. A notification due now is sent by the job that placed the child when `sendNow`
 * (one queue hop fewer, under the same claim in Postgres as any send); a request never sends (it
 * answers at once, and SMTP stays out of the API), so there, as for a delayed send and the retry
 * of a send that failed, it goes through the notify queue. Best effort on the queues: if Redis is
 * away the sweeper finds every one of them in Postgres when it is due.
 */
export async function scheduleDelivery(services: Services, p: Placed, opts: { sendNow: boolean }): Promise<void> {
  const { queues, db } = services
  const now = services.clock.now().getTime()
  if (opts.sendNow && p.sendAfter.getTime() <= now) {
    await sendNow(services, p.notificationId)
  } else {
    // createNotification marked it as handed to the notify queue; a new notification has no job
    // yet: a plain add (no look-up first, as the sweeper's re-adds need).
    await handOffNotify(db, queues, [p.notificationId], { delayMs: p.sendAfter.getTime() - now, fresh: true })
  }
  const timers: { step: EscalationStep; delayMs: number }[] = [
    { step: 'deputies', delayMs: escalationPointOf(p.dueBy, p.escalationLeadMinutes).getTime() - now },
    { step: 'desk', delayMs: p.dueBy.getTime() - now },
  ]
  if (p.reminderDueAt) timers.push({ step: 'reminder', delayMs: p.reminderDueAt.getTime() - now })
  await bestEffort(() => queues.addFreshEscalations(p.notificationId, timers))
}

async function sendNow(services: Services, notificationId: string): Promise<void> {
  try {
    await deliverNotification(services, notificationId)
  } catch (err) {
    // A temporary failure has given the claim back with its retry time: the notify queue retries.
    services.logger.warn({ notificationId, err: describeJobError(err) }, 'first send failed; the notify queue will retry')
    await handOffNotify(services.db, services.queues, [notificationId], { delayMs: services.config.NOTIFY_BACKOFF_MS, fresh: true })
  }
}
