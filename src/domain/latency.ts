// The latency report's rules that need no database: which groupings exist, which date ranges are
// allowed, how rows are ordered, how numbers are rounded and how the report reads as CSV. The
// percentiles are PostgreSQL's percentile_cont over date_part('epoch', …) seconds: Postgres finds
// the values at the two ranks each percentile lies between, and they are turned into seconds
// (`secondsFromMicroseconds`) and interpolated (`interpolatePercentile`) here with the same
// floating-point operations Postgres uses. `percentileCont` below is the definition written out,
// so tests can check the database against it independently.
import type { FieldError } from './incident.js'
import { plainDateProblem } from './date-bounds.js'
import { addDays, parsePlainDate } from './london-time.js'

export const GROUP_BYS = ['force', 'la', 'school', 'month', 'weekday'] as const
export type GroupBy = (typeof GROUP_BYS)[number]

/** ISO order: Monday first. Postgres `to_char(..., 'FMDay')` spells them exactly like this. */
export const ISO_WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const

/** The longest range one report may cover, so that a single request cannot scan the whole history. */
export const MAX_RANGE_YEARS = 3

/** Seconds; null when the group has no notification that reached both ends of the interval. */
export interface Percentiles4 {
  p50: number | null
  p90: number | null
  p95: number | null
  max: number | null
}
export interface Percentiles2 {
  p50: number | null
  p90: number | null
}

export interface LatencyRow {
  /** force code, LA code, URN, `YYYY-MM` or weekday name; null for the overall row, and for notifications with no LA code under groupBy=la. */
  key: string | null
  notifications: number
  sent: number
  acknowledged: number
  onTime: number
  onTimeRate: number
  policeToSentSeconds: Percentiles4
  policeToAcknowledgedSeconds: Percentiles4
  stages: {
    policeToReceived: Percentiles2
    receivedToSent: Percentiles2
    sentToAcknowledged: Percentiles2
  }
}

export interface LatencyReport {
  from: string
  to: string
  groupBy: GroupBy
  overall: LatencyRow
  rows: LatencyRow[]
}

/** The cross-field rules on a report's range; each error points into the query string. */
export function checkReportRange(from: string, to: string): FieldError[] {
  const bad = [
    { path: '/query/from', problem: plainDateProblem(from) },
    { path: '/query/to', problem: plainDateProblem(to) },
  ].flatMap((f) => (f.problem ? [{ path: f.path, message: f.problem }] : []))
  if (bad.length > 0) return bad
  if (to < from) return [{ path: '/query/to', message: 'must not be before from' }]
  // Three years inclusive: from 2023-01-01 the last allowed `to` is 2025-12-31.
  const limit = addYearsClamped(from, MAX_RANGE_YEARS)
  if (to >= limit) return [{ path: '/query/to', message: `must be less than ${MAX_RANGE_YEARS} years after from (at most ${addDays(limit, -1)})` }]
  return []
}

/** `date` plus whole years; 29 February becomes 1 March in a year without one. */
function addYearsClamped(date: string, years: number): string {
  const d = new Date(parsePlainDate(date))
  d.setUTCFullYear(d.getUTCFullYear() + years)
  return d.toISOString().slice(0, 10)
}

/** Weekdays Monday..Sunday; every other grouping by key (code-unit order), a null key last. */
export function sortRows<T extends { key: string | null }>(groupBy: GroupBy, rows: readonly T[]): T[] {
  const rank = (key: string | null): number => (groupBy === 'weekday' ? ISO_WEEKDAYS.indexOf(key as (typeof ISO_WEEKDAYS)[number]) : 0)
  return [...rows].sort((a, b) => {
    if (a.key === null || b.key === null) return a.key === b.key ? 0 : a.key === null ? 1 : -1
    return rank(a.key) - rank(b.key) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  })
}

/** onTime / notifications to 4 decimals; 0 for an empty group. */
export function onTimeRate(onTime: number, notifications: number): number {
  return notifications === 0 ? 0 : Math.round((onTime / notifications) * 10_000) / 10_000
}

/**
 * Seconds to the millisecond. Timestamps carry microseconds and interpolation works in floating
 * point (264.00000000000006), neither of which means anything on a board.
 */
export function roundSeconds(seconds: number | null | undefined): number | null {
  return seconds === null || seconds === undefined ? null : Math.round(seconds * 1000) / 1000
}

/**
 * Continuous percentile with linear interpolation between the two nearest ranks, exactly as
 * PostgreSQL's percentile_cont: position p·(n−1) in the sorted values. Null for no values.
 */
export function percentileCont(values: readonly number[], p: number): number | null {
  if (p < 0 || p > 1 || Number.isNaN(p)) throw new Error(`percentile must be between 0 and 1, got ${p}`)
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const pos = p * (sorted.length - 1)
  return interpolatePercentile(p, sorted.length, sorted[Math.floor(pos)]!, sorted[Math.ceil(pos)]!)
}

/**
 * The float8 seconds PostgreSQL's date_part('epoch', a - b) gives for two timestamps `us`
 * microseconds apart, computed the same way: a - b is an interval that justify_hours splits into
 * whole days and the microseconds left (both with the sign of the difference), and date_part adds
 * time / 1e6, two zero terms for months and years, and 86400 · days (timestamp_mi,
 * interval_justify_hours, interval_part_common). Exact for |us| below 2^53.
 */
export function secondsFromMicroseconds(us: number): number {
  const DAY = 86_400_000_000
  const time = us % DAY // truncating, like C: the sign of us
  const days = (us - time) / DAY // an exact integer
  return time / 1_000_000 + 0 + 0 + 86_400 * days
}

/**
 * percentile_cont's last step, in the same floating-point operations as PostgreSQL
 * (percentile_cont_final_common, float8_lerp): of n sorted values, `low` is the one at rank
 * ⌊p·(n−1)⌋ and `high` the one at ⌈p·(n−1)⌉ (0-based); the result is low + f·(high − low) with
 * f = p·(n−1) − ⌊p·(n−1)⌋, or low itself when the two ranks are the same.
 */
export function interpolatePercentile(p: number, n: number, low: number, high: number): number {
  const pos = p * (n - 1)
  const lo = Math.floor(pos)
  return lo === Math.ceil(pos) ? low : low + (pos - lo) * (high - low)
}

export const CSV_HEADER = [
  'key', 'notifications', 'sent', 'acknowledged', 'onTime', 'onTimeRate',
  'policeToSent_p50', 'policeToSent_p90', 'policeToSent_p95', 'policeToSent_max',
  'policeToAcknowledged_p50', 'policeToAcknowledged_p90', 'policeToAcknowledged_p95', 'policeToAcknowledged_max',
  'policeToReceived_p50', 'policeToReceived_p90',
  'receivedToSent_p50', 'receivedToSent_p90',
  'sentToAcknowledged_p50', 'sentToAcknowledged_p90',
] as const

function csvKey(key: string): string {
  // Keys are codes, months and weekday names; quote anyway and neutralise spreadsheet formulas.
  return `"${(/^[=+\-@]/.test(key) ? `'${key}` : key).replace(/"/g, '""')}"`
}

const csvNumber = (n: number | null) => (n === null ? '' : String(n))

function csvLine(key: string, r: LatencyRow): string {
  const s = r.stages
  return [
    csvKey(key),
    ...[r.notifications, r.sent, r.acknowledged, r.onTime, r.onTimeRate].map(String),
    ...[r.policeToSentSeconds, r.policeToAcknowledgedSeconds].flatMap((p) => [p.p50, p.p90, p.p95, p.max].map(csvNumber)),
    ...[s.policeToReceived, s.receivedToSent, s.sentToAcknowledged].flatMap((p) => [p.p50, p.p90].map(csvNumber)),
  ].join(',')
}

/**
 * The report as one flat table: the overall row first with key `overall`, then the rows in report
 * order. A missing percentile (no data) is an empty cell; a row with no LA code has an empty key.
 */
export function latencyCsv(report: LatencyReport): string {
  const lines = [CSV_HEADER.join(','), csvLine('overall', report.overall), ...report.rows.map((r) => csvLine(r.key ?? '', r))]
  return lines.join('\r\n') + '\r\n'
}

export const csvFilename = (r: Pick<LatencyReport, 'from' | 'to' | 'groupBy'>) => `latency-${r.from}-${r.to}-${r.groupBy}.csv`
