// Placing a child with a setting: the one place a notification is born. Used by the match worker
// and by an officer's manual assignment. It computes the deadline from the setting's calendar, the
// send time from the force's delivery window, and the holiday reminder, and writes the child's
// match with its notification in one statement; then sendOrQueue sends it or queues it.
import { computeSendAfter } from '../domain/delivery.js'
import { londonDateOf } from '../domain/london-time.js'
import { planDelivery } from '../domain/school-calendar.js'
import type { Services } from '../services.js'
import { loadSchoolCalendar } from '../store/calendar-store.js'
import type { MatchCandidate } from '../domain/matching.js'
import type { Force } from '../store/forces-store.js'
import type { Queryable } from '../store/db.js'
import { createNotification, unmarkEnqueued } from '../store/notifications-store.js'
import { processNotify } from './notify-worker.js'
import { describeJobError } from './job-errors.js'
import { bestEffort, type EscalationStep } from './queues.js'

export interface Placed {
  notificationId: string
  sendAfter: Date
  dueBy: Date
  reminderDueAt: Date | null
  escalationLeadMinutes: number
}

export interface Placement {
  method: 'urn' | 'name-postcode' | 'pupil-roll' | 'manual'
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
 * Sends a new notification or puts its send on the queue, and puts its escalation timers on the
 * queue. A notification due now is sent by the job that placed the child (one queue hop fewer,
 * under the same claim in Postgres as any send); a delayed send, and the retry of a send that
 * failed, go through the notify queue. Best effort on the queues: if Redis is away the sweeper
 * finds every one of them in Postgres when it is due.
 */
export async function sendOrQueue(services: Services, p: Placed): Promise<void> {
  const { queues, db } = services
  const now = services.clock.now().getTime()
  if (p.sendAfter.getTime() <= now) {
    await sendNow(services, p.notificationId)
  } else {
    // A new notification has no job yet: a plain add (no look-up first, as the sweeper's re-adds need).
    const ok = await bestEffort(() => queues.addNotify(p.notificationId, p.sendAfter.getTime() - now, { fresh: true }))
    if (!ok) await unmarkEnqueued(db, p.notificationId)
  }
  const timers: { step: EscalationStep; delayMs: number }[] = [
    { step: 'deputies', delayMs: p.dueBy.getTime() - p.escalationLeadMinutes * 60_000 - now },
    { step: 'desk', delayMs: p.dueBy.getTime() - now },
  ]
  if (p.reminderDueAt) timers.push({ step: 'reminder', delayMs: p.reminderDueAt.getTime() - now })
  await bestEffort(() => queues.addFreshEscalations(p.notificationId, timers))
}

async function sendNow(services: Services, notificationId: string): Promise<void> {
  try {
    await processNotify(services, notificationId)
  } catch (err) {
    // A temporary failure has given the claim back with its retry time: the notify queue retries.
    services.logger.warn({ notificationId, err: describeJobError(err) }, 'first send failed; the notify queue will retry')
    const ok = await bestEffort(() => services.queues.addNotify(notificationId, services.config.NOTIFY_BACKOFF_MS, { fresh: true }))
    if (!ok) await unmarkEnqueued(services.db, notificationId)
  }
}
