// Reads for the boards. Only counts, codes and durations leave this module: no child, no contact,
// no reference.
//
// How a report stays under a second over a year of a busy service (1,000,000 notifications; see
// bench/report-latency.ts and migrations/008_report_speed.sql):
//
// - The five durations are stored on each notification (generated columns: the very expressions
//   this report used to compute, so the same float8 values), and each grouping has a covering
//   index that holds its rows in group order. Rows are read index-only and already grouped: no
//   sort of a year of rows.
// - One statement, one snapshot: a UNION ALL whose branches each cover a slice of the groups (a
//   range of keys, a month, a weekday) and run whole in parallel workers (Parallel Append). Each
//   group's percentiles are PostgreSQL's own percentile_cont over that group's values.
// - The overall row would need every value of the range sorted five times. It is found by exact
//   rank selection instead: a sample (random row addresses) gives, for each percentile, a bracket
//   of two values that should hold its ranks; the branches count, per group, the values below
//   each bracket and return the (few) values inside it; summed over the groups, that places the
//   values at the exact ranks percentile_cont interpolates between, and they are interpolated the
//   way percentile_cont does (interpolatePercentile). A bracket that misses its ranks (±6 sampling
//   standard deviations: rare) sends that duration to percentile_cont over the whole range, in the
//   same snapshot. With too small a sample a duration's bracket is everything (small ranges).
//   Counts and maxima are the sums and maxima of the groups.
//
// The fast path leans on the heap's layout (row addresses; test/store/reports-store.test.ts fails if
// that changes). REPORTS_PLAIN_SQL=true computes the same figures by plain SQL instead
// (latencyReportReference, at the end of this module), relying on nothing of the layout.
import { addDays, weekdayOf } from '../domain/london-time.js'
import { interpolatePercentile, ISO_WEEKDAYS, onTimeRate, roundSeconds, secondsFromMicroseconds, sortRows, type GroupBy, type LatencyRow } from '../domain/latency.js'
import type { PoolClient } from 'pg'
import { withTransaction, type Db } from './db.js'

/** The five durations, in the order of the row: their stored column and the percentiles reported. */
const MEASURES = [
  { column: 'report_police_to_sent_us', ps: [0.5, 0.9, 0.95] },
  { column: 'report_police_to_ack_us', ps: [0.5, 0.9, 0.95] },
  { column: 'report_police_to_received_us', ps: [0.5, 0.9] },
  { column: 'report_received_to_sent_us', ps: [0.5, 0.9] },
  { column: 'report_sent_to_ack_us', ps: [0.5, 0.9] },
] as const

/** An open end of a bracket, in microseconds: beyond any duration (146,000 years), exact in a double and in an int8. */
const OPEN = 2 ** 62

/** Knobs for the benchmark and the tests; the defaults are what the service uses. */
export interface ReportTuning {
  /** Branches over the keys of force, la and school (each a range of keys). */
  keyParts: number
  /** Row addresses drawn for the sample (at most). */
  sampleAddresses: number
  /** Sampled values of a duration below which its bracket is everything. */
  minSample: number
  /** Half-width of a bracket, in sampling standard deviations. */
  bracketSigmas: number
  /** Told of each duration whose overall percentiles were computed directly because a bracket missed (for tests). */
  onMiss?: (duration: number) => void
}
export const DEFAULT_TUNING: ReportTuning = { keyParts: 3, sampleAddresses: 15_000, minSample: 2_000, bracketSigmas: 6 }

const KEY_COLUMN: Record<'force' | 'la' | 'school', string> = { force: 'force_code', la: 'la_code', school: 'urn' }

// Every statement selects on the London dates from $1 to $2 inclusive.
const IN_RANGE = `police_aware_at >= ($1::date)::timestamp AT TIME ZONE 'Europe/London'
               AND police_aware_at < (($2::date + 1)::timestamp AT TIME ZONE 'Europe/London')`

/** A group as a branch returns it: its key and two float8 arrays in binary form (see `aggregates`). */
type BranchRow = [key: string | null, nums: Buffer, vals: Buffer | null]

/** A group's figures, unpacked. */
interface GroupFigures {
  key: string | null
  n: number
  sent: number
  acknowledged: number
  on_time: number
  m: Percentiles[]
  m0_max: number | null
  m1_max: number | null
}

/** What the groups tell about the overall row, per duration: its values, those below each window, those inside. */
interface OverallParts {
  counts: number[]
  below: number[][]
  values: Doubles[]
}
type Percentiles = (number | null)[] | null

/** A range of values of one duration, (low, high], expected to hold the ranks of some of its percentiles. */
interface Window {
  low: number
  high: number
}

interface Sample {
  /** Per duration and percentile: the bracket (low, high] in microseconds, ±OPEN where open; everything when the sample is small. */
  brackets: [number, number][][]
  /** Cut points between key branches, in the database's order. */
  cuts: string[]
}

/** A small deterministic generator, so that a report draws the same row addresses each time. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * The most rows (line pointers) a heap page of `blockSize` bytes can hold: PostgreSQL's
 * MaxHeapTuplesPerPage, 291 for the usual 8 kB pages. A page header of 24 bytes, then per row a
 * 4-byte line pointer and at least a tuple header (23 bytes, aligned to 24). The sampler's
 * addresses rely on it; test/store/reports-store.test.ts packs empty rows into a page and fails
 * if PostgreSQL's layout ever differs.
 */
export function maxHeapTuplesPerPage(blockSize: number): number {
  const PAGE_HEADER = 24
  const LINE_POINTER = 4
  const TUPLE_HEADER = 24
  return Math.floor((blockSize - PAGE_HEADER) / (LINE_POINTER + TUPLE_HEADER))
}

/** Pages read whole to find the highest line pointer in use (see heapShape). */
const PAGES_MEASURED = 100

/**
 * The heap as the sampler sees it: its pages, and how many line pointers to draw from on each.
 * Not the average rows a page holds: a row updated in place (HOT: scheduled, sending, sent) takes a
 * new line pointer on its page, so live rows sit well past the page's live count. The highest line
 * pointer in use on about a hundred whole pages (TABLESAMPLE SYSTEM, every page when the table is
 * small), with a tenth more, and never more than a page can hold.
 */
export async function heapShape(client: PoolClient): Promise<{ pages: number; slots: number }> {
  const { rows } = await client.query<{ pages: number; block_size: number }>(
    `SELECT (pg_relation_size('notifications'::regclass) / current_setting('block_size')::int)::int AS pages,
            current_setting('block_size')::int AS block_size`,
  )
  const { pages, block_size } = rows[0]!
  const percent = pages <= PAGES_MEASURED ? 100 : (100 * PAGES_MEASURED) / pages
  const { rows: measured } = await client.query<{ highest: number | null }>(
    `SELECT max((ctid::text::point)[1])::int AS highest FROM notifications TABLESAMPLE SYSTEM ($1::float4) REPEATABLE (0)`,
    [percent],
  )
  const slots = Math.min(maxHeapTuplesPerPage(block_size), Math.max(8, Math.ceil((measured[0]?.highest ?? 40) * 1.1)))
  return { pages, slots }
}

/**
 * Row addresses to sample: every slot when the table is small, otherwise random pages and line
 * pointers. A uniform draw over (page, slot) is a uniform draw over rows; empty slots return
 * nothing. Unlike TABLESAMPLE SYSTEM, rows that share a page (neighbours in time) are not drawn
 * together, so the sample is as good as its size says.
 */
export async function sampleAddresses(client: PoolClient, tuning: ReportTuning): Promise<string[]> {
  const { pages, slots } = await heapShape(client)
  const tids: string[] = []
  if (pages * slots <= tuning.sampleAddresses) {
    for (let p = 0; p < pages; p++) for (let s = 1; s <= slots; s++) tids.push(`(${p},${s})`)
    return tids
  }
  const random = mulberry32(0x5eed)
  const seen = new Set<string>()
  while (seen.size < tuning.sampleAddresses) seen.add(`(${Math.floor(random() * pages)},${1 + Math.floor(random() * slots)})`)
  return [...seen]
}

/** The sample's brackets for each percentile and, for key groupings, the cut points between branches. */
async function takeSample(client: PoolClient, q: { from: string; to: string; groupBy: GroupBy }, tuning: ReportTuning): Promise<Sample> {
  const tids = await sampleAddresses(client, tuning)
  const keyColumn = q.groupBy === 'force' || q.groupBy === 'la' || q.groupBy === 'school' ? KEY_COLUMN[q.groupBy] : null
  const parts = keyColumn ? Math.max(1, tuning.keyParts) : 1
  const z = tuning.bracketSigmas
  // For percentile p of n sorted sample values, the values at ranks (p ∓ d)·n, d = z·√(p(1−p)/n) + 3/n
  // (1-based; open past either end). Small samples bracket everything.
  const bracket = (v: string, p: number) => {
    const n = `cardinality(${v})`
    const d = `(${z}::float8 * sqrt(${p}::float8 * (1 - ${p}::float8) / ${n}) + 3.0 / ${n})`
    const lo = `floor((${p}::float8 - ${d}) * ${n})::int`
    const hi = `ceil((${p}::float8 + ${d}) * ${n})::int + 1`
    return `CASE WHEN ${n} < ${tuning.minSample} OR ${lo} < 1 THEN ${-OPEN} ELSE ${v}[${lo}] END,
            CASE WHEN ${n} < ${tuning.minSample} OR ${hi} > ${n} THEN ${OPEN} ELSE ${v}[${hi}] END`
  }
  const cutFractions = Array.from({ length: parts - 1 }, (_, i) => (i + 1) / parts)
  // The planner prices each address as a random page read and would rather scan an index; the
  // addresses are what makes the sample cheap (and the pages are mostly in memory).
  await client.query('SET LOCAL enable_indexscan = off; SET LOCAL enable_indexonlyscan = off')
  // pg reads int8[] as strings: the brackets are made numbers before anything compares them
  // ('10000000' < '9000000' as text, and windows that overlap would not be merged).
  const { rows } = await client.query<{ brackets: string[]; cuts: string[] | null }>(
    `WITH s AS MATERIALIZED (
       SELECT ${keyColumn ?? 'NULL::text'} AS key, ${MEASURES.map((m, i) => `${m.column} AS v${i}`).join(', ')}
         FROM notifications WHERE ctid = ANY ($3::tid[]) AND ${IN_RANGE}
     ), a AS (
       SELECT ${MEASURES.map((_, i) => `coalesce(array_agg(v${i} ORDER BY v${i}) FILTER (WHERE v${i} IS NOT NULL), '{}') AS v${i}`).join(', ')},
              ${cutFractions.length ? `percentile_disc('{${cutFractions.join(',')}}'::float8[]) WITHIN GROUP (ORDER BY key)` : `NULL::text[]`} AS cuts
         FROM s
     )
     SELECT ARRAY[${MEASURES.flatMap((m, i) => m.ps.map((p) => bracket(`v${i}`, p))).join(',\n            ')}]::int8[] AS brackets, cuts
       FROM a`,
    [q.from, q.to, tids],
  )
  await client.query('SET LOCAL enable_indexscan = on; SET LOCAL enable_indexonlyscan = on')
  const r = rows[0]!
  let at = 0
  const bounds = r.brackets.map(Number)
  const brackets = MEASURES.map((m) => m.ps.map((): [number, number] => [bounds[at++]!, bounds[at++]!]))
  // Equal neighbours would make an empty branch; the database returns the cuts in its own order.
  const cuts = (r.cuts ?? []).filter((c, i, all) => i === 0 || c !== all[i - 1])
  return { brackets, cuts }
}

/** Each duration's brackets, sorted and merged where they overlap, so that no value is returned twice. */
function windowsOf(sample: Sample): Window[][] {
  return MEASURES.map((_, measure) => {
    const sorted = [...sample.brackets[measure]!].sort((a, b) => a[0] - b[0])
    const merged: Window[] = []
    for (const [low, high] of sorted) {
      const last = merged.at(-1)
      if (last && low < last.high) last.high = Math.max(last.high, high)
      else merged.push({ low, high })
    }
    return merged
  })
}

interface Plan {
  sql: string
  params: unknown[]
  windows: Window[][]
}

/** A statement's parameters as they are added: each call returns its placeholder, cast to `type`. */
type Param = (v: unknown, type: string) => string

function parameters(first: unknown[]): { params: unknown[]; param: Param } {
  const params = [...first]
  return {
    params,
    param: (v, type) => {
      params.push(v)
      return `$${params.length}::${type}`
    },
  }
}

/**
 * Step 1: what a branch returns for each group, as select-list expressions: two float8 arrays,
 * sent as bytea (array_send: pg reads bytea losslessly, and the bytes are quick to read).
 * nums: notifications, on time; then per duration: how many values; for each percentile the
 * values at ranks ⌊p·(n−1)⌋ and ⌈p·(n−1)⌉ (0-based); its largest value; and for each window
 * (low, high]: how many values ≤ low (binary search in the sorted array) and how many inside.
 * vals: the values inside the windows, duration by duration, window by window.
 */
function groupAggregates(windows: Window[][], param: Param): string {
  // Each group's values of each duration, sorted (one sort per group and duration, as
  // percentile_cont does it); everything else is read off these arrays. The same aggregate call
  // written many times is computed once.
  const sorted = (i: number) => {
    const c = MEASURES[i]!.column
    return `(array_agg(${c} ORDER BY ${c}) FILTER (WHERE ${c} IS NOT NULL))`
  }
  const size = (i: number) => `coalesce(cardinality(${sorted(i)}), 0)`
  const nums: string[] = ['count(*)', 'count(*) FILTER (WHERE report_on_time)']
  const vals: string[] = []
  MEASURES.forEach((m, i) => {
    const a = sorted(i)
    const n = size(i)
    nums.push(n)
    for (const p of m.ps) nums.push(`${a}[floor(${p}::float8 * (${n} - 1))::int + 1]`, `${a}[ceil(${p}::float8 * (${n} - 1))::int + 1]`)
    nums.push(`${a}[${n}]`)
    for (const w of windows[i]!) {
      const below = `coalesce(width_bucket(${param(w.low, 'int8')}, ${a}), 0)`
      const upto = `coalesce(width_bucket(${param(w.high, 'int8')}, ${a}), 0)`
      nums.push(below, `${upto} - ${below}`)
      // NULL rather than an empty slice: concatenating NULL costs nothing.
      vals.push(`CASE WHEN ${upto} > ${below} THEN ${a}[${below} + 1:${upto}] END`)
    }
  })
  // Microseconds are exact in a float8 (below 2^53, 285 years).
  return `array_send(ARRAY[${nums.join(',\n             ')}]::float8[]) AS nums,
       array_send((${vals.join('\n       || ')})::float8[]) AS vals`
}

/** Step 2a (force, la, school): one branch per range of keys between the sample's cut points. */
function keyBranches(groupBy: 'force' | 'la' | 'school', cuts: string[], aggregates: string, param: Param): string[] {
  const key = KEY_COLUMN[groupBy]
  const bounds = [null, ...cuts, null]
  const branches: string[] = []
  for (let i = 0; i + 1 < bounds.length; i++) {
    const lo = bounds[i]
    const hi = bounds[i + 1]
    const conds = [lo !== null ? `${key} >= ${param(lo, 'text')}` : `${key} IS NOT NULL`, ...(hi !== null ? [`${key} < ${param(hi, 'text')}`] : [])]
    branches.push(`SELECT ${key}::text AS key, ${aggregates}
  FROM notifications WHERE ${IN_RANGE} AND ${conds.join(' AND ')}
 GROUP BY ${key}`)
  }
  if (groupBy === 'la') {
    branches.push(`SELECT NULL::text AS key, ${aggregates}
  FROM notifications WHERE ${IN_RANGE} AND la_code IS NULL
 HAVING count(*) > 0`)
  }
  return branches
}

/** Step 2b (month, weekday): the London days of the range, labelled; one branch a label. */
function calendarBranches(q: { from: string; to: string; groupBy: 'month' | 'weekday' }, aggregates: string, param: Param): string[] {
  const groups = new Map<string, string[]>()
  for (let day = q.from; day <= q.to; day = addDays(day, 1)) {
    const label = q.groupBy === 'month' ? day.slice(0, 7) : ISO_WEEKDAYS[(weekdayOf(day) + 6) % 7]!
    groups.set(label, [...(groups.get(label) ?? []), day])
  }
  return [...groups].map(([label, days]) => {
    const key = param(label, 'text')
    if (q.groupBy === 'month') {
      // A month is one run of days.
      const first = param(days[0], 'date')
      const last = param(days.at(-1), 'date')
      return `SELECT ${key} AS key, ${aggregates}
  FROM notifications
 WHERE police_aware_at >= (${first})::timestamp AT TIME ZONE 'Europe/London'
   AND police_aware_at < ((${last} + 1)::timestamp AT TIME ZONE 'Europe/London')
   AND ${IN_RANGE}
 HAVING count(*) > 0`
    }
    const list = param(days, 'date[]')
    return `SELECT ${key} AS key, ${aggregates}
  FROM unnest(${list}) AS d(day)
  JOIN notifications ON police_aware_at >= d.day::timestamp AT TIME ZONE 'Europe/London'
                    AND police_aware_at < (d.day + 1)::timestamp AT TIME ZONE 'Europe/London'
 WHERE ${IN_RANGE}
 HAVING count(*) > 0`
  })
}

/** The branches for one report, as one statement: the windows, each group's aggregates, the branches, their union. */
function planReport(q: { from: string; to: string; groupBy: GroupBy }, sample: Sample): Plan {
  const { params, param } = parameters([q.from, q.to])
  const windows = windowsOf(sample)
  const aggregates = groupAggregates(windows, param)
  const branches =
    q.groupBy === 'month' || q.groupBy === 'weekday'
      ? calendarBranches({ ...q, groupBy: q.groupBy }, aggregates, param)
      : keyBranches(q.groupBy, sample.cuts, aggregates, param)
  return { sql: `SELECT * FROM (\n${branches.join('\nUNION ALL\n')}\n) branches`, params, windows }
}

function toRow(key: string | null, r: { n: number; sent: number; acknowledged: number; on_time: number; m: Percentiles[]; m0_max: number | null; m1_max: number | null }): LatencyRow {
  const q = (a: Percentiles, i: number) => roundSeconds(a?.[i])
  const [m0, m1, m2, m3, m4] = r.m as [Percentiles, Percentiles, Percentiles, Percentiles, Percentiles]
  return {
    key,
    notifications: r.n,
    sent: r.sent,
    acknowledged: r.acknowledged,
    onTime: r.on_time,
    onTimeRate: onTimeRate(r.on_time, r.n),
    policeToSentSeconds: { p50: q(m0, 0), p90: q(m0, 1), p95: q(m0, 2), max: roundSeconds(r.m0_max) },
    policeToAcknowledgedSeconds: { p50: q(m1, 0), p90: q(m1, 1), p95: q(m1, 2), max: roundSeconds(r.m1_max) },
    stages: {
      policeToReceived: { p50: q(m2, 0), p90: q(m2, 1) },
      receivedToSent: { p50: q(m3, 0), p90: q(m3, 1) },
      sentToAcknowledged: { p50: q(m4, 0), p90: q(m4, 1) },
    },
  }
}

/**
 * The elements of a float8[] in binary form (NaN for NULL): ndim, has-nulls flag, element type; per
 * dimension its length and lower bound; then per element its length (−1 for NULL) and 8 bytes,
 * big-endian.
 */
function readFloat8Array(b: Buffer): Float64Array {
  const d = new DataView(b.buffer, b.byteOffset, b.byteLength)
  const ndim = d.getInt32(0)
  const out = new Float64Array(ndim === 0 ? 0 : d.getInt32(12))
  let at = 12 + 8 * ndim
  for (let k = 0; k < out.length; k++) {
    if (d.getInt32(at) < 0) {
      out[k] = Number.NaN
      at += 4
    } else {
      out[k] = d.getFloat64(at + 4)
      at += 12
    }
  }
  return out
}

/**
 * A branch's row (the layout is described where `aggregates` builds it) into its group's figures;
 * the group's share of the overall row goes to `parts`.
 */
function unpack([key, numsBytes, valsBytes]: BranchRow, windows: Window[][], parts: OverallParts): GroupFigures {
  const nums = readFloat8Array(numsBytes)
  const vals = valsBytes === null ? new Float64Array(0) : readFloat8Array(valsBytes)
  const orNull = (v: number) => (Number.isNaN(v) ? null : v)
  let k = 0
  const figures: GroupFigures = { key, n: nums[k++]!, sent: 0, acknowledged: 0, on_time: nums[k++]!, m: [], m0_max: null, m1_max: null }
  let v = 0
  for (let i = 0; i < MEASURES.length; i++) {
    const count = nums[k++]!
    parts.counts[i] = parts.counts[i]! + count
    const ps: (number | null)[] = []
    for (const p of MEASURES[i]!.ps) {
      const low = orNull(nums[k++]!)
      const high = orNull(nums[k++]!)
      ps.push(low === null || high === null ? null : interpolatePercentile(p, count, secondsFromMicroseconds(low), secondsFromMicroseconds(high)))
    }
    figures.m[i] = count === 0 ? null : ps
    const maxUs = orNull(nums[k++]!)
    const max = maxUs === null ? null : secondsFromMicroseconds(maxUs)
    // Sent and acknowledged are the notifications with a police-to-sent and a police-to-acknowledged time.
    if (i === 0) [figures.sent, figures.m0_max] = [count, max]
    if (i === 1) [figures.acknowledged, figures.m1_max] = [count, max]
    const below = parts.below[i]!
    for (let j = 0; j < windows[i]!.length; j++) {
      below[j] = below[j]! + nums[k++]!
      for (let inside = nums[k++]!; inside > 0; inside--) parts.values[i]!.push(vals[v++]!)
    }
  }
  return figures
}

/** A growing array of doubles. */
class Doubles {
  private data = new Float64Array(1024)
  length = 0
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(2 * this.data.length)
      bigger.set(this.data)
      this.data = bigger
    }
    this.data[this.length++] = v
  }
  sorted(): Float64Array {
    return this.data.subarray(0, this.length).sort()
  }
}

/** How many of the sorted values are ≤ x. */
function countUpTo(sorted: Float64Array, x: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * The overall percentiles from the groups' windows: for each duration, the values below each of
 * its windows and the sorted values inside; 'missed' where a percentile's ranks fall outside.
 */
function overallPercentiles(parts: OverallParts, windows: Window[][]): (Percentiles | 'missed')[] {
  return MEASURES.map((m, i) => {
    const n = parts.counts[i]!
    if (n === 0) return null
    const below = parts.below[i]!
    // The returned values sorted; window j, (low, high], is a run of them.
    const all = parts.values[i]!.sorted()
    const inside = windows[i]!.map((w) => all.subarray(countUpTo(all, w.low), countUpTo(all, w.high)))
    const out: number[] = []
    for (const p of m.ps) {
      const lo = Math.floor(p * (n - 1))
      const hi = Math.ceil(p * (n - 1))
      const j = inside.findIndex((vs, j) => below[j]! <= lo && hi < below[j]! + vs.length)
      if (j < 0) return 'missed'
      const b = below[j]!
      out.push(interpolatePercentile(p, n, secondsFromMicroseconds(inside[j]![lo - b]!), secondsFromMicroseconds(inside[j]![hi - b]!)))
    }
    return out
  })
}

// Read-only, one snapshot for the sample, the branches and any fallback. Parallel workers take
// whole branches (no parallel scans inside one), and rows come from the covering indexes in group
// order, never from a sort. JIT compilation costs more than it saves on these statements.
async function inReportTransaction<T>(db: Db, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return withTransaction(db, async (client) => {
    // One round trip (no parameters, so the simple protocol takes several statements).
    await client.query(`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;
      SET LOCAL work_mem = '64MB'; SET LOCAL jit = off;
      SET LOCAL min_parallel_table_scan_size = '64GB'; SET LOCAL min_parallel_index_scan_size = '64GB';
      SET LOCAL parallel_setup_cost = 100;
      SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off`)
    return fn(client)
  })
}

async function planFor(client: PoolClient, q: { from: string; to: string; groupBy: GroupBy }, tuning: ReportTuning): Promise<Plan> {
  return planReport(q, await takeSample(client, q, tuning))
}

export interface ReportPath {
  /** The plain-SQL report (latencyReportReference) instead of the fast path: REPORTS_PLAIN_SQL. */
  plainSql?: boolean | undefined
  /** The fast path's knobs (tests and the benchmark). */
  tuning?: ReportTuning | undefined
}

/**
 * Delivery latency for notifications whose police-aware instant falls on a London date from
 * `from` to `to` inclusive, grouped by `groupBy`, plus the overall row (key null). The same
 * figures by either path (test/store/reports-store.test.ts): the fast path unless `plainSql`.
 */
export async function latencyReport(
  db: Db,
  q: { from: string; to: string; groupBy: GroupBy; filter?: ReportFilter | undefined },
  path: ReportPath = {},
): Promise<{ overall: LatencyRow; rows: LatencyRow[] }> {
  // One LA's or force's figures are a small share of the year: the plain query over them is exact
  // and quick, and the fast path's covering indexes are laid out for the whole range.
  return path.plainSql || q.filter?.la || q.filter?.force ? latencyReportReference(db, q) : fastLatencyReport(db, q, path.tuning ?? DEFAULT_TUNING)
}

/** The dashboard's narrowing to one local authority or one force (either may be absent). */
export interface ReportFilter {
  la?: string | undefined
  force?: string | undefined
}

/** The fast path: sample, branches in parallel, exact rank selection for the overall row. */
async function fastLatencyReport(db: Db, q: { from: string; to: string; groupBy: GroupBy }, tuning: ReportTuning): Promise<{ overall: LatencyRow; rows: LatencyRow[] }> {
  return inReportTransaction(db, async (client) => {
    const plan = await planFor(client, q, tuning)
    const parts: OverallParts = { counts: MEASURES.map(() => 0), below: plan.windows.map((ws) => ws.map(() => 0)), values: MEASURES.map(() => new Doubles()) }
    const { rows } = await client.query<BranchRow>({ text: plan.sql, values: plan.params, rowMode: 'array' })
    const groups = rows.map((r) => unpack(r, plan.windows, parts))
    const percentiles = overallPercentiles(parts, plan.windows)
    // A bracket that missed its ranks: that duration over the whole range, directly.
    for (const [i, p] of percentiles.entries()) {
      if (p !== 'missed') continue
      tuning.onMiss?.(i)
      const m = MEASURES[i]!
      const { rows } = await client.query<{ n: number; at: number[] }>(
        `SELECT n, ARRAY[${m.ps.map((p) => `a[floor(${p}::float8 * (n - 1))::int + 1], a[ceil(${p}::float8 * (n - 1))::int + 1]`).join(', ')}]::float8[] AS at
           FROM (SELECT array_agg(${m.column} ORDER BY ${m.column}) FILTER (WHERE ${m.column} IS NOT NULL) AS a FROM notifications WHERE ${IN_RANGE}) s,
                LATERAL (SELECT coalesce(cardinality(a), 0) AS n) c`,
        [q.from, q.to],
      )
      const { n, at } = rows[0]!
      percentiles[i] = n === 0 ? null : m.ps.map((p, j) => interpolatePercentile(p, n, secondsFromMicroseconds(at[2 * j]!), secondsFromMicroseconds(at[2 * j + 1]!)))
    }
    const sum = (f: (r: GroupFigures) => number) => groups.reduce((s, r) => s + f(r), 0)
    const max = (f: (r: GroupFigures) => number | null) =>
      groups.reduce<number | null>((m, r) => (f(r) === null ? m : m === null ? f(r) : Math.max(m, f(r)!)), null)
    const overall = toRow(null, {
      n: sum((r) => r.n),
      sent: sum((r) => r.sent),
      acknowledged: sum((r) => r.acknowledged),
      on_time: sum((r) => r.on_time),
      m: percentiles as Percentiles[],
      m0_max: max((r) => r.m0_max),
      m1_max: max((r) => r.m1_max),
    })
    return { overall, rows: sortRows(q.groupBy, groups.map((g) => toRow(g.key, g))) }
  })
}

/** The plan Postgres runs for a report, with timings and buffers: for the benchmark and for operators. */
export async function explainLatencyReport(db: Db, q: { from: string; to: string; groupBy: GroupBy }, tuning: ReportTuning = DEFAULT_TUNING): Promise<string> {
  return inReportTransaction(db, async (client) => {
    const plan = await planFor(client, q, tuning)
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${plan.sql}`, plan.params)
    return rows.map((r) => r['QUERY PLAN']).join('\n')
  })
}

// The plain-SQL path, as the report was first written: one statement, GROUPING SETS,
// percentile_cont over durations computed from the timestamps. It relies on nothing of the heap's
// layout or the sampler; slow (every value sorted in one process: seconds at a million rows).
// REPORTS_PLAIN_SQL=true makes the service use it; it is the definition the fast path is held to
// by test/e2e/reports.test.ts, test/store/reports-store.test.ts and bench/report-latency.ts
// (BENCH_VERIFY=1).
const REFERENCE_GROUPINGS: Record<GroupBy, { group: string; label: string }> = {
  force: { group: 'force_code COLLATE "C"', label: 'key' },
  la: { group: 'la_code COLLATE "C"', label: 'key' },
  school: { group: 'urn COLLATE "C"', label: 'key' },
  month: { group: `date_trunc('month', police_aware_at, 'Europe/London')`, label: `to_char(key AT TIME ZONE 'Europe/London', 'YYYY-MM')` },
  weekday: {
    group: `date_part('isodow', police_aware_at AT TIME ZONE 'Europe/London')`,
    label: `(ARRAY[${ISO_WEEKDAYS.map((d) => `'${d}'`).join(', ')}])[key::int]`,
  },
}

const referenceSql = (groupBy: GroupBy) => `
  WITH selected AS (
    SELECT ${REFERENCE_GROUPINGS[groupBy].group} AS key,
           sent_at IS NOT NULL AS is_sent,
           acknowledged_at IS NOT NULL AS is_acknowledged,
           sent_at <= due_by AS is_on_time,
           date_part('epoch', sent_at - police_aware_at) AS police_to_sent,
           date_part('epoch', acknowledged_at - police_aware_at) AS police_to_ack,
           date_part('epoch', received_at - police_aware_at) AS police_to_received,
           date_part('epoch', sent_at - received_at) AS received_to_sent,
           date_part('epoch', acknowledged_at - sent_at) AS sent_to_ack
      FROM notifications
     WHERE police_aware_at >= ($1::date)::timestamp AT TIME ZONE 'Europe/London'
       AND police_aware_at < (($2::date + 1)::timestamp AT TIME ZONE 'Europe/London')
       AND ($3::text IS NULL OR la_code = $3) AND ($4::text IS NULL OR force_code = $4)
  )
  SELECT GROUPING(key) = 1 AS is_overall,
         ${REFERENCE_GROUPINGS[groupBy].label} AS key,
         count(*) AS n,
         count(*) FILTER (WHERE is_sent) AS sent,
         count(*) FILTER (WHERE is_acknowledged) AS acknowledged,
         count(*) FILTER (WHERE is_on_time) AS on_time,
         percentile_cont(ARRAY[0.5, 0.9, 0.95]) WITHIN GROUP (ORDER BY police_to_sent) AS m0,
         max(police_to_sent) AS m0_max,
         percentile_cont(ARRAY[0.5, 0.9, 0.95]) WITHIN GROUP (ORDER BY police_to_ack) AS m1,
         max(police_to_ack) AS m1_max,
         percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY police_to_received) AS m2,
         percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY received_to_sent) AS m3,
         percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY sent_to_ack) AS m4
    FROM selected
   GROUP BY GROUPING SETS ((key), ())`

interface ReferenceRow {
  is_overall: boolean
  key: string | null
  n: number
  sent: number
  acknowledged: number
  on_time: number
  m0: Percentiles
  m1: Percentiles
  m2: Percentiles
  m3: Percentiles
  m4: Percentiles
  m0_max: number | null
  m1_max: number | null
}

/** The same report by the reference definition above (seconds per report at a million rows). */
export async function latencyReportReference(db: Db, q: { from: string; to: string; groupBy: GroupBy; filter?: ReportFilter | undefined }): Promise<{ overall: LatencyRow; rows: LatencyRow[] }> {
  return withTransaction(db, async (client) => {
    await client.query('SET TRANSACTION READ ONLY')
    await client.query(`SET LOCAL work_mem = '64MB'`)
    const { rows } = await client.query<ReferenceRow>(referenceSql(q.groupBy), [q.from, q.to, q.filter?.la ?? null, q.filter?.force ?? null])
    const row = (r: ReferenceRow, key: string | null) => toRow(key, { ...r, m: [r.m0, r.m1, r.m2, r.m3, r.m4] })
    const overall = rows.find((r) => r.is_overall)
    return {
      overall: overall ? row(overall, null) : toRow(null, { n: 0, sent: 0, acknowledged: 0, on_time: 0, m: [null, null, null, null, null], m0_max: null, m1_max: null }),
      rows: sortRows(q.groupBy, rows.filter((r) => !r.is_overall).map((r) => row(r, r.key))),
    }
  })
}
