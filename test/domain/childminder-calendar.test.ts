// A childminder's day starts at its own time and its "next day" is the next weekday, whatever the
// LA's school terms and the bank holidays, unless its own dates say otherwise. Built on Sheffield's
// real 2025-26 term dates and the GOV.UK feed; the expected values were worked out by hand:
// February half-term 2026 closes Mon 16 – Fri 20 Feb; Mon 25 May 2026 is the spring bank holiday
// inside May half-term (23–31 May); BST from 29 Mar 2026 (07:30 BST = 06:30Z).
import t from 'tap'
import { readFileSync } from 'node:fs'
import { parseGovUkBankHolidays } from '../../src/domain/bank-holidays.js'
import { parseTermDates } from '../../src/domain/term-dates.js'
import { calendarRulesFor, computeDueBy, isPupilDay, makeSchoolCalendar } from '../../src/domain/school-calendar.js'

const read = (rel: string): string => readFileSync(new URL(`../../data/${rel}`, import.meta.url), 'utf8')
const bankHolidays = parseGovUkBankHolidays(JSON.parse(read('bank-holidays.json'))).map((b) => b.date)
const laClosures = parseTermDates('sheffield-term-dates.json', read('term-dates/sheffield-term-dates.json')).closures.map((c) => c.date)

const school = makeSchoolCalendar({ bankHolidays, closedDates: laClosures })
const childminder = (own: { closed?: string[]; open?: string[] } = {}) =>
  makeSchoolCalendar({ dayStartsAt: '07:30', bankHolidays, closedDates: own.closed ?? [], openDates: own.open ?? [], days: calendarRulesFor('childminder').days })

t.test('only a childminder keeps weekdays instead of the LA’s terms', async (t) => {
  t.same(calendarRulesFor('childminder'), { days: 'weekdays', followsLaTermDates: false })
  for (const type of ['school', 'early-years', 'college', 'other', null, undefined]) t.same(calendarRulesFor(type), { days: 'terms', followsLaTermDates: true }, String(type))
})

t.test('in half-term a childminder is due the next weekday at its own start; the school after the holiday', async (t) => {
  const aware = new Date('2026-02-16T10:00:00Z') // Monday of February half-term
  t.same(computeDueBy(childminder(), aware), { dueBy: new Date('2026-02-17T07:30:00Z'), schoolDay: '2026-02-17' })
  t.same(computeDueBy(school, aware), { dueBy: new Date('2026-02-23T08:30:00Z'), schoolDay: '2026-02-23' })
})

t.test('before its own start on a weekday, a childminder is due that morning', async (t) => {
  t.same(computeDueBy(childminder(), new Date('2026-02-18T06:00:00Z')), { dueBy: new Date('2026-02-18T07:30:00Z'), schoolDay: '2026-02-18' })
})

t.test('a bank holiday is a weekday for a childminder unless it closes it', async (t) => {
  const aware = new Date('2026-05-22T19:00:00Z') // Friday evening before the spring bank holiday, BST
  t.same(computeDueBy(childminder(), aware), { dueBy: new Date('2026-05-25T06:30:00Z'), schoolDay: '2026-05-25' })
  t.same(computeDueBy(childminder({ closed: ['2026-05-25'] }), aware), { dueBy: new Date('2026-05-26T06:30:00Z'), schoolDay: '2026-05-26' })
  t.same(computeDueBy(school, aware), { dueBy: new Date('2026-06-01T07:30:00Z'), schoolDay: '2026-06-01' })
})

t.test('a childminder’s weekend is closed unless it opens a day, a Saturday too', async (t) => {
  const fridayEvening = new Date('2026-02-20T18:00:00Z')
  t.same(computeDueBy(childminder(), fridayEvening).schoolDay, '2026-02-23')
  t.same(computeDueBy(childminder({ open: ['2026-02-21'] }), fridayEvening), { dueBy: new Date('2026-02-21T07:30:00Z'), schoolDay: '2026-02-21' })
  t.notOk(isPupilDay(school, '2026-02-21'))
  t.notOk(isPupilDay(makeSchoolCalendar({ openDates: ['2026-02-21'] }), '2026-02-21'), 'a school’s own opening never opens a weekend')
})
