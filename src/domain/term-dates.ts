// A local authority's term dates, read into the closures a SchoolCalendar needs (rule 6). Councils
// publish them in different shapes; we accept the two machine-readable ones we have real data for:
// UTC Sheffield's JSON (which lists the pupil days, so every other weekday of the academic year is a
// closure) and iCalendar files of all-day holiday events. Both come back as the same TermCalendar:
// the date ranges the file speaks for (`coverage`, so callers can warn when a deadline falls beyond
// the data, where weekdays would otherwise count as pupil days) and one labelled closure per date.
// Every date must lie in 1900–2100 and no closure may run longer than a school year
// (domain/date-bounds.ts): a file that breaks either is refused whole, naming where.

import { DATE_RANGE_MESSAGE, LATEST_DATE, longestClosure, MAX_CLOSURE_DAYS, plainDateProblem } from './date-bounds.js'
import { addDays, parsePlainDate, weekdayOf } from './london-time.js'

export interface TermCalendar {
  /** Sorted, non-overlapping, inclusive date ranges the file covers. */
  coverage: { from: string; to: string }[]
  /** One entry per closed date, sorted by date. */
  closures: { date: string; label: string }[]
}

type Range = { from: string; to: string }

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

function mergeRanges(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => cmp(a.from, b.from))
  const out: Range[] = []
  for (const r of sorted) {
    const last = out[out.length - 1]
    if (last !== undefined && r.from <= addDays(last.to, 1)) {
      if (r.to > last.to) last.to = r.to
    } else {
      out.push({ ...r })
    }
  }
  return out
}

function* datesIn(from: string, to: string): Generator<string> {
  for (let d = from; d <= to; d = addDays(d, 1)) yield d
}

function dateField(v: unknown, at: string): string {
  const problem = typeof v === 'string' ? plainDateProblem(v) : 'must be a date YYYY-MM-DD'
  if (problem) throw new Error(`${at} ${problem}, got ${JSON.stringify(v)}`)
  return v as string
}

/** Refuses a calendar whose closures, with the weekends among them, run longer than a school year. */
function checkClosures(where: string, closures: TermCalendar['closures']): void {
  const run = longestClosure(closures.map((c) => c.date))
  if (run !== null && run.days > MAX_CLOSURE_DAYS) {
    throw new Error(
      `${where}: closes for ${run.days} days in a row (${run.from} to ${run.to}); no closure may be longer than a school year (${MAX_CLOSURE_DAYS} days)`,
    )
  }
}

function arrayField(obj: Record<string, unknown>, key: string, at: string, required: boolean): unknown[] {
  const v = obj[key]
  if (v === undefined && !required) return []
  if (!Array.isArray(v)) throw new Error(`${at}.${key} must be an array`)
  return v
}

const YEAR_NAME_RE = /^(\d{4})\s*[-/–]\s*(\d{2}|\d{4})$/

/** 1 Sept–31 Aug for a name like "2025-26" or "2025/2026"; null if the name is not one. */
function academicYearSpan(name: string): Range | null {
  const m = YEAR_NAME_RE.exec(name.trim())
  if (!m) return null
  const start = Number(m[1])
  const end = String(m[2])
  const next = start + 1
  if (end.length === 2 ? Number(end) !== next % 100 : Number(end) !== next) return null
  return { from: `${start}-09-01`, to: `${next}-08-31` }
}

/**
 * UTC Sheffield's term_dates.json: `academic_years[]` of `{ name, dates[{date}], school_holidays[{start,
 * end, label}], bank_holidays[] }`. Coverage per year is 1 Sept–31 Aug (from the name, e.g. "2025-26"),
 * widened to any of its dates or holidays outside that (the file files each August under the
 * following year); without a usable name, the span of its dates and holidays. Closures are the
 * weekdays in coverage that no year lists as a pupil date, labelled from the holiday range containing
 * them, else 'Bank holiday' if listed, else 'Non-pupil day'.
 */
export function parseTermDatesJson(json: unknown): TermCalendar {
  const where = 'term dates JSON'
  if (!isRecord(json)) throw new Error(`${where}: expected a JSON object at the top level`)
  const years = json['academic_years']
  if (!Array.isArray(years)) throw new Error(`${where}: academic_years must be an array`)
  if (years.length === 0) throw new Error(`${where}: academic_years is empty`)

  const coverage: Range[] = []
  const pupilDates = new Set<string>()
  const holidays: { from: string; to: string; label: string }[] = []
  const bankHolidays = new Set<string>()

  years.forEach((year: unknown, i) => {
    const at = `${where}: academic_years[${i}]`
    if (!isRecord(year)) throw new Error(`${at} must be an object`)
    const dates = arrayField(year, 'dates', at, true).map((d: unknown, j) =>
      dateField(isRecord(d) ? d['date'] : d, `${at}.dates[${j}]${isRecord(d) ? '.date' : ''}`),
    )
    if (dates.length === 0) throw new Error(`${at}.dates is empty: a year with no pupil days is not a term calendar`)
    const yearHolidays = arrayField(year, 'school_holidays', at, false).map((h: unknown, j) => {
      const hat = `${at}.school_holidays[${j}]`
      if (!isRecord(h)) throw new Error(`${hat} must be an object`)
      const from = dateField(h['start'], `${hat}.start`)
      const to = dateField(h['end'], `${hat}.end`)
      if (to < from) throw new Error(`${hat}: end ${to} is before start ${from}`)
      const label = typeof h['label'] === 'string' && h['label'].trim() !== '' ? h['label'].trim() : 'School holiday'
      return { from, to, label }
    })
    arrayField(year, 'bank_holidays', at, false).forEach((b, j) => bankHolidays.add(dateField(b, `${at}.bank_holidays[${j}]`)))

    const known = [...dates, ...yearHolidays.flatMap((h) => [h.from, h.to])].sort(cmp)
    const first = known[0] as string // dates is non-empty
    const last = known[known.length - 1] as string
    const named = typeof year['name'] === 'string' ? academicYearSpan(year['name']) : null
    if (named && (plainDateProblem(named.from) || plainDateProblem(named.to))) {
      throw new Error(`${at}.name names an academic year outside 1900–2100, got ${JSON.stringify(year['name'])}`)
    }
    coverage.push(named ? { from: first < named.from ? first : named.from, to: last > named.to ? last : named.to } : { from: first, to: last })
    for (const d of dates) pupilDates.add(d)
    holidays.push(...yearHolidays)
  })

  const merged = mergeRanges(coverage)
  const closures: TermCalendar['closures'] = []
  for (const r of merged) {
    for (const date of datesIn(r.from, r.to)) {
      const wd = weekdayOf(date)
      if (wd === 0 || wd === 6 || pupilDates.has(date)) continue
      const label =
        holidays.find((h) => h.from <= date && date <= h.to)?.label ?? (bankHolidays.has(date) ? 'Bank holiday' : 'Non-pupil day')
      closures.push({ date, label })
    }
  }
  checkClosures(where, closures)
  return { coverage: merged, closures }
}

// ---- iCalendar -------------------------------------------------------------------------------

interface IcsProperty {
  name: string
  params: Map<string, string>
  value: string
  line: number
}

/** Split on a separator outside double quotes. */
function splitOutsideQuotes(s: string, sep: string, limit = Infinity): string[] {
  const parts: string[] = []
  let cur = ''
  let quoted = false
  for (const ch of s) {
    if (ch === '"') quoted = !quoted
    if (ch === sep && !quoted && parts.length < limit - 1) {
      parts.push(cur)
      cur = ''
    } else {
      cur += ch
    }
  }
  parts.push(cur)
  return parts
}

function parseProperty(text: string, line: number): IcsProperty {
  const [head = '', value] = splitOutsideQuotes(text, ':', 2)
  if (value === undefined) throw new Error(`iCalendar line ${line}: expected NAME:VALUE, got ${JSON.stringify(text.slice(0, 60))}`)
  const [name = '', ...rawParams] = splitOutsideQuotes(head, ';')
  const params = new Map<string, string>()
  for (const p of rawParams) {
    const eq = p.indexOf('=')
    if (eq > 0) params.set(p.slice(0, eq).toUpperCase(), p.slice(eq + 1).replace(/^"|"$/g, ''))
  }
  return { name: name.toUpperCase(), params, value, line }
}

function unescapeText(v: string): string {
  return v.replace(/\\([\\;,nN])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c))
}

/** The day after the last date accepted: an exclusive DTEND may name it. */
const AFTER_LATEST = addDays(LATEST_DATE, 1)

/** An all-day DATE value as YYYY-MM-DD, or null for a DATE-TIME (a timed event). */
function icsDate(p: IcsProperty): string | null {
  const v = p.value.trim()
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(v)
  if (m) {
    const date = `${m[1]}-${m[2]}-${m[3]}`
    const problem = p.name === 'DTEND' && date === AFTER_LATEST ? null : plainDateProblem(date)
    if (problem === null) return date
    if (problem === DATE_RANGE_MESSAGE) throw new Error(`iCalendar line ${p.line}: ${p.name} ${problem}, got ${JSON.stringify(v)}`)
  } else if (p.params.get('VALUE')?.toUpperCase() !== 'DATE' && /^\d{8}T\d{6}Z?$/.test(v)) {
    return null
  }
  throw new Error(`iCalendar line ${p.line}: ${p.name} must be a date YYYYMMDD, got ${JSON.stringify(v)}`)
}

function durationDays(p: IcsProperty): number {
  const m = /^P(?:(\d+)W|(\d+)D)$/.exec(p.value.trim())
  const days = m ? (m[1] !== undefined ? Number(m[1]) * 7 : Number(m[2])) : NaN
  if (!(days > 0)) throw new Error(`iCalendar line ${p.line}: an all-day DURATION must be whole days or weeks (P3D, P1W), got ${JSON.stringify(p.value)}`)
  if (days > MAX_CLOSURE_DAYS) throw new Error(`iCalendar line ${p.line}: a closure of ${days} days is longer than a school year (${MAX_CLOSURE_DAYS} days)`)
  return days
}

interface AllDayEvent {
  from: string
  to: string // inclusive
  label: string
  days: number
  order: number
}

function toEvent(props: IcsProperty[], beginLine: number, order: number): AllDayEvent | null {
  const get = (n: string): IcsProperty | undefined => props.find((p) => p.name === n)
  if (get('STATUS')?.value.trim().toUpperCase() === 'CANCELLED') return null
  if (get('RRULE') !== undefined) {
    throw new Error(`iCalendar line ${beginLine}: recurring events (RRULE) are not supported in term dates; list each holiday as its own event`)
  }
  const dtstart = get('DTSTART')
  if (dtstart === undefined) throw new Error(`iCalendar line ${beginLine}: VEVENT has no DTSTART`)
  const from = icsDate(dtstart)
  if (from === null) return null // a timed event is not a day's closure
  const dtend = get('DTEND')
  const duration = get('DURATION')
  let endExclusive: string
  if (dtend !== undefined) {
    const end = icsDate(dtend)
    if (end === null) throw new Error(`iCalendar line ${dtend.line}: DTEND is a date-time but DTSTART is a date`)
    endExclusive = end
  } else {
    endExclusive = addDays(from, duration !== undefined ? durationDays(duration) : 1)
  }
  if (endExclusive <= from) {
    throw new Error(`iCalendar line ${beginLine}: event ends (${endExclusive}, exclusive) on or before it starts (${from})`)
  }
  const summary = get('SUMMARY')
  const label = summary !== undefined && unescapeText(summary.value).trim() !== '' ? unescapeText(summary.value).trim() : 'Closed'
  const days = Math.round((parsePlainDate(endExclusive) - parsePlainDate(from)) / 86_400_000)
  if (days > MAX_CLOSURE_DAYS) {
    throw new Error(`iCalendar line ${beginLine}: a closure of ${days} days (${from} to ${addDays(endExclusive, -1)}) is longer than a school year (${MAX_CLOSURE_DAYS} days)`)
  }
  return { from, to: addDays(endExclusive, -1), label, days, order }
}

/**
 * iCalendar (RFC 5545) all-day VEVENTs, each a closure; DTEND is exclusive (or DURATION, or one day).
 * Accepts CRLF, LF or CR line endings and folded lines. Timed and cancelled events are ignored;
 * recurring ones are refused. Coverage runs from the first event's start to the last event's end.
 * Closures are every date of every event (weekends included) with its SUMMARY; where events overlap
 * (Christmas Day inside the Christmas holiday) the longest event's label wins, then the earliest in the file.
 */
export function parseTermDatesIcs(text: string): TermCalendar {
  const physical = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)
  const lines: { text: string; line: number }[] = []
  physical.forEach((l, i) => {
    const last = lines[lines.length - 1]
    if ((l.startsWith(' ') || l.startsWith('\t')) && last !== undefined) last.text += l.slice(1)
    else if (l.trim() !== '') lines.push({ text: l, line: i + 1 })
  })
  if (lines[0]?.text.trim().toUpperCase() !== 'BEGIN:VCALENDAR') {
    throw new Error('iCalendar: not an iCalendar file (it must start with BEGIN:VCALENDAR)')
  }

  const events: AllDayEvent[] = []
  let current: { props: IcsProperty[]; line: number } | null = null
  let nested = 0
  let ended = false
  for (const { text: l, line } of lines) {
    const upper = l.trim().toUpperCase()
    if (upper === 'BEGIN:VEVENT') {
      if (current !== null) throw new Error(`iCalendar line ${line}: BEGIN:VEVENT inside another VEVENT (missing END:VEVENT)`)
      current = { props: [], line }
    } else if (upper === 'END:VEVENT') {
      if (current === null) throw new Error(`iCalendar line ${line}: END:VEVENT without BEGIN:VEVENT`)
      const ev = toEvent(current.props, current.line, events.length)
      if (ev !== null) events.push(ev)
      current = null
      nested = 0
    } else if (upper === 'END:VCALENDAR') {
      ended = true
    } else if (current !== null) {
      if (upper.startsWith('BEGIN:')) nested++
      else if (upper.startsWith('END:')) nested--
      else if (nested === 0) current.props.push(parseProperty(l, line))
    }
  }
  if (current !== null) throw new Error(`iCalendar line ${current.line}: VEVENT is never closed (file truncated?)`)
  if (!ended) throw new Error('iCalendar: no END:VCALENDAR (file truncated?)')
  if (events.length === 0) throw new Error('iCalendar: no all-day events, so no closures could be read')

  const best = new Map<string, AllDayEvent>()
  for (const ev of events) {
    for (const date of datesIn(ev.from, ev.to)) {
      const prev = best.get(date)
      if (prev === undefined || ev.days > prev.days) best.set(date, ev)
    }
  }
  const closures = [...best.entries()].sort((a, b) => cmp(a[0], b[0])).map(([date, ev]) => ({ date, label: ev.label }))
  checkClosures('iCalendar', closures)
  const from = events.map((e) => e.from).sort(cmp)[0] as string
  const to = events.map((e) => e.to).sort(cmp)[events.length - 1] as string
  return { coverage: [{ from, to }], closures }
}

/** Parse a term-dates file by its extension: `.json` (UTC Sheffield format) or `.ics`. Errors name the file. */
export function parseTermDates(fileName: string, content: string): TermCalendar {
  const ext = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase()
  try {
    if (ext === 'json') {
      let json: unknown
      try {
        json = JSON.parse(content.replace(/^\uFEFF/, ''))
      } catch (e) {
        throw new Error(`not valid JSON (${(e as Error).message})`)
      }
      return parseTermDatesJson(json)
    }
    if (ext === 'ics') return parseTermDatesIcs(content)
  } catch (e) {
    throw new Error(`${fileName}: ${(e as Error).message}`, { cause: e })
  }
  throw new Error(`${fileName}: unsupported term-dates file type; expected .json or .ics`)
}
