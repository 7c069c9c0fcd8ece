// The latency report's pure rules: ranges, ordering, rounding, the CSV form, and the percentile
// definition the tests hold Postgres to.
import fc from 'fast-check'
import t from 'tap'
import {
  checkReportRange,
  csvFilename,
  interpolatePercentile,
  ISO_WEEKDAYS,
  latencyCsv,
  onTimeRate,
  percentileCont,
  roundSeconds,
  sortRows,
  type LatencyRow,
} from '../../src/domain/latency.js'

t.test('percentileCont interpolates linearly between ranks, as percentile_cont does', async (t) => {
  t.equal(percentileCont([60, 120, 300], 0.5), 120, 'p50 of [60,120,300]: position 1 → 120')
  t.equal(percentileCont([300, 60, 120], 0.5), 120, 'input order does not matter')
  t.equal(percentileCont([60, 120, 300], 0.9), 120 + 0.8 * 180, 'p90: position 1.8 → 120 + 0.8·180 = 264')
  t.equal(roundSeconds(percentileCont([60, 120, 300], 0.9)), 264)
  t.equal(percentileCont([10, 20, 30, 40], 0.5), 25, 'an even count averages the middle two')
  t.equal(percentileCont([42], 0.95), 42, 'one value is every percentile of itself')
  t.equal(percentileCont([1, 2], 0), 1)
  t.equal(percentileCont([1, 2], 1), 2)
  t.equal(percentileCont([], 0.5), null, 'no values, no percentile')
  t.throws(() => percentileCont([1], 1.5))
  t.throws(() => percentileCont([1], Number.NaN))
})

t.test('interpolatePercentile: the last step of percentile_cont, from the values at the two ranks', async (t) => {
  // [60, 120, 300], p90: position 1.8 between 120 (rank 1) and 300 (rank 2).
  t.equal(interpolatePercentile(0.9, 3, 120, 300), 120 + 0.8 * 180)
  t.equal(interpolatePercentile(0.5, 3, 120, 120), 120, 'an exact rank is the value itself')
  t.equal(interpolatePercentile(0.5, 4, 20, 30), 25)
  t.equal(interpolatePercentile(0.95, 1, 42, 42), 42)
  fc.assert(
    fc.property(fc.array(fc.double({ min: -1e7, max: 1e7, noNaN: true }), { minLength: 1, maxLength: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (values, p) => {
      const sorted = [...values].sort((a, b) => a - b)
      const pos = p * (sorted.length - 1)
      return Object.is(interpolatePercentile(p, sorted.length, sorted[Math.floor(pos)]!, sorted[Math.ceil(pos)]!), percentileCont(values, p))
    }),
  )
})

t.test('percentileCont stays within the data and never decreases as p grows', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 50 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (values, a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a]
      const x = percentileCont(values, lo)!
      const y = percentileCont(values, hi)!
      return Math.min(...values) <= x && x <= y + 1e-9 && y <= Math.max(...values)
    }),
  )
  t.pass('property holds')
})

t.test('a report covers from..to inclusive, at most three years', async (t) => {
  t.same(checkReportRange('2026-03-01', '2026-03-01'), [], 'one day')
  t.same(checkReportRange('2023-01-01', '2025-12-31'), [], 'exactly three years')
  t.match(checkReportRange('2023-01-01', '2026-01-01'), [{ path: '/query/to', message: /3 years.*2025-12-31/ }])
  t.match(checkReportRange('2026-04-30', '2026-03-01'), [{ path: '/query/to', message: 'must not be before from' }])
  t.same(checkReportRange('2024-02-29', '2027-02-28'), [], 'from a leap day: up to the day before 1 March three years on')
  t.equal(checkReportRange('2024-02-29', '2027-03-01').length, 1)
})

const r = (key: string | null) => ({ key })

t.test('weekdays run Monday to Sunday; everything else by key, a missing key last', async (t) => {
  const shuffled = ['Sunday', 'Wednesday', 'Monday', 'Saturday', 'Friday', 'Tuesday', 'Thursday'].map(r)
  t.same(sortRows('weekday', shuffled).map((x) => x.key), [...ISO_WEEKDAYS])
  t.same(sortRows('la', [r('808'), r(null), r('391'), r('805')]).map((x) => x.key), ['391', '805', '808', null])
  t.same(sortRows('month', [r('2026-04'), r('2025-12'), r('2026-03')]).map((x) => x.key), ['2025-12', '2026-03', '2026-04'])
  t.same(sortRows('force', [r('west-yorkshire'), r('cleveland'), r('avon-and-somerset')]).map((x) => x.key), ['avon-and-somerset', 'cleveland', 'west-yorkshire'])
  const input = [r('b'), r('a')]
  sortRows('school', input)
  t.same(input.map((x) => x.key), ['b', 'a'], 'the input is left alone')
})

t.test('on-time rate to four decimals; seconds to the millisecond', async (t) => {
  t.equal(onTimeRate(6, 7), 0.8571, '6/7 = 0.857142…')
  t.equal(onTimeRate(2, 3), 0.6667)
  t.equal(onTimeRate(0, 0), 0, 'no notifications, rate 0')
  t.equal(onTimeRate(5, 5), 1)
  t.equal(roundSeconds(264.00000000000006), 264)
  t.equal(roundSeconds(90.12345), 90.123)
  t.equal(roundSeconds(null), null)
  t.equal(roundSeconds(undefined), null)
})

const emptyRow = (key: string | null, n = 0): LatencyRow => ({
  key,
  notifications: n,
  sent: 0,
  acknowledged: 0,
  onTime: 0,
  onTimeRate: 0,
  policeToSentSeconds: { p50: null, p90: null, p95: null, max: null },
  policeToAcknowledgedSeconds: { p50: null, p90: null, p95: null, max: null },
  stages: { policeToReceived: { p50: 60, p90: 90.5 }, receivedToSent: { p50: null, p90: null }, sentToAcknowledged: { p50: null, p90: null } },
})

t.test('CSV: header, overall first, empty cells for missing values, formulas neutralised', async (t) => {
  const csv = latencyCsv({ from: '2026-01-01', to: '2026-01-31', groupBy: 'la', overall: emptyRow(null, 3), rows: [emptyRow('808', 2), emptyRow('=1+1', 1), emptyRow(null, 0)] })
  const lines = csv.split('\r\n')
  t.equal(lines[0]!.split(',').length, 20, 'twenty columns')
  t.match(lines[0], /^key,notifications,sent,acknowledged,onTime,onTimeRate,policeToSent_p50,/)
  t.equal(lines[1], '"overall",3,0,0,0,0,,,,,,,,,60,90.5,,,,')
  t.equal(lines[2], '"808",2,0,0,0,0,,,,,,,,,60,90.5,,,,')
  t.match(lines[3], /^"'=1\+1",/, 'a key that looks like a formula is defused')
  t.match(lines[4], /^"",0,/, 'a missing key is an empty cell')
  t.equal(lines.at(-1), '', 'ends with a line break')
  t.equal(csvFilename({ from: '2026-01-01', to: '2026-01-31', groupBy: 'la' }), 'latency-2026-01-01-2026-01-31-la.csv')
})
