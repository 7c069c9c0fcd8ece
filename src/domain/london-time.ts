// Europe/London wall-clock helpers. Operation Encompass deadlines are "08:30 local on the next pupil
// day", so every deadline must be computed on the local calendar and wall clock, then turned into
// a UTC instant only at the end; otherwise the clock changes in March and October would move 08:30
// by an hour. We use the runtime's Intl time-zone data (no dependency, always the current IANA
// rules) and do plain-date arithmetic in UTC, where every day has exactly 24 hours.

const TIME_ZONE = 'Europe/London'
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const HHMM_RE = /^(\d{2}):(\d{2})$/
const MINUTE_MS = 60_000
const DAY_MS = 86_400_000

const formatter = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
})

interface LocalParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

function assertInstant(instant: Date): void {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
    throw new Error(`expected a valid Date, got ${String(instant)}`)
  }
}

function localParts(instant: Date): LocalParts {
  assertInstant(instant)
  const out: Record<string, number> = {}
  for (const part of formatter.formatToParts(instant)) {
    if (part.type !== 'literal') out[part.type] = Number(part.value)
  }
  return {
    year: Number(out['year']),
    month: Number(out['month']),
    day: Number(out['day']),
    // Some ICU versions print midnight as 24 even with h23.
    hour: Number(out['hour']) % 24,
    minute: Number(out['minute']),
    second: Number(out['second']),
  }
}

const pad2 = (n: number): string => String(n).padStart(2, '0')

function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`
}

/** Parse and validate a plain `YYYY-MM-DD` date; returns its UTC-midnight epoch milliseconds. */
export function parsePlainDate(date: string): number {
  const m = DATE_RE.exec(date)
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
    const ms = Date.UTC(y, mo - 1, d)
    const back = new Date(ms)
    if (back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d) return ms
  }
  throw new Error(`invalid date ${JSON.stringify(date)}: expected a real calendar date YYYY-MM-DD`)
}

/** True when `date` is a real calendar date written `YYYY-MM-DD`. */
export function isPlainDate(date: string): boolean {
  try {
    parsePlainDate(date)
    return true
  } catch {
    return false
  }
}

/** Parse `HH:MM` (00:00–23:59) into minutes since midnight. */
export function parseHhmm(hhmm: string): number {
  const m = HHMM_RE.exec(hhmm)
  if (m) {
    const h = Number(m[1])
    const min = Number(m[2])
    if (h <= 23 && min <= 59) return h * 60 + min
  }
  throw new Error(`invalid time ${JSON.stringify(hhmm)}: expected HH:MM between 00:00 and 23:59`)
}

/** Minutes since midnight (0–1439) back to `HH:MM`. */
export function formatHhmm(minutes: number): string {
  if (!Number.isInteger(minutes) || minutes < 0 || minutes >= 1440) {
    throw new Error(`invalid minutes since midnight ${minutes}: expected an integer 0–1439`)
  }
  return `${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`
}

/** The Europe/London calendar date (`YYYY-MM-DD`) of an instant. */
export function londonDateOf(instant: Date): string {
  const p = localParts(instant)
  return formatDate(p.year, p.month, p.day)
}

/** The Europe/London date and minutes since local midnight of an instant (seconds dropped). */
export function londonWallClock(instant: Date): { date: string; minutes: number } {
  const p = localParts(instant)
  return { date: formatDate(p.year, p.month, p.day), minutes: p.hour * 60 + p.minute }
}

/** Offset of London local time from UTC at an instant, in milliseconds (0 for GMT, 3_600_000 for BST). */
function offsetMs(epochMs: number): number {
  const p = localParts(new Date(epochMs))
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return asUtc - Math.floor(epochMs / 1000) * 1000
}

/**
 * The UTC instant of a Europe/London wall-clock time. A time that does not exist (the spring-forward
 * gap, e.g. 01:30 on the last Sunday of March) is moved forward by the length of the gap (01:30 →
 * 02:30 BST), as Temporal's 'compatible' disambiguation does. A time that occurs twice (the autumn
 * fall-back hour) resolves to its first occurrence (BST).
 */
export function londonInstant(date: string, hhmm: string): Date {
  const dayMs = parsePlainDate(date)
  const wall = dayMs + parseHhmm(hhmm) * MINUTE_MS
  // London's offset is at most a few hours and changes at most once a day: the offsets a day
  // either side bracket every candidate.
  const before = offsetMs(wall - DAY_MS)
  const after = offsetMs(wall + DAY_MS)
  const candidates = [...new Set([before, after])]
    .map((off) => wall - off)
    .filter((t) => offsetMs(t) === wall - t)
    .sort((a, b) => a - b)
  const first = candidates[0]
  // No candidate: the wall time is in a gap; reading it with the pre-gap offset lands after the gap.
  return new Date(first ?? wall - before)
}

/** A plain date `n` days after `date` (negative n goes back). */
export function addDays(date: string, n: number): string {
  if (!Number.isInteger(n)) throw new Error(`addDays: n must be an integer, got ${n}`)
  const d = new Date(parsePlainDate(date) + n * DAY_MS)
  return formatDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())
}

/** Day of the week of a plain date: 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: string): number {
  return new Date(parsePlainDate(date)).getUTCDay()
}
