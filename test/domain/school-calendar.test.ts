// Deadlines for a Sheffield school, built from the real GOV.UK bank-holiday feed and Sheffield's real
// 2025-28 term dates. Every expected value below was worked out by hand from those files (and the
// UK clock-change dates: BST 30 Mar–26 Oct 2025, 29 Mar–25 Oct 2026, 28 Mar–31 Oct 2027,
// 26 Mar–29 Oct 2028), never from the code under test. Reports are written in local time with
// their offset; expected deadlines in UTC, so an 08:30 deadline reads 08:30Z in GMT and 07:30Z in BST.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { parseGovUkBankHolidays } from '../../src/domain/bank-holidays.js'
import { parseTermDates } from '../../src/domain/term-dates.js'
import { addDays, formatHhmm, isPlainDate, londonDateOf, londonInstant, londonWallClock, parseHhmm, weekdayOf } from '../../src/domain/london-time.js'
import {
  DEFAULT_DAY_STARTS_AT,
  DEFAULT_REMINDER_LEAD_MINUTES,
  MAX_SEARCH_DAYS,
  computeDueBy,
  isHolidayGap,
  isPupilDay,
  makeSchoolCalendar,
  nextPupilDay,
  planDelivery,
  reminderAt,
  type SchoolCalendar,
} from '../../src/domain/school-calendar.js'

const read = (rel: string): string => readFileSync(new URL(`../../data/${rel}`, import.meta.url), 'utf8')
const bankHolidays = parseGovUkBankHolidays(JSON.parse(read('bank-holidays.json'))).map((b) => b.date)
const laClosures = parseTermDates('sheffield-term-dates.json', read('term-dates/sheffield-term-dates.json')).closures.map((c) => c.date)

interface SchoolOpts {
  start?: string
  inset?: string[]
  open?: string[]
}

function sheffieldSchool(o: SchoolOpts = {}): SchoolCalendar {
  return makeSchoolCalendar({
    dayStartsAt: o.start,
    bankHolidays,
    closedDates: [...laClosures, ...(o.inset ?? [])],
    openDates: o.open,
  })
}

interface Case extends SchoolOpts {
  name: string
  aware: string
  due: string
}

// prettier-ignore
const cases: Case[] = [
  // ordinary term days
  { name: '03:00 GMT on a school day is due 08:30 that same morning', aware: '2026-01-14T03:00:00+00:00', due: '2026-01-14T08:30:00Z' },
  { name: '10:00 GMT on a school day is due 08:30 the next pupil day', aware: '2026-01-14T10:00:00+00:00', due: '2026-01-15T08:30:00Z' },
  { name: '03:00 BST on a school day is due 08:30 BST (07:30Z) that same morning', aware: '2026-06-17T03:00:00+01:00', due: '2026-06-17T07:30:00Z' },
  { name: '10:00 BST on a school day is due 08:30 BST the next pupil day', aware: '2026-06-17T10:00:00+01:00', due: '2026-06-18T07:30:00Z' },
  { name: 'one minute before the start (08:29 GMT) is due that morning', aware: '2026-01-06T08:29:00+00:00', due: '2026-01-06T08:30:00Z' },
  { name: 'one millisecond before the start is still due that morning', aware: '2026-01-06T08:29:59.999+00:00', due: '2026-01-06T08:30:00Z' },
  { name: 'exactly at the start (08:30:00 GMT) is due the next pupil day', aware: '2026-01-06T08:30:00+00:00', due: '2026-01-07T08:30:00Z' },
  { name: 'one minute before the start in BST (08:29 BST) is due that morning', aware: '2026-06-10T08:29:00+01:00', due: '2026-06-10T07:30:00Z' },
  { name: 'exactly at the start in BST (08:30 BST) is due the next pupil day', aware: '2026-06-10T08:30:00+01:00', due: '2026-06-11T07:30:00Z' },
  { name: 'Friday 10:00 in term is due Monday', aware: '2026-06-12T10:00:00+01:00', due: '2026-06-15T07:30:00Z' },
  { name: 'Friday night is due Monday 08:30', aware: '2026-01-09T22:00:00+00:00', due: '2026-01-12T08:30:00Z' },
  { name: 'Saturday afternoon is due Monday 08:30', aware: '2026-01-10T15:00:00+00:00', due: '2026-01-12T08:30:00Z' },
  { name: 'Sunday 23:59 GMT is due Monday 08:30', aware: '2026-01-11T23:59:00+00:00', due: '2026-01-12T08:30:00Z' },
  { name: 'Sunday 23:59 BST (22:59Z) is due Monday 08:30 BST', aware: '2026-06-14T23:59:00+01:00', due: '2026-06-15T07:30:00Z' },
  { name: 'Monday 00:30 BST (still Sunday in UTC) is a Monday report, due that morning', aware: '2026-06-15T00:30:00+01:00', due: '2026-06-15T07:30:00Z' },

  // clock changes
  { name: 'spring 2026: Thursday 10:00 GMT before the change is due Friday 08:30 GMT', aware: '2026-03-26T10:00:00+00:00', due: '2026-03-27T08:30:00Z' },
  { name: 'spring 2026: last day of term (Fri 27 Mar) 10:00 GMT is due Mon 13 Apr 08:30 BST, an hour earlier in UTC', aware: '2026-03-27T10:00:00+00:00', due: '2026-04-13T07:30:00Z' },
  { name: 'spring 2026: a report inside the spring-forward hour (02:30 BST, 29 Mar) is due Mon 13 Apr 08:30 BST', aware: '2026-03-29T01:30:00Z', due: '2026-04-13T07:30:00Z' },
  { name: 'spring 2027: Thu 25 Mar 10:00 GMT before Good Friday is due Mon 12 Apr 08:30 BST', aware: '2027-03-25T10:00:00+00:00', due: '2027-04-12T07:30:00Z' },
  { name: 'spring 2028 (clocks change in term): Friday 10:00 GMT is due Monday 08:30 BST', aware: '2028-03-24T10:00:00+00:00', due: '2028-03-27T07:30:00Z' },
  { name: 'spring 2028: Saturday 22:00 GMT is due Monday 08:30 BST', aware: '2028-03-25T22:00:00+00:00', due: '2028-03-27T07:30:00Z' },
  { name: 'spring 2028: Sunday 00:30 GMT, before the clocks go forward, is due Monday 08:30 BST', aware: '2028-03-26T00:30:00+00:00', due: '2028-03-27T07:30:00Z' },
  { name: 'autumn 2025: Fri 24 Oct 17:00 BST before half-term is due Mon 3 Nov 08:30 GMT', aware: '2025-10-24T17:00:00+01:00', due: '2025-11-03T08:30:00Z' },
  { name: 'autumn 2026: Fri 23 Oct 16:00 BST before half-term is due Mon 2 Nov 08:30 GMT, an hour later in UTC', aware: '2026-10-23T16:00:00+01:00', due: '2026-11-02T08:30:00Z' },
  { name: 'autumn 2026: the first 01:30 on 25 Oct (BST) is due Mon 2 Nov 08:30 GMT', aware: '2026-10-25T01:30:00+01:00', due: '2026-11-02T08:30:00Z' },
  { name: 'autumn 2026: the second 01:30 on 25 Oct (GMT) is due Mon 2 Nov 08:30 GMT', aware: '2026-10-25T01:30:00+00:00', due: '2026-11-02T08:30:00Z' },
  { name: 'autumn 2027: Thu 21 Oct 08:00 BST is due 08:30 BST that morning', aware: '2027-10-21T08:00:00+01:00', due: '2027-10-21T07:30:00Z' },
  { name: 'autumn 2027: Fri 22 Oct 15:00 BST before half-term is due Mon 1 Nov 08:30 GMT', aware: '2027-10-22T15:00:00+01:00', due: '2027-11-01T08:30:00Z' },

  // bank holidays
  { name: 'Early May bank holiday 2026: Friday report is due Tuesday 5 May', aware: '2026-05-01T16:00:00+01:00', due: '2026-05-05T07:30:00Z' },
  { name: 'a report on the Early May bank holiday 2026 itself, before 08:30, is due Tuesday', aware: '2026-05-04T07:00:00+01:00', due: '2026-05-05T07:30:00Z' },
  { name: 'Early May bank holiday 2027: Friday night report is due Tuesday 4 May', aware: '2027-04-30T18:00:00+01:00', due: '2027-05-04T07:30:00Z' },
  { name: 'Early May bank holiday 2028: Friday midday report is due Tuesday 2 May', aware: '2028-04-28T12:00:00+01:00', due: '2028-05-02T07:30:00Z' },
  { name: 'spring bank holiday 2027 inside May half-term: Fri 28 May is due Mon 7 Jun', aware: '2027-05-28T15:00:00+01:00', due: '2027-06-07T07:30:00Z' },
  { name: 'May half-term 2028 starts on a Sunday with the bank holiday Monday: Fri 26 May is due Mon 5 Jun', aware: '2028-05-26T12:00:00+01:00', due: '2028-06-05T07:30:00Z' },
  { name: 'summer bank holiday 2026 (Mon 31 Aug): Sunday evening report is due Tue 1 Sep, first day of term', aware: '2026-08-30T20:00:00+01:00', due: '2026-09-01T07:30:00Z' },

  // Easter
  { name: 'Good Friday 2026 in the Easter holiday is due Mon 13 Apr', aware: '2026-04-03T12:00:00+01:00', due: '2026-04-13T07:30:00Z' },
  { name: 'Easter 2028: last day of spring term (Fri 31 Mar) is due Tue 18 Apr, after Easter Monday', aware: '2028-03-31T10:00:00+01:00', due: '2028-04-18T07:30:00Z' },

  // Christmas and New Year
  { name: 'last day of autumn term 2025 at 08:00 is due 08:30 that morning', aware: '2025-12-19T08:00:00+00:00', due: '2025-12-19T08:30:00Z' },
  { name: 'last day of autumn term 2025 at 10:00 is due Mon 5 Jan 2026', aware: '2025-12-19T10:00:00+00:00', due: '2026-01-05T08:30:00Z' },
  { name: 'Christmas Day 2025 is due Mon 5 Jan 2026', aware: '2025-12-25T12:00:00+00:00', due: '2026-01-05T08:30:00Z' },
  { name: "New Year's Day 2027 is due Mon 4 Jan 2027", aware: '2027-01-01T01:00:00+00:00', due: '2027-01-04T08:30:00Z' },
  { name: "New Year's Eve 2027 23:59 is due Tue 4 Jan 2028: Mon 3 Jan is the substitute bank holiday", aware: '2027-12-31T23:59:00+00:00', due: '2028-01-04T08:30:00Z' },

  // term starts and ends, summer
  { name: 'summer 2025: Fri 29 Aug is due Mon 1 Sep 2025, first day of term', aware: '2025-08-29T11:00:00+01:00', due: '2025-09-01T07:30:00Z' },
  { name: 'last day of 2025-26 (Mon 20 Jul 2026) at 06:00 is due 08:30 that morning', aware: '2026-07-20T06:00:00+01:00', due: '2026-07-20T07:30:00Z' },
  { name: 'last day of 2025-26 at 10:00 is due Tue 1 Sep 2026', aware: '2026-07-20T10:00:00+01:00', due: '2026-09-01T07:30:00Z' },
  { name: 'summer holiday 2026 (10 Aug) is due early September: Tue 1 Sep', aware: '2026-08-10T12:00:00+01:00', due: '2026-09-01T07:30:00Z' },
  { name: 'last day of 2026-27 (Wed 21 Jul 2027) midday is due Wed 1 Sep 2027', aware: '2027-07-21T12:00:00+01:00', due: '2027-09-01T07:30:00Z' },
  { name: 'summer bank holiday 2027 (Mon 30 Aug) is due Wed 1 Sep: Tue 31 Aug is still holiday', aware: '2027-08-30T09:00:00+01:00', due: '2027-09-01T07:30:00Z' },
  { name: 'last day of 2027-28 (Fri 21 Jul 2028) is due Fri 1 Sep 2028: August is not term, September is beyond the data', aware: '2028-07-21T15:00:00+01:00', due: '2028-09-01T07:30:00Z' },

  // half terms
  { name: 'autumn half-term 2025, Wednesday (GMT again), is due Mon 3 Nov', aware: '2025-10-29T14:00:00+00:00', due: '2025-11-03T08:30:00Z' },
  { name: 'Friday evening before February half-term 2026 is due Mon 23 Feb', aware: '2026-02-13T18:00:00+00:00', due: '2026-02-23T08:30:00Z' },
  { name: 'February half-term 2027, Wednesday, is due Mon 22 Feb', aware: '2027-02-17T10:00:00+00:00', due: '2027-02-22T08:30:00Z' },
  { name: 'February half-term 2028, Tuesday, is due Mon 21 Feb', aware: '2028-02-15T10:00:00+00:00', due: '2028-02-21T08:30:00Z' },

  // leap day
  { name: 'Mon 28 Feb 2028 at 10:00 is due on the leap day, Tue 29 Feb', aware: '2028-02-28T10:00:00+00:00', due: '2028-02-29T08:30:00Z' },
  { name: 'the leap day 2028 at 10:00 is due Wed 1 Mar', aware: '2028-02-29T10:00:00+00:00', due: '2028-03-01T08:30:00Z' },

  // the school's own closures and openings
  { name: 'INSET day on the first day of term (1 Sep 2026) moves the deadline to Wed 2 Sep', aware: '2026-08-30T20:00:00+01:00', due: '2026-09-02T07:30:00Z', inset: ['2026-09-01'] },
  { name: 'INSET Monday after Christmas (4 Jan 2027): New Year report is due Tue 5 Jan', aware: '2027-01-01T01:00:00+00:00', due: '2027-01-05T08:30:00Z', inset: ['2027-01-04'] },
  { name: 'a 03:00 report on an INSET day is not due that morning but the next pupil day', aware: '2027-01-04T03:00:00+00:00', due: '2027-01-05T08:30:00Z', inset: ['2027-01-04'] },
  { name: 'a school open on the LA half-term Monday (openDates) is due that Monday', aware: '2026-02-13T18:00:00+00:00', due: '2026-02-16T08:30:00Z', open: ['2026-02-16'] },
  { name: 'openDates cannot open a bank holiday: still due Tue 5 May 2026', aware: '2026-05-01T16:00:00+01:00', due: '2026-05-05T07:30:00Z', open: ['2026-05-04'] },
  { name: 'openDates cannot open a Saturday: still due Monday', aware: '2026-01-09T22:00:00+00:00', due: '2026-01-12T08:30:00Z', open: ['2026-01-10'] },

  // schools with their own start time
  { name: '08:45 school: 08:40 GMT is due 08:45 that morning', aware: '2026-01-06T08:40:00+00:00', due: '2026-01-06T08:45:00Z', start: '08:45' },
  { name: '08:45 school: exactly 08:45 is due 08:45 the next pupil day', aware: '2026-01-06T08:45:00+00:00', due: '2026-01-07T08:45:00Z', start: '08:45' },
  { name: '08:45 school: 08:35 BST (too late for an 08:30 school) is due 08:45 BST that morning', aware: '2026-06-10T08:35:00+01:00', due: '2026-06-10T07:45:00Z', start: '08:45' },
  { name: '09:00 school: 08:50 GMT is due 09:00 that morning', aware: '2026-01-06T08:50:00+00:00', due: '2026-01-06T09:00:00Z', start: '09:00' },
  { name: '09:00 school: autumn 2026 half-term is due Mon 2 Nov 09:00 GMT', aware: '2026-10-23T16:00:00+01:00', due: '2026-11-02T09:00:00Z', start: '09:00' },
  { name: '09:00 school: spring 2028 change in term, Friday is due Monday 09:00 BST (08:00Z)', aware: '2028-03-24T10:00:00+00:00', due: '2028-03-27T08:00:00Z', start: '09:00' },
]

t.test('computeDueBy for a Sheffield school (real bank holidays and term dates)', async (t) => {
  t.ok(cases.length >= 45, `table has ${cases.length} cases`)
  for (const c of cases) {
    const { dueBy, schoolDay } = computeDueBy(sheffieldSchool(c), new Date(c.aware))
    t.equal(dueBy.toISOString(), new Date(c.due).toISOString(), c.name)
    t.equal(schoolDay, c.due.slice(0, 10), `${c.name} (school day)`)
  }
})

t.test('isPupilDay', async (t) => {
  const cal = sheffieldSchool()
  t.equal(isPupilDay(cal, '2026-01-14'), true, 'a term Wednesday')
  t.equal(isPupilDay(cal, '2026-01-17'), false, 'a Saturday')
  t.equal(isPupilDay(cal, '2026-01-18'), false, 'a Sunday')
  t.equal(isPupilDay(cal, '2026-05-04'), false, 'a bank holiday in term')
  t.equal(isPupilDay(cal, '2026-02-18'), false, 'a half-term weekday')
  t.equal(isPupilDay(sheffieldSchool({ open: ['2026-02-18'] }), '2026-02-18'), true, 'half-term weekday the school opens')
  t.equal(isPupilDay(sheffieldSchool({ inset: ['2026-01-14'] }), '2026-01-14'), false, 'INSET day')
  t.equal(isPupilDay(sheffieldSchool({ inset: ['2026-01-14'], open: ['2026-01-14'] }), '2026-01-14'), true, 'openDates overrides closedDates')
  t.throws(() => isPupilDay(cal, '2026-02-30'), /invalid date "2026-02-30"/, 'rejects impossible dates')
})

t.test('nextPupilDay', async (t) => {
  const cal = sheffieldSchool()
  t.equal(nextPupilDay(cal, '2026-01-14'), '2026-01-14', 'inclusive of the start date')
  t.equal(nextPupilDay(cal, '2025-12-20'), '2026-01-05', 'across Christmas')
  const closedForever = makeSchoolCalendar({ closedDates: Array.from({ length: 500 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10)) })
  t.throws(() => nextPupilDay(closedForever, '2026-01-01'), new RegExp(`no pupil day within ${MAX_SEARCH_DAYS} days`))
  t.throws(() => computeDueBy(closedForever, new Date('2026-01-01T12:00:00Z')), { name: 'CalendarError', reason: 'no-pupil-day' })
})

t.test('calendar defaults and validation', async (t) => {
  t.equal(DEFAULT_DAY_STARTS_AT, '08:30')
  const bare = makeSchoolCalendar({})
  t.equal(bare.dayStartsAt, '08:30', 'default start time')
  t.equal(bare.openDates, undefined, 'no openDates unless given')
  t.equal(computeDueBy(bare, new Date('2026-01-14T03:00:00Z')).dueBy.toISOString(), '2026-01-14T08:30:00.000Z', 'plain weekdays without data')
  const emptyStart: SchoolCalendar = { dayStartsAt: '', bankHolidays: new Set(), closedDates: new Set() }
  t.equal(computeDueBy(emptyStart, new Date('2026-01-14T03:00:00Z')).dueBy.toISOString(), '2026-01-14T08:30:00.000Z', "'' start means the default")
  t.throws(() => makeSchoolCalendar({ dayStartsAt: '8.30' }), /invalid time "8.30"/)
  const bad: SchoolCalendar = { dayStartsAt: '25:00', bankHolidays: new Set(), closedDates: new Set() }
  t.throws(() => computeDueBy(bad, new Date('2026-01-14T03:00:00Z')), { name: 'CalendarError', reason: 'invalid-start-time' })
  t.throws(() => computeDueBy(bare, new Date('not a date')), /expected a valid Date/)
})

t.test('a deadline outside 1900–2100 is a CalendarError naming no date, never a misread year or a loop', async (t) => {
  const bare = makeSchoolCalendar({})
  for (const aware of ['0026-11-20T22:14:00Z', '0099-12-31T23:00:00Z', '1899-12-31T23:59:59Z', '2101-01-01T00:00:00Z', '9999-12-31T23:00:00Z']) {
    const err = t.throws(() => computeDueBy(bare, new Date(aware)), { name: 'CalendarError', reason: 'date-out-of-range' }, aware) as Error
    t.notMatch(err.message, /\d{4}-\d{2}-\d{2}/, 'the message names no date')
    t.throws(() => planDelivery(bare, new Date(aware)), { name: 'CalendarError' })
  }
  t.equal(computeDueBy(bare, new Date('1900-01-01T00:00:00Z')).schoolDay, '1900-01-01', 'the first day of 1900 (a Monday) is in range')
  t.equal(computeDueBy(bare, new Date('2100-12-30T12:00:00Z')).schoolDay, '2100-12-31', 'late in 2100 still has a next pupil day')
})

t.test('isHolidayGap', async (t) => {
  const cal = sheffieldSchool()
  const gap = (aware: string, o: SchoolOpts = {}): boolean => {
    const c = sheffieldSchool(o)
    return isHolidayGap(c, new Date(aware), computeDueBy(c, new Date(aware)).dueBy)
  }
  t.equal(gap('2026-01-14T10:00:00Z'), false, 'term Wednesday → Thursday: no gap')
  t.equal(gap('2026-01-09T22:00:00Z'), false, 'an ordinary weekend is not a holiday')
  t.equal(gap('2026-01-14T03:00:00Z'), false, 'due the same morning')
  t.equal(gap('2026-02-13T18:00:00Z'), true, 'Friday before February half-term')
  t.equal(gap('2026-02-18T10:00:00Z'), true, 'during half-term')
  t.equal(gap('2026-05-01T16:00:00+01:00'), true, 'bank holiday Monday between')
  t.equal(gap('2026-08-10T12:00:00+01:00'), true, 'summer holiday')
  t.equal(gap('2026-02-20T23:00:00Z'), true, 'the last Friday of half-term is itself a holiday weekday')
  t.equal(gap('2026-02-21T23:00:00Z'), false, 'the last weekend of half-term: only a weekend lies ahead')
  t.equal(gap('2027-01-04T03:00:00Z', { inset: ['2027-01-04'] }), true, 'an INSET day counts')
  t.equal(isHolidayGap(cal, new Date('2026-02-18T10:00:00Z'), new Date('2026-02-17T08:30:00Z')), false, 'dueBy before awareness: no gap')
})

t.test('reminderAt: 90 minutes before the start of the first day back, local wall clock', async (t) => {
  const cal = sheffieldSchool()
  t.equal(DEFAULT_REMINDER_LEAD_MINUTES, 90)
  // Christmas 2025 (GMT): due Mon 5 Jan 08:30Z → reminder 07:00 GMT.
  t.equal(reminderAt(cal, new Date('2026-01-05T08:30:00Z')).toISOString(), '2026-01-05T07:00:00.000Z', '07:00 GMT')
  // Easter 2026, clocks went forward in the holiday: due Mon 13 Apr 08:30 BST → 07:00 BST = 06:00Z.
  t.equal(reminderAt(cal, new Date('2026-04-13T07:30:00Z')).toISOString(), '2026-04-13T06:00:00.000Z', '07:00 BST')
  // Autumn 2026 half-term, clocks went back: due Mon 2 Nov 08:30 GMT → 07:00 GMT.
  t.equal(reminderAt(cal, new Date('2026-11-02T08:30:00Z')).toISOString(), '2026-11-02T07:00:00.000Z', '07:00 GMT after the autumn change')
  const nine = sheffieldSchool({ start: '09:00' })
  t.equal(reminderAt(nine, new Date('2026-11-02T09:00:00Z')).toISOString(), '2026-11-02T07:30:00.000Z', '09:00 school → 07:30')
  t.equal(reminderAt(cal, new Date('2026-11-02T08:30:00Z'), 0).toISOString(), '2026-11-02T08:30:00.000Z', 'zero lead')
  // A lead past midnight reaches the previous evening: 15 h before 08:30 Mon 2 Nov is 17:30 GMT Sun 1 Nov.
  t.equal(reminderAt(cal, new Date('2026-11-02T08:30:00Z'), 15 * 60).toISOString(), '2026-11-01T17:30:00.000Z', 'previous evening')
  // 15 h before 08:30 BST Mon 13 Apr 2026 is 17:30 BST Sun 12 Apr = 16:30Z.
  t.equal(reminderAt(cal, new Date('2026-04-13T07:30:00Z'), 15 * 60).toISOString(), '2026-04-12T16:30:00.000Z', 'previous evening in BST')
  t.throws(() => reminderAt(cal, new Date('2026-11-02T08:30:00Z'), -1), /whole number of minutes/)
  t.throws(() => reminderAt(cal, new Date('2026-11-02T08:30:00Z'), 1.5), /whole number of minutes/)
  t.throws(() => reminderAt(cal, new Date('2026-11-02T08:30:00Z'), 8 * 1440), /whole number of minutes/)
  t.throws(() => reminderAt(cal, new Date('2026-02-18T08:30:00Z')), /not on a pupil day \(2026-02-18\)/, 'stale dueBy in a holiday')
})

t.test('planDelivery combines deadline, holiday gap and reminder', async (t) => {
  const cal = sheffieldSchool()
  const holiday = planDelivery(cal, new Date('2026-08-10T12:00:00+01:00'))
  t.same(
    { dueBy: holiday.dueBy.toISOString(), schoolDay: holiday.schoolDay, gap: holiday.holidayGap, reminder: holiday.reminderAt?.toISOString() },
    { dueBy: '2026-09-01T07:30:00.000Z', schoolDay: '2026-09-01', gap: true, reminder: '2026-09-01T06:00:00.000Z' },
    'summer: send now, remind 07:00 BST on 1 Sep',
  )
  const term = planDelivery(cal, new Date('2026-01-14T10:00:00Z'))
  t.equal(term.holidayGap, false)
  t.equal(term.reminderAt, null, 'no reminder in term time')
  // INSET Monday 4 Jan 2027, report 23:30 that night, lead 15 h → 17:30 Mon, already past: no reminder.
  const inset = sheffieldSchool({ inset: ['2027-01-04'] })
  const late = planDelivery(inset, new Date('2027-01-04T23:30:00Z'), 15 * 60)
  t.equal(late.holidayGap, true)
  t.equal(late.dueBy.toISOString(), '2027-01-05T08:30:00.000Z')
  t.equal(late.reminderAt, null, 'a reminder time already past is dropped')
})

t.test('london-time: londonInstant across the clock changes', async (t) => {
  const at = (d: string, hm: string): string => londonInstant(d, hm).toISOString()
  t.equal(at('2026-01-14', '08:30'), '2026-01-14T08:30:00.000Z', 'GMT: local = UTC')
  t.equal(at('2026-06-17', '08:30'), '2026-06-17T07:30:00.000Z', 'BST: an hour ahead')
  t.equal(at('2026-03-28', '08:30'), '2026-03-28T08:30:00.000Z', 'Saturday before spring forward: GMT')
  t.equal(at('2026-03-29', '00:59'), '2026-03-29T00:59:00.000Z', 'just before the gap')
  t.equal(at('2026-03-29', '08:30'), '2026-03-29T07:30:00.000Z', 'spring-forward Sunday 08:30 is BST')
  t.equal(at('2026-03-30', '08:30'), '2026-03-30T07:30:00.000Z', 'Monday after spring forward')
  t.equal(at('2026-03-29', '01:00'), '2026-03-29T01:00:00.000Z', 'nonexistent 01:00 → 02:00 BST')
  t.equal(at('2026-03-29', '01:30'), '2026-03-29T01:30:00.000Z', 'nonexistent 01:30 → 02:30 BST (moved past the gap)')
  t.equal(at('2026-03-29', '02:00'), '2026-03-29T01:00:00.000Z', '02:00 BST exists')
  t.equal(at('2026-10-24', '08:30'), '2026-10-24T07:30:00.000Z', 'Saturday before fall back: BST')
  t.equal(at('2026-10-25', '00:30'), '2026-10-24T23:30:00.000Z', 'fall-back Sunday 00:30 is still BST')
  t.equal(at('2026-10-25', '01:00'), '2026-10-25T00:00:00.000Z', 'ambiguous 01:00 → first occurrence (BST)')
  t.equal(at('2026-10-25', '01:30'), '2026-10-25T00:30:00.000Z', 'ambiguous 01:30 → first occurrence (BST)')
  t.equal(at('2026-10-25', '02:00'), '2026-10-25T02:00:00.000Z', '02:00 after fall back is GMT')
  t.equal(at('2026-10-25', '08:30'), '2026-10-25T08:30:00.000Z', 'fall-back Sunday 08:30 is GMT')
  t.equal(at('2027-03-28', '08:30'), '2027-03-28T07:30:00.000Z', 'spring 2027')
  t.equal(at('2027-10-31', '08:30'), '2027-10-31T08:30:00.000Z', 'autumn 2027')
  t.equal(at('2027-10-30', '08:30'), '2027-10-30T07:30:00.000Z', 'day before autumn 2027')
  t.equal(at('2028-02-29', '00:00'), '2028-02-29T00:00:00.000Z', 'leap day midnight')
  t.equal(at('2028-12-31', '23:59'), '2028-12-31T23:59:00.000Z', 'year end')
  t.throws(() => londonInstant('2027-02-29', '08:30'), /invalid date "2027-02-29"/, 'no leap day in 2027')
  t.throws(() => londonInstant('2026-1-5', '08:30'), /invalid date/, 'date must be YYYY-MM-DD')
  t.throws(() => londonInstant('2026-01-05', '24:00'), /invalid time "24:00"/)
  t.throws(() => londonInstant('2026-01-05', '08:60'), /invalid time "08:60"/)
  t.throws(() => londonInstant('2026-01-05', '8:30'), /invalid time "8:30"/)
})

t.test('london-time: local dates and wall clock', async (t) => {
  t.equal(londonDateOf(new Date('2026-06-14T23:30:00Z')), '2026-06-15', 'BST: 23:30Z is already tomorrow')
  t.equal(londonDateOf(new Date('2026-01-14T23:30:00Z')), '2026-01-14', 'GMT: same date')
  t.same(londonWallClock(new Date('2026-06-14T23:30:00Z')), { date: '2026-06-15', minutes: 30 })
  t.same(londonWallClock(new Date('2026-01-01T00:00:00Z')), { date: '2026-01-01', minutes: 0 }, 'midnight is minute 0')
  t.same(londonWallClock(new Date('2026-10-25T01:30:59Z')), { date: '2026-10-25', minutes: 90 }, 'second 01:30, seconds dropped')
  t.same(londonWallClock(new Date('2026-10-25T00:30:00Z')), { date: '2026-10-25', minutes: 90 }, 'first 01:30')
  t.throws(() => londonDateOf(new Date(NaN)), /expected a valid Date/)
  t.equal(addDays('2028-02-28', 1), '2028-02-29')
  t.equal(addDays('2027-02-28', 1), '2027-03-01')
  t.equal(addDays('2026-03-28', 2), '2026-03-30', 'DST does not make a day 23 hours')
  t.equal(addDays('2026-01-01', -1), '2025-12-31')
  t.equal(addDays('2025-12-31', 0), '2025-12-31')
  t.throws(() => addDays('2026-01-01', 0.5), /integer/)
  t.equal(weekdayOf('2026-01-11'), 0, 'Sunday')
  t.equal(weekdayOf('2028-02-29'), 2, 'Tuesday')
  t.equal(weekdayOf('2026-01-17'), 6, 'Saturday')
  t.equal(isPlainDate('2026-02-28'), true)
  t.equal(isPlainDate('2026-02-29'), false)
  t.equal(parseHhmm('00:00'), 0)
  t.equal(parseHhmm('23:59'), 1439)
  t.equal(formatHhmm(510), '08:30')
  t.throws(() => formatHhmm(1440), /0–1439/)
  t.throws(() => formatHhmm(-1), /0–1439/)
})
