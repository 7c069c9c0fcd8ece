// Placing a child with a setting: the one place a notification is born. Used by the match worker
// (URN found) and by an officer's manual assignment. Inside the caller's transaction it computes
// the deadline from the setting's calendar, the send time from the force's delivery window, and
// the holiday reminder; after commit, scheduleTimers puts the ids on the queues.
import type { PoolClient } from 'pg'
import { computeSendAfter } from '../domain/delivery.js'
import { londonDateOf } from '../domain/london-time.js'
import { planDelivery } from '../domain/school-calendar.js'
import type { Services } from '../services.js'
import { loadSchoolCalendar } from '../store/calendar-store.js'
import type { Force } from '../store/forces-store.js'
import { createNotification, unmarkEnqueued } from '../store/notifications-store.js'
import { bestEffort } from './queues.js'

export interface Placed {
  notificationId: string
  sendAfter: Date
  dueBy: Date
  reminderDueAt: Date | null
  escalationLeadMinutes: number
}

export async function placeChild(
  client: PoolClient,
  child: { id: string; incidentId: string; policeAwareAt: Date; receivedAt: Date },
  school: { urn: string; laCode: string | null; dayStartsAt: string | null },
  force: Force,
  method: 'urn' | 'name-postcode' | 'pupil-roll' | 'manual',
  now: Date,
  reason: string | null = null,
  // 'no-setting': the "setting" is the child's LA children's services (see la-contacts-store);
  // the child has no URN of its own.
  status: 'matched' | 'no-setting' = 'matched',
): Promise<Placed> {
  const calendar = await loadSchoolCalendar(client, school, londonDateOf(child.policeAwareAt))
  const plan = planDelivery(calendar, child.policeAwareAt)
  const sendAfter = computeSendAfter(
    now,
    plan.dueBy,
    { notBefore: force.deliveryNotBefore, notAfter: force.deliveryNotAfter },
    force.escalationLeadMinutes,
  )
  await client.query(
    `UPDATE children SET match_status = $6, match_urn = CASE WHEN $6 = 'no-setting' THEN NULL ELSE $2 END,
            match_method = $3, matched_at = $4, match_reason = $5
      WHERE id = $1`,
    [child.id, school.urn, method, now, reason, status],
  )
  const notificationId = await createNotification(client, {
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
  })
  return {
    notificationId,
    sendAfter,
    dueBy: plan.dueBy,
    reminderDueAt: plan.reminderAt,
    escalationLeadMinutes: force.escalationLeadMinutes,
  }
}

/**
 * Puts a new notification's send and its escalation timers on the queues. Best effort: if Redis
 * is away the sweeper finds every one of them in Postgres when it is due.
 */
export async function scheduleTimers(services: Services, p: Placed): Promise<void> {
  const now = services.clock.now().getTime()
  const { queues } = services
  // A new notification has no job yet: a plain add (no look-up first, as the sweeper's re-adds need).
  const ok = await bestEffort(() => queues.addNotify(p.notificationId, p.sendAfter.getTime() - now, { fresh: true }))
  if (!ok) await unmarkEnqueued(services.db, p.notificationId)
  const deputiesAt = p.dueBy.getTime() - p.escalationLeadMinutes * 60_000
  await bestEffort(() => queues.addEscalation(p.notificationId, 'deputies', deputiesAt - now))
  await bestEffort(() => queues.addEscalation(p.notificationId, 'desk', p.dueBy.getTime() - now))
  if (p.reminderDueAt) {
    const at = p.reminderDueAt.getTime()
    await bestEffort(() => queues.addEscalation(p.notificationId, 'reminder', at - now))
  }
}
