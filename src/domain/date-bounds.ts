// Which dates the service believes, in one place. Every date that comes in — an incident's times
// and a child's date of birth, a report's range, a school's calendar override, the deadline
// query, term-date and bank-holiday files, a pupil roll — must lie between 1900-01-01 and
// 2100-12-31, written with a four-digit year: a year 0–99 ('0026-01-01') is refused, never read as
// 1926 (as JavaScript's Date.UTC would) or guessed to mean 2026. And no closure may run longer
// than a school year, or the next pupil day cannot be found. Such dates once reached the school
// calendar and left children waiting for ever. Pure: zod helpers for the schemas, plain checks
// for the importers.
import { z } from 'zod'
import { addDays, isPlainDate, parsePlainDate, weekdayOf } from './london-time.js'

export const EARLIEST_DATE = '1900-01-01'
export const LATEST_DATE = '2100-12-31'
const EARLIEST_MS = Date.parse(`${EARLIEST_DATE}T00:00:00Z`)
const LATEST_MS = Date.parse(`${LATEST_DATE}T23:59:59.999Z`)
/** A school year, 1 September to 31 August, is at most 366 days: no closure may be longer. */
export const MAX_CLOSURE_DAYS = 366

const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/
export const DATE_RANGE_MESSAGE = `must be a date from ${EARLIEST_DATE} to ${LATEST_DATE}, with a four-digit year`
const INSTANT_RANGE_MESSAGE = `must be a moment from ${EARLIEST_DATE} to ${LATEST_DATE} (UTC), with a four-digit year`

/** Why a `YYYY-MM-DD` string is not a date we accept, or null when it is one. */
export function plainDateProblem(value: string): string | null {
  if (!DATE_SHAPE.test(value)) return 'must be a date YYYY-MM-DD'
  // Compared as text first: a year 0–99 must not reach Date.UTC, which reads it as 19xx.
  if (value < EARLIEST_DATE || value > LATEST_DATE) return DATE_RANGE_MESSAGE
  if (!isPlainDate(value)) return 'must be a date YYYY-MM-DD that exists (no 30 February)'
  return null
}

/** True for a valid Date between 1900-01-01T00:00Z and the end of 2100-12-31 UTC. */
export function isInstantInBounds(instant: Date): boolean {
  const ms = instant.getTime()
  return !Number.isNaN(ms) && ms >= EARLIEST_MS && ms <= LATEST_MS
}

/** A `YYYY-MM-DD` date within the bounds (a zod schema for query strings, paths and bodies). */
export const boundedDate = (message = 'must be a date YYYY-MM-DD') =>
  z.string().superRefine((value, ctx) => {
    const problem = plainDateProblem(value)
    if (problem) ctx.addIssue({ code: 'custom', message: problem === 'must be a date YYYY-MM-DD' ? message : problem })
  })

/** An RFC 3339 timestamp with offset, whose moment lies within the bounds. */
export const boundedInstant = (message = 'must be an RFC 3339 timestamp with offset, e.g. 2026-11-20T22:14:00Z') =>
  z.iso.datetime({ offset: true, message }).refine((value) => isInstantInBounds(new Date(value)), { message: INSTANT_RANGE_MESSAGE })

export interface ClosureRun {
  from: string
  to: string
  days: number
}

/**
 * The longest run of days off among `closed` dates: consecutive closures, joined across the
 * weekends between and around them (a weekend is never a pupil day). Null when there is none.
 */
export function longestClosure(closed: Iterable<string>): ClosureRun | null {
  const set = new Set(closed)
  const off = (d: string) => set.has(d) || isWeekend(d)
  const done = new Set<string>()
  let best: ClosureRun | null = null
  for (const date of [...set].sort()) {
    if (done.has(date)) continue
    let from = date
    while (off(addDays(from, -1)) && !set.has(addDays(from, -1))) from = addDays(from, -1) // only weekend days lie before the first
    let to = date
    while (off(addDays(to, 1))) {
      to = addDays(to, 1)
      done.add(to)
    }
    const days = daysBetween(from, to) + 1
    if (best === null || days > best.days) best = { from, to, days }
  }
  return best
}

/**
 * The run of days off that `date` would sit in if it were closed, where `isOff` says whether a
 * day is off already. Looks no further than MAX_CLOSURE_DAYS + 1 either way: enough to decide.
 */
export function closureAround(date: string, isOff: (d: string) => boolean): ClosureRun {
  let from = date
  for (let i = 0; i <= MAX_CLOSURE_DAYS && isOff(addDays(from, -1)); i++) from = addDays(from, -1)
  let to = date
  for (let i = 0; i <= MAX_CLOSURE_DAYS && isOff(addDays(to, 1)); i++) to = addDays(to, 1)
  return { from, to, days: daysBetween(from, to) + 1 }
}

export const closureTooLongMessage = (run: ClosureRun) =>
  `would close the setting for ${run.days} days in a row (${run.from} to ${run.to}); no closure may be longer than a school year (${MAX_CLOSURE_DAYS} days)`

function isWeekend(date: string): boolean {
  const wd = weekdayOf(date)
  return wd === 0 || wd === 6
}

const daysBetween = (from: string, to: string) => Math.round((parsePlainDate(to) - parsePlainDate(from)) / 86_400_000)
