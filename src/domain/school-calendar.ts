// When a school must have been told (domain rules 5–7). The scheme's standard is "before the start of
// the setting's next pupil day", so the deadline depends on the school's own calendar: weekends,
// England & Wales bank holidays (data from GOV.UK, never computed), the local authority's holidays
// and the school's INSET days and closures. Everything is reasoned on Europe/London dates and wall
// clock and only then turned into a UTC instant, so BST changes never move 08:30.
//
// Reminder rule (rule 7): when a holiday falls between the police becoming aware and the school day
// the notification is due for (`isHolidayGap`), the notification is still sent at once (many DSLs
// cover holidays) and a reminder is sent on the morning of the first pupil day back, by default 90
// minutes before the school's start (07:00 for an 08:30 start), on the local wall clock. We chose
// the morning of the day back rather than the evening before: the evening before is usually a Sunday
// or a bank holiday when Key Adults are not at work, whereas 90 minutes before the start is when
// they arrive and still leaves time to act, and to escalate, before the children do.

import { isInstantInBounds } from './date-bounds.js'
import { addDays, formatHhmm, londonDateOf, londonInstant, londonWallClock, parseHhmm, parsePlainDate, weekdayOf } from './london-time.js'

export interface SchoolCalendar {
  /** 'HH:MM' Europe/London local time at which the pupil day starts; DEFAULT_DAY_STARTS_AT if the school gave none. */
  dayStartsAt: string
  /** England & Wales bank holidays, YYYY-MM-DD (from the GOV.UK feed). */
  bankHolidays: ReadonlySet<string>
  /** Local authority school holidays plus the school's own closures and INSET days, YYYY-MM-DD. */
  closedDates: ReadonlySet<string>
  /**
   * The school's own overrides: open for pupils on a date that closedDates closes (e.g. an academy
   * that keeps a different half-term). They override closedDates only, never weekends or bank holidays.
   */
  openDates?: ReadonlySet<string>
  /**
   * 'terms' (a school, a nursery school, a college): Monday–Friday less bank holidays and closures.
   * 'weekdays' (a childminder): every Monday–Friday, whatever the LA's terms and the bank holidays,
   * unless the setting's own dates say otherwise (closedDates closes a weekday, openDates opens
   * any day, a Saturday too). Absent: 'terms'.
   */
  days?: 'terms' | 'weekdays'
}

/**
 * Which days a kind of setting keeps. A childminder works the year round to its own pattern: its
 * "next day" is the next weekday, not the next day of the LA's school terms, unless it has said
 * otherwise (its own closed and open dates), and its day starts at its own time (dayStartsAt).
 */
export function calendarRulesFor(settingType: string | null | undefined): { days: 'terms' | 'weekdays'; followsLaTermDates: boolean } {
  return settingType === 'childminder' ? { days: 'weekdays', followsLaTermDates: false } : { days: 'terms', followsLaTermDates: true }
}

export const DEFAULT_DAY_STARTS_AT = '08:30'
/**
 * How far ahead nextPupilDay searches before deciding the calendar is wrong: longer than any
 * closure the entry points accept (a school year) plus the weekends and bank holidays beside it.
 */
export const MAX_SEARCH_DAYS = 400

/**
 * A deadline that cannot be computed from these values: a moment outside 1900–2100, a calendar
 * with no pupil day within MAX_SEARCH_DAYS, a start time that is not HH:MM. Retrying cannot help
 * (the match worker sends the child straight to review). The message names no date: it is shown
 * to officers and written to logs and alerts as it is.
 */
export class CalendarError extends Error {
  override readonly name = 'CalendarError'
  constructor(
    readonly reason: 'date-out-of-range' | 'no-pupil-day' | 'invalid-start-time',
    message: string,
  ) {
    super(message)
  }
}
/** Default reminder lead: 90 minutes before the start of the first pupil day back (07:00 for 08:30). */
export const DEFAULT_REMINDER_LEAD_MINUTES = 90

/** Build a SchoolCalendar from plain lists, filling in the default start time. */
export function makeSchoolCalendar(opts: {
  dayStartsAt?: string | undefined
  bankHolidays?: Iterable<string> | undefined
  closedDates?: Iterable<string> | undefined
  openDates?: Iterable<string> | undefined
  days?: 'terms' | 'weekdays' | undefined
}): SchoolCalendar {
  const dayStartsAt = opts.dayStartsAt ?? DEFAULT_DAY_STARTS_AT
  parseHhmm(dayStartsAt)
  const cal: SchoolCalendar = {
    dayStartsAt,
    bankHolidays: new Set(opts.bankHolidays ?? []),
    closedDates: new Set(opts.closedDates ?? []),
  }
  if (opts.openDates !== undefined) cal.openDates = new Set(opts.openDates)
  if (opts.days !== undefined) cal.days = opts.days
  return cal
}

/**
 * A pupil day: Monday–Friday, not a bank holiday, and not closed (unless the school opens it). For
 * a 'weekdays' calendar: a day the setting opens, else any Monday–Friday it has not closed.
 */
export function isPupilDay(cal: SchoolCalendar, date: string): boolean {
  if (cal.days === 'weekdays') {
    if (cal.openDates?.has(date) ?? false) return true
    const wd = weekdayOf(date)
    return wd !== 0 && wd !== 6 && !cal.closedDates.has(date)
  }
  const wd = weekdayOf(date)
  if (wd === 0 || wd === 6) return false
  if (cal.bankHolidays.has(date)) return false
  if (cal.closedDates.has(date) && !(cal.openDates?.has(date) ?? false)) return false
  return true
}

/** The first pupil day on or after `fromDate`; a CalendarError if none within MAX_SEARCH_DAYS. */
export function nextPupilDay(cal: SchoolCalendar, fromDate: string): string {
  let date = fromDate
  for (let i = 0; i < MAX_SEARCH_DAYS; i++) {
    if (isPupilDay(cal, date)) return date
    date = addDays(date, 1)
  }
  throw new CalendarError(
    'no-pupil-day',
    `no pupil day within ${MAX_SEARCH_DAYS} days of the date the police became aware: the setting's calendar closes every weekday (a closure longer than a school year); check its closed dates`,
  )
}

function startTime(cal: SchoolCalendar): string {
  const start = cal.dayStartsAt === '' ? DEFAULT_DAY_STARTS_AT : cal.dayStartsAt
  try {
    parseHhmm(start)
  } catch {
    throw new CalendarError('invalid-start-time', "the setting's day start time is not a time HH:MM; correct the setting")
  }
  return start
}

/**
 * The deadline for telling the school: the start (dayStartsAt, Europe/London) of the next pupil day
 * after the police became aware. Strictly before the start of a pupil day → that day; at or after
 * the start, or on a non-pupil day → the next pupil day.
 */
export function computeDueBy(cal: SchoolCalendar, policeAwareAt: Date): { dueBy: Date; schoolDay: string } {
  if (policeAwareAt instanceof Date && !Number.isNaN(policeAwareAt.getTime()) && !isInstantInBounds(policeAwareAt)) {
    throw new CalendarError('date-out-of-range', 'the date the police became aware is outside 1900–2100; the police record must be corrected')
  }
  const start = startTime(cal)
  const awareDate = londonDateOf(policeAwareAt)
  if (isPupilDay(cal, awareDate)) {
    const sameDay = londonInstant(awareDate, start)
    if (policeAwareAt.getTime() < sameDay.getTime()) return { dueBy: sameDay, schoolDay: awareDate }
  }
  const schoolDay = nextPupilDay(cal, addDays(awareDate, 1))
  return { dueBy: londonInstant(schoolDay, start), schoolDay }
}

/**
 * True when the school is on holiday between the police becoming aware and the school day due:
 * at least one Monday–Friday that is not a pupil day (school holiday, bank holiday, INSET day)
 * from the aware date (inclusive) to the due school day (exclusive). An ordinary weekend is not a
 * holiday gap. Used to send at once and add a reminder (see reminderAt).
 */
export function isHolidayGap(cal: SchoolCalendar, policeAwareAt: Date, dueBy: Date): boolean {
  const schoolDay = londonDateOf(dueBy)
  const end = parsePlainDate(schoolDay)
  let date = londonDateOf(policeAwareAt)
  for (let i = 0; i < MAX_SEARCH_DAYS && parsePlainDate(date) < end; i++) {
    const wd = weekdayOf(date)
    if (wd !== 0 && wd !== 6 && !isPupilDay(cal, date)) return true
    date = addDays(date, 1)
  }
  return false
}

/**
 * When to send the holiday reminder: `leadMinutes` (default 90) before the start of the school day
 * that `dueBy` falls on, counted on the Europe/London wall clock (07:00 local for an 08:30 start,
 * whatever the clocks did during the holiday). A lead longer than the start time reaches back into
 * the previous evening. Throws if dueBy is not on a pupil day of this calendar (a stale deadline).
 */
export function reminderAt(cal: SchoolCalendar, dueBy: Date, leadMinutes: number = DEFAULT_REMINDER_LEAD_MINUTES): Date {
  if (!Number.isInteger(leadMinutes) || leadMinutes < 0 || leadMinutes > 7 * 1440) {
    throw new Error(`reminder lead must be a whole number of minutes from 0 to ${7 * 1440}, got ${leadMinutes}`)
  }
  const { date, minutes } = londonWallClock(dueBy)
  if (!isPupilDay(cal, date)) {
    throw new Error(`dueBy ${dueBy.toISOString()} is not on a pupil day (${date}); recompute it with computeDueBy`)
  }
  const total = minutes - leadMinutes
  const dayShift = Math.floor(total / 1440)
  return londonInstant(addDays(date, dayShift), formatHhmm(total - dayShift * 1440))
}

export interface DeliveryPlan {
  dueBy: Date
  schoolDay: string
  /** A holiday lies between awareness and the school day: send now and remind before the day back. */
  holidayGap: boolean
  /** Set only when holidayGap and the reminder time is still after policeAwareAt: when to send the reminder. */
  reminderAt: Date | null
}

/** computeDueBy, isHolidayGap and reminderAt in one call. */
export function planDelivery(
  cal: SchoolCalendar,
  policeAwareAt: Date,
  leadMinutes: number = DEFAULT_REMINDER_LEAD_MINUTES,
): DeliveryPlan {
  const { dueBy, schoolDay } = computeDueBy(cal, policeAwareAt)
  const holidayGap = isHolidayGap(cal, policeAwareAt, dueBy)
  const reminder = holidayGap ? reminderAt(cal, dueBy, leadMinutes) : null
  return {
    dueBy,
    schoolDay,
    holidayGap,
    reminderAt: reminder !== null && reminder.getTime() > policeAwareAt.getTime() ? reminder : null,
  }
}
