// When to send. By default as soon as the child is matched. A force may set a local delivery
// window (e.g. 06:00–22:00) so a DSL is not woken at 02:00; outside it the send waits for the
// window to open, but never past the point where escalation to deputies would start.
import { addDays, londonInstant, londonWallClock } from './london-time.js'

export interface DeliveryWindow {
  notBefore: string | null
  notAfter: string | null
}

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number]
  return h * 60 + m
}

/**
 * The escalation point (domain rule 10): `escalationLeadMinutes` before the deadline. Unacknowledged
 * then, the deputies are e-mailed; a delivery window never holds the first send past it. The one
 * home of this rule: the placement's timer, the escalate worker and the sweeper's query
 * (store/notifications-store.ts, ESCALATION_POINT_SQL, which must agree: test/flows) all use it.
 */
export function escalationPointOf(dueBy: Date, escalationLeadMinutes: number): Date {
  return new Date(dueBy.getTime() - escalationLeadMinutes * 60_000)
}

export function computeSendAfter(now: Date, dueBy: Date, window: DeliveryWindow, escalationLeadMinutes: number): Date {
  const { notBefore, notAfter } = window
  if (notBefore === null && notAfter === null) return now
  const local = londonWallClock(now)
  const opens = notBefore === null ? 0 : minutesOf(notBefore)
  const closes = notAfter === null ? 24 * 60 : minutesOf(notAfter)
  let target: Date
  if (local.minutes >= opens && local.minutes < closes) return now
  if (local.minutes < opens) target = londonInstant(local.date, notBefore ?? '00:00')
  else target = londonInstant(addDays(local.date, 1), notBefore ?? '00:00')
  const latest = escalationPointOf(dueBy, escalationLeadMinutes)
  if (target.getTime() > latest.getTime()) target = latest
  return target.getTime() > now.getTime() ? target : now
}
