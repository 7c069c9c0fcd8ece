// One rule for the dates the service believes: 1900-01-01 to 2100-12-31, four-digit years, and
// no closure longer than a school year.
import t from 'tap'
import {
  boundedDate,
  boundedInstant,
  closureAround,
  isInstantInBounds,
  longestClosure,
  MAX_CLOSURE_DAYS,
  plainDateProblem,
} from '../../src/domain/date-bounds.js'
import { addDays } from '../../src/domain/london-time.js'
import { MAX_SEARCH_DAYS } from '../../src/domain/school-calendar.js'

t.test('a date from 1900-01-01 to 2100-12-31 is accepted; anything else is refused, never misread', async (t) => {
  for (const ok of ['1900-01-01', '2016-05-04', '2024-02-29', '2100-12-31']) t.equal(plainDateProblem(ok), null, ok)
  for (const out of ['0000-01-01', '0026-01-01', '0099-12-31', '1899-12-31', '2101-01-01', '9999-12-31']) {
    t.match(plainDateProblem(out), /from 1900-01-01 to 2100-12-31/, `${out} is out of range (not 19${out.slice(2, 4)})`)
  }
  t.match(plainDateProblem('2026-02-30'), /exists/)
  t.match(plainDateProblem('2100-02-29'), /exists/, '2100 is not a leap year')
  for (const bad of ['26-01-01', '2026-1-1', '+02026-01-01', '2026-01-01T00:00:00Z', '', '１９９０-01-01']) t.match(plainDateProblem(bad), /YYYY-MM-DD/, bad)
})

t.test('an instant is in range from the first moment of 1900 to the last of 2100, UTC', async (t) => {
  t.ok(isInstantInBounds(new Date('1900-01-01T00:00:00Z')))
  t.ok(isInstantInBounds(new Date('2100-12-31T23:59:59.999Z')))
  t.notOk(isInstantInBounds(new Date('1899-12-31T23:59:59.999Z')))
  t.notOk(isInstantInBounds(new Date('2101-01-01T00:00:00Z')))
  t.notOk(isInstantInBounds(new Date('0026-11-20T22:14:00Z')))
  t.notOk(isInstantInBounds(new Date(NaN)))
})

t.test('the zod helpers refuse out-of-range values with a message naming the range', async (t) => {
  t.ok(boundedDate().safeParse('2026-11-20').success)
  t.match(boundedDate().safeParse('0026-11-20').error?.issues[0]?.message, /1900-01-01 to 2100-12-31/)
  t.equal(boundedDate('give a date').safeParse('yesterday').error?.issues[0]?.message, 'give a date')
  t.ok(boundedInstant().safeParse('2026-11-20T22:14:00+01:00').success)
  t.match(boundedInstant().safeParse('0026-11-20T22:14:00Z').error?.issues[0]?.message, /1900/)
  t.match(boundedInstant().safeParse('9999-12-31T23:59:59Z').error?.issues[0]?.message, /2100/)
  t.match(boundedInstant('give a time').safeParse('2026-11-20').error?.issues[0]?.message, 'give a time')
})

t.test('the longest closure joins the weekends between and around closed days', async (t) => {
  t.equal(longestClosure([]), null)
  // Friday 2026-12-18 closed, and Monday 21 to Friday 25: with both weekends, Sat 19 Dec .. Sun 27 Dec, plus Friday 18.
  const christmas = ['2026-12-18', '2026-12-21', '2026-12-22', '2026-12-23', '2026-12-24', '2026-12-25']
  t.same(longestClosure(christmas), { from: '2026-12-18', to: '2026-12-27', days: 10 })
  const year: string[] = []
  for (let d = '2027-01-01'; d <= '2027-12-31'; d = addDays(d, 1)) if (d !== '2027-06-16') year.push(d)
  t.same(longestClosure(year), { from: '2027-06-17', to: '2028-01-02', days: 200 }, 'one pupil day breaks the year in two; the weekend after counts')
  t.ok(longestClosure([...year, '2027-06-16'])!.days > MAX_CLOSURE_DAYS, 'the whole year (with the weekends around it) is too long')
})

t.test('closureAround follows days off either side, no further than needed to decide', async (t) => {
  const off = new Set(['2026-12-21', '2026-12-22', '2026-12-24'])
  const weekend = (d: string) => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay())
  const run = closureAround('2026-12-23', (d) => off.has(d) || weekend(d))
  t.same(run, { from: '2026-12-19', to: '2026-12-24', days: 6 }, 'Saturday 19 to Thursday 24: Friday 25 is not off here')
  const endless = closureAround('2026-06-01', () => true)
  t.equal(endless.days, 2 * (MAX_CLOSURE_DAYS + 1) + 1, 'stops once the answer is certain')
})

t.test('the calendar search outlasts the longest closure the doors accept', async (t) => {
  t.ok(MAX_SEARCH_DAYS > MAX_CLOSURE_DAYS + 7, 'a year-long closure plus the weekend and bank holidays beside it still has a pupil day after it')
})
