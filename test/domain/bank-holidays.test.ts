// The real GOV.UK feed (2019–2028) read for England & Wales. Expected values come from the data
// README and the feed itself: 83 events, 8 a year, 10 in 2022 (Platinum Jubilee, State Funeral),
// 9 in 2023 (coronation).
import t from 'tap'
import { readFileSync } from 'node:fs'
import { ENGLAND_AND_WALES, parseGovUkBankHolidays } from '../../src/domain/bank-holidays.js'

const feed: unknown = JSON.parse(readFileSync(new URL('../../data/bank-holidays.json', import.meta.url), 'utf8'))

t.test('the real feed, England and Wales only', async (t) => {
  const events = parseGovUkBankHolidays(feed)
  t.equal(events.length, 83)
  t.same(events[0], { date: '2019-01-01', title: 'New Year’s Day' }, 'first event, \\u2019 decoded')
  t.same(events.at(-1), { date: '2028-12-26', title: 'Boxing Day' }, 'last event')
  const perYear = new Map<string, number>()
  for (const e of events) perYear.set(e.date.slice(0, 4), (perYear.get(e.date.slice(0, 4)) ?? 0) + 1)
  t.same(Object.fromEntries(perYear), {
    2019: 8, 2020: 8, 2021: 8, 2022: 10, 2023: 9, 2024: 8, 2025: 8, 2026: 8, 2027: 8, 2028: 8,
  })
  const byDate = new Map(events.map((e) => [e.date, e.title]))
  t.equal(byDate.get('2022-06-03'), 'Platinum Jubilee bank holiday', 'one-off holidays are present')
  t.equal(byDate.get('2022-09-19'), 'Bank Holiday for the State Funeral of Queen Elizabeth II')
  t.equal(byDate.get('2023-05-08'), 'Bank holiday for the coronation of King Charles III')
  t.equal(byDate.get('2028-01-03'), 'New Year’s Day', 'substitute day (1 Jan 2028 is a Saturday)')
  t.equal(byDate.get('2026-04-03'), 'Good Friday')
  t.equal(byDate.get('2026-04-06'), 'Easter Monday')
  t.equal(byDate.get('2026-12-28'), 'Boxing Day', 'substitute Boxing Day 2026')
  t.equal(byDate.has('2026-06-15'), false, 'the Scotland-only World Cup holiday is not read')
  t.equal(byDate.has('2025-11-30'), false, "St Andrew's Day (Scotland) is not read")
  t.same(events.map((e) => e.date), [...events.map((e) => e.date)].sort(), 'sorted by date')
})

t.test('sorting and duplicates', async (t) => {
  const events = parseGovUkBankHolidays({
    [ENGLAND_AND_WALES]: {
      division: ENGLAND_AND_WALES,
      events: [
        { title: 'B', date: '2030-05-06' },
        { title: 'A', date: '2030-01-01' },
        { title: 'A again', date: '2030-01-01' },
        { title: 'C', date: '2030-05-06' },
        { title: 'D', date: '2030-12-25' },
      ],
    },
  })
  t.same(events, [
    { date: '2030-01-01', title: 'A' },
    { date: '2030-05-06', title: 'B' },
    { date: '2030-12-25', title: 'D' },
  ], 'sorted, one per date, first title kept')
})

t.test('a malformed feed gives a clear error', async (t) => {
  const withEvents = (events: unknown): unknown => ({ [ENGLAND_AND_WALES]: { division: ENGLAND_AND_WALES, events } })
  t.throws(() => parseGovUkBankHolidays(null), /expected a JSON object at the top level/)
  t.throws(() => parseGovUkBankHolidays('[]'), /expected a JSON object at the top level/)
  t.throws(() => parseGovUkBankHolidays([]), /expected a JSON object at the top level/)
  t.throws(() => parseGovUkBankHolidays({ scotland: { events: [] } }), /missing the "england-and-wales" division/)
  t.throws(() => parseGovUkBankHolidays({ [ENGLAND_AND_WALES]: [] }), /missing the "england-and-wales" division/)
  t.throws(() => parseGovUkBankHolidays({ [ENGLAND_AND_WALES]: {} }), /"england-and-wales\.events" must be an array/)
  t.throws(() => parseGovUkBankHolidays(withEvents([])), /"england-and-wales\.events" is empty/)
  t.throws(() => parseGovUkBankHolidays(withEvents(['2026-01-01'])), /events\[0\] must be an object/)
  t.throws(() => parseGovUkBankHolidays(withEvents([{ title: 'x', date: '01/01/2026' }])), /events\[0\]\.date must be a date YYYY-MM-DD, got "01\/01\/2026"/)
  t.throws(() => parseGovUkBankHolidays(withEvents([{ title: 'x', date: '2026-02-30' }])), /events\[0\]\.date must be a date/)
  t.throws(() => parseGovUkBankHolidays(withEvents([{ title: 'ok', date: '2026-01-01' }, { date: '2026-12-25' }])), /events\[1\]\.title must be a non-empty string, got undefined/)
  t.throws(() => parseGovUkBankHolidays(withEvents([{ title: '  ', date: '2026-01-01' }])), /events\[0\]\.title must be a non-empty string/)
})

t.test('a bank holiday outside 1900–2100 is refused, naming the event', async (t) => {
  const withEvents = (events: unknown): unknown => ({ [ENGLAND_AND_WALES]: { division: ENGLAND_AND_WALES, events } })
  for (const date of ['0026-12-25', '1899-12-25', '2101-01-01']) {
    t.throws(() => parseGovUkBankHolidays(withEvents([{ title: 'Christmas Day', date }])), /events\[0\]\.date must be a date from 1900-01-01 to 2100-12-31/, date)
  }
})
