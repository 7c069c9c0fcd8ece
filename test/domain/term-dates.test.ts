// Sheffield's real term dates in two formats must give the same closures. Expected counts were
// worked out from the files by hand: 21 holiday ranges hold 194 weekdays, plus the three Early May
// bank holidays that fall in term (2026-05-04, 2027-05-03, 2028-05-01) = 197 weekday closures
// between 2025-08-01 and 2028-07-31; 782 weekdays in that span minus 3 × 195 pupil days is also 197.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { parseTermDates, parseTermDatesIcs, parseTermDatesJson, type TermCalendar } from '../../src/domain/term-dates.js'

const read = (rel: string): string => readFileSync(new URL(`../../data/term-dates/${rel}`, import.meta.url), 'utf8')
const jsonText = read('sheffield-term-dates.json')
const icsText = read('sheffield-school-holidays.ics')
const fromJson = parseTermDates('sheffield-term-dates.json', jsonText)
const fromIcs = parseTermDates('sheffield-school-holidays.ics', icsText)

const isWeekday = (d: string): boolean => {
  const wd = new Date(`${d}T00:00:00Z`).getUTCDay()
  return wd !== 0 && wd !== 6
}
const labels = (cal: TermCalendar): Map<string, string> => new Map(cal.closures.map((c) => [c.date, c.label]))
const jsonLabels = labels(fromJson)
const icsLabels = labels(fromIcs)
const stripLa = (label: string | undefined): string | undefined => label?.replace(/^Sheffield: /, '')

t.test('Sheffield JSON', async (t) => {
  t.same(fromJson.coverage, [{ from: '2025-08-01', to: '2028-08-31' }], 'three academic years, from the first August holiday to 31 Aug 2028')
  t.equal(fromJson.closures.length, 220, '197 closures to 31 Jul 2028 plus 23 weekdays of August 2028')
  t.ok(fromJson.closures.every((c) => isWeekday(c.date)), 'JSON closures are weekdays only')
  t.same(fromJson.closures.map((c) => c.date), [...fromJson.closures.map((c) => c.date)].sort(), 'sorted')
  t.equal(new Set(fromJson.closures.map((c) => c.date)).size, fromJson.closures.length, 'one closure per date')
  t.equal(jsonLabels.get('2025-12-25'), 'Christmas holiday', 'Christmas Day is in the Christmas holiday')
  t.equal(jsonLabels.get('2026-05-04'), 'Bank holiday', 'Early May bank holiday in term')
  t.equal(jsonLabels.get('2026-08-03'), 'Summer holiday', 'August 2026 labelled from the 2026-27 summer range')
  t.equal(jsonLabels.get('2026-08-31'), 'Summer holiday', 'summer bank holiday inside the summer holiday')
  t.equal(jsonLabels.get('2025-10-27'), 'School holiday', 'October half-term is called "School holiday" in the source')
  t.equal(jsonLabels.get('2028-01-03'), 'Christmas holiday', 'substitute New Year bank holiday inside the Christmas range')
  t.equal(jsonLabels.get('2028-05-29'), 'May half-term')
  t.equal(jsonLabels.get('2028-08-01'), 'Non-pupil day', 'August 2028: no holiday range, but not a pupil date of 2027-28')
  t.equal(jsonLabels.has('2026-07-20'), false, 'last day of 2025-26 (a Monday) is a pupil day')
  t.equal(jsonLabels.get('2026-07-21'), 'Summer holiday')
  t.equal(jsonLabels.has('2028-02-29'), false, 'leap day is a pupil day')
  t.equal(jsonLabels.has('2025-09-01'), false, 'first day of 2025-26')
  const byLabel = new Map<string, number>()
  for (const c of fromJson.closures) byLabel.set(c.label, (byLabel.get(c.label) ?? 0) + 1)
  t.same(Object.fromEntries(byLabel), {
    'Summer holiday': 21 + 9 + 21 + 7 + 22 + 6,
    'School holiday': 15,
    'Christmas holiday': 10 + 10 + 11,
    'February half-term': 15,
    'Easter holiday': 10 + 11 + 11,
    'May half-term': 15,
    'Bank holiday': 3,
    'Non-pupil day': 23,
  }, 'weekday closures per label')
})

t.test('Sheffield ICS', async (t) => {
  t.same(fromIcs.coverage, [{ from: '2025-08-01', to: '2028-07-31' }], 'first DTSTART to last DTEND (exclusive 2028-08-01)')
  t.equal(fromIcs.closures.length, 306, 'every date of every event, weekends included, once each')
  t.equal(fromIcs.closures.filter((c) => isWeekday(c.date)).length, 197, '197 weekday closures')
  t.equal(icsLabels.get('2025-12-25'), 'Sheffield: Christmas holiday', 'the longer event wins over the one-day bank holiday')
  t.equal(icsLabels.get('2026-05-04'), 'Sheffield: Bank holiday')
  t.equal(icsLabels.get('2025-08-31'), 'Sheffield: Summer holiday', 'DTEND 20250901 is exclusive: 31 Aug included')
  t.equal(icsLabels.has('2025-09-01'), false, '1 Sep 2025 is not a closure')
  t.equal(icsLabels.get('2025-10-25'), 'Sheffield: School holiday', 'weekend dates are listed too')
})

t.test('JSON and ICS agree on every weekday both cover', async (t) => {
  const from = '2025-08-01'
  const to = '2028-07-31'
  const jsonWeekdays = fromJson.closures.filter((c) => c.date >= from && c.date <= to)
  const icsWeekdays = fromIcs.closures.filter((c) => isWeekday(c.date))
  t.equal(jsonWeekdays.length, 197)
  t.equal(icsWeekdays.length, 197)
  t.same(jsonWeekdays.map((c) => c.date), icsWeekdays.map((c) => c.date), 'same closed weekdays')
  const labelDiffs = jsonWeekdays.filter((c) => stripLa(icsLabels.get(c.date)) !== c.label)
  t.same(labelDiffs, [], 'same labels once the "Sheffield: " prefix is removed')
  for (const d of ['2025-12-25', '2026-02-16', '2026-04-06', '2026-05-04', '2026-05-25', '2026-10-26', '2027-03-26', '2027-08-31', '2028-04-17']) {
    t.equal(stripLa(icsLabels.get(d)), jsonLabels.get(d), `spot check ${d}`)
  }
})

t.test('ICS line endings and folding', async (t) => {
  const crlf = icsText.replace(/\n/g, '\r\n')
  t.same(parseTermDatesIcs(crlf), fromIcs, 'CRLF gives the same result')
  t.same(parseTermDatesIcs(icsText.replace(/\n/g, '\r')), fromIcs, 'bare CR gives the same result')
  // Fold every line after 10 characters, as RFC 5545 allows (CRLF + one space or tab).
  const folded = crlf
    .split('\r\n')
    .map((l) => (l.length > 10 ? `${l.slice(0, 10)}\r\n ${l.slice(10, 20)}${l.length > 20 ? `\r\n\t${l.slice(20)}` : ''}` : l))
    .join('\r\n')
  t.ok(folded.includes('DTSTART;VA\r\n LUE=DATE:2\r\n\t0250801'), 'the fixture really is folded')
  t.same(parseTermDatesIcs(folded), fromIcs, 'folded lines are unfolded')
  t.same(parseTermDatesIcs(`\uFEFF${icsText}`), fromIcs, 'a byte-order mark is ignored')
})

const vcal = (...body: string[]): string => ['BEGIN:VCALENDAR', 'VERSION:2.0', ...body, 'END:VCALENDAR', ''].join('\r\n')
const vevent = (...props: string[]): string[] => ['BEGIN:VEVENT', ...props, 'END:VEVENT']

t.test('ICS event forms', async (t) => {
  const cal = parseTermDatesIcs(
    vcal(
      ...vevent('DTSTART;VALUE=DATE:20260105', 'DURATION:P2D', 'SUMMARY:Two days'),
      ...vevent('DTSTART:20260112', 'SUMMARY:No end means one day'),
      ...vevent('DTSTART;VALUE=DATE:20260119', 'DURATION:P1W', 'SUMMARY;LANGUAGE="en:GB":Whole week\\, escaped\\; text\\nline'),
      ...vevent('DTSTART:20260201T090000Z', 'DTEND:20260201T100000Z', 'SUMMARY:Timed meeting, not a closure'),
      ...vevent('DTSTART;TZID=Europe/London:20260202T090000', 'SUMMARY:Timed with TZID'),
      ...vevent('DTSTART;VALUE=DATE:20260203', 'DTEND;VALUE=DATE:20260204', 'STATUS:CANCELLED', 'SUMMARY:Cancelled'),
      ...vevent('DTSTART;VALUE=DATE:20260209', 'DTEND;VALUE=DATE:20260210', 'SUMMARY:', 'BEGIN:VALARM', 'TRIGGER:-PT15M', 'SUMMARY:alarm text', 'END:VALARM'),
      ...vevent('DTSTART;VALUE=DATE:20260106', 'SUMMARY:Inside the two days'),
    ),
  )
  t.same(cal.coverage, [{ from: '2026-01-05', to: '2026-02-09' }])
  t.same(cal.closures, [
    { date: '2026-01-05', label: 'Two days' },
    { date: '2026-01-06', label: 'Two days' },
    { date: '2026-01-12', label: 'No end means one day' },
    { date: '2026-01-19', label: 'Whole week, escaped; text\nline' },
    { date: '2026-01-20', label: 'Whole week, escaped; text\nline' },
    { date: '2026-01-21', label: 'Whole week, escaped; text\nline' },
    { date: '2026-01-22', label: 'Whole week, escaped; text\nline' },
    { date: '2026-01-23', label: 'Whole week, escaped; text\nline' },
    { date: '2026-01-24', label: 'Whole week, escaped; text\nline' },
    { date: '2026-01-25', label: 'Whole week, escaped; text\nline' },
    { date: '2026-02-09', label: 'Closed' },
  ], 'DURATION, default one day, escapes, quoted params; timed, cancelled and alarm content ignored; empty summary → Closed')
})

t.test('bad ICS gives a clear error', async (t) => {
  const ok = vevent('DTSTART;VALUE=DATE:20260105', 'DTEND;VALUE=DATE:20260106', 'SUMMARY:x')
  t.throws(() => parseTermDatesIcs('hello'), /not an iCalendar file/)
  t.throws(() => parseTermDatesIcs(''), /not an iCalendar file/)
  t.throws(() => parseTermDatesIcs(vcal()), /no all-day events/)
  t.throws(() => parseTermDatesIcs(vcal(...vevent('DTSTART:20260201T090000Z'))), /no all-day events/, 'only timed events')
  t.throws(() => parseTermDatesIcs(['BEGIN:VCALENDAR', ...ok].join('\n')), /no END:VCALENDAR/)
  t.throws(() => parseTermDatesIcs(['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'DTSTART:20260105'].join('\n')), /line 2: VEVENT is never closed/)
  t.throws(() => parseTermDatesIcs(vcal('BEGIN:VEVENT', ...ok)), /BEGIN:VEVENT inside another VEVENT/)
  t.throws(() => parseTermDatesIcs(vcal('END:VEVENT')), /END:VEVENT without BEGIN:VEVENT/)
  t.throws(() => parseTermDatesIcs(vcal(...vevent('SUMMARY:x'))), /VEVENT has no DTSTART/)
  t.throws(() => parseTermDatesIcs(vcal(...vevent('DTSTART;VALUE=DATE:20260230'))), /DTSTART must be a date YYYYMMDD, got "20260230"/)
  t.throws(() => parseTermDatesIcs(vcal(...vevent('DTSTART;VALUE=DATE:20260105T090000'))), /DTSTART must be a date/, 'VALUE=DATE with a time')
  t.throws(() => parseTermDatesIcs(vcal(...vevent('DTSTART;VALUE=DATE:20260105', 'DTEND:20260106T000000Z'))), /DTEND is a date-time but DTSTART is a date/)
  t.throws(() => parseTermDatesIcs(vcal(...vevent('DTSTART;VALUE=DATE:20260105', 'DTEND;VALUE=DATE:20260105'))), /ends \(2026-01-05, exclusive\) on or before it starts/)
  t.throws(() => parseTermDatesIcs(vcal(...vevent('DTSTART;VALUE=DATE:20260105', 'DURATION:PT1H'))), /DURATION must be whole days or weeks/)
  t.throws(() => parseTermDatesIcs(vcal(...vevent('DTSTART;VALUE=DATE:20260105', 'DURATION:P0D'))), /DURATION must be whole days or weeks/)
  t.throws(() => parseTermDatesIcs(vcal(...vevent('DTSTART;VALUE=DATE:20260105', 'RRULE:FREQ=YEARLY'))), /recurring events \(RRULE\) are not supported/)
  t.throws(() => parseTermDatesIcs(vcal(...vevent('DTSTART;VALUE=DATE:20260105', 'NO COLON HERE'))), /line 5: expected NAME:VALUE/)
})

t.test('JSON variants and bad JSON', async (t) => {
  const year = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    name: '2030-31',
    dates: [{ date: '2030-09-02' }],
    school_holidays: [],
    bank_holidays: [],
    ...over,
  })
  const simple = parseTermDatesJson({ academic_years: [year({ name: 'anything', dates: ['2030-09-02', '2030-09-06'], school_holidays: [{ start: '2030-09-03', end: '2030-09-03' }] })] })
  t.same(simple.coverage, [{ from: '2030-09-02', to: '2030-09-06' }], 'no usable name: coverage from its dates and holidays; dates may be plain strings')
  t.same(simple.closures, [
    { date: '2030-09-03', label: 'School holiday' },
    { date: '2030-09-04', label: 'Non-pupil day' },
    { date: '2030-09-05', label: 'Non-pupil day' },
  ], 'unlabelled holiday → "School holiday"; other missing weekdays → "Non-pupil day"')
  t.same(parseTermDatesJson({ academic_years: [year({ name: '2030/2031' })] }).coverage, [{ from: '2030-09-01', to: '2031-08-31' }], '"2030/2031" names a year')
  t.same(parseTermDatesJson({ academic_years: [year({ name: '2030-32' })] }).coverage, [{ from: '2030-09-02', to: '2030-09-02' }], '"2030-32" is not an academic year name')
  t.same(parseTermDatesJson({ academic_years: [year({ name: '2030-2032' })] }).coverage, [{ from: '2030-09-02', to: '2030-09-02' }], '"2030-2032" is not either')
  t.same(
    parseTermDatesJson({ academic_years: [year(), year({ name: '2032-33', dates: [{ date: '2032-09-01' }] })] }).coverage,
    [{ from: '2030-09-01', to: '2031-08-31' }, { from: '2032-09-01', to: '2033-08-31' }],
    'a missing year leaves a gap in coverage',
  )
  t.same(
    parseTermDatesJson({ academic_years: [{ name: '2030-31', dates: ['2030-09-02'], school_holidays: [{ start: '2031-08-25', end: '2031-09-02', label: 'Late summer' }] }] }).coverage,
    [{ from: '2030-09-01', to: '2031-09-02' }],
    'a holiday running past 31 Aug widens the year',
  )
  t.same(parseTermDatesJson({ academic_years: [{ dates: ['2030-09-02', '2030-09-03'] }] }), { coverage: [{ from: '2030-09-02', to: '2030-09-03' }], closures: [] }, 'name, holidays and bank holidays are optional')
  const bank = parseTermDatesJson({ academic_years: [year({ name: 'x', dates: ['2030-08-23', '2030-08-27'], bank_holidays: ['2030-08-26'] })] })
  t.same(bank.closures, [{ date: '2030-08-26', label: 'Bank holiday' }])

  t.throws(() => parseTermDatesJson(null), /expected a JSON object at the top level/)
  t.throws(() => parseTermDatesJson([]), /expected a JSON object at the top level/)
  t.throws(() => parseTermDatesJson({}), /academic_years must be an array/)
  t.throws(() => parseTermDatesJson({ academic_years: [] }), /academic_years is empty/)
  t.throws(() => parseTermDatesJson({ academic_years: ['2025-26'] }), /academic_years\[0\] must be an object/)
  t.throws(() => parseTermDatesJson({ academic_years: [year({ dates: 'x' })] }), /academic_years\[0\]\.dates must be an array/)
  t.throws(() => parseTermDatesJson({ academic_years: [year({ dates: [] })] }), /dates is empty/)
  t.throws(() => parseTermDatesJson({ academic_years: [year({ dates: [{ date: '02/09/2030' }] })] }), /dates\[0\]\.date must be a date YYYY-MM-DD, got "02\/09\/2030"/)
  t.throws(() => parseTermDatesJson({ academic_years: [year({ dates: [42] })] }), /dates\[0\] must be a date/)
  t.throws(() => parseTermDatesJson({ academic_years: [year({ school_holidays: ['x'] })] }), /school_holidays\[0\] must be an object/)
  t.throws(() => parseTermDatesJson({ academic_years: [year({ school_holidays: [{ start: '2030-10-30', end: '2030-10-20' }] })] }), /end 2030-10-20 is before start 2030-10-30/)
  t.throws(() => parseTermDatesJson({ academic_years: [year({ school_holidays: [{ start: '2030-10-30' }] })] }), /school_holidays\[0\]\.end must be a date/)
  t.throws(() => parseTermDatesJson({ academic_years: [year({ bank_holidays: ['Christmas'] })] }), /bank_holidays\[0\] must be a date/)
})

t.test('parseTermDates picks the parser by extension and names the file in errors', async (t) => {
  t.same(parseTermDates('SHEFFIELD.JSON', jsonText), fromJson, 'extension is case-insensitive')
  t.same(parseTermDates('dir.v2/sheffield.ics', icsText), fromIcs)
  t.same(parseTermDates('bom.json', `\uFEFF${jsonText}`), fromJson, 'JSON with a byte-order mark')
  t.throws(() => parseTermDates('broken.json', '{"academic_years": ['), /^broken\.json: not valid JSON/)
  t.throws(() => parseTermDates('empty.json', '{}'), /empty\.json: term dates JSON: academic_years must be an array/)
  t.throws(() => parseTermDates('x.ics', 'nope'), /x\.ics: iCalendar: not an iCalendar file/)
  t.throws(() => parseTermDates('terms.csv', 'a,b'), /terms\.csv: unsupported term-dates file type; expected \.json or \.ics/)
  t.throws(() => parseTermDates('README', ''), /README: unsupported term-dates file type/)
})

t.test('term dates outside 1900–2100, or a closure longer than a school year, are refused with where', async (t) => {
  const year = (over: Record<string, unknown> = {}): Record<string, unknown> => ({ name: '2030-31', dates: ['2030-09-02'], ...over })
  t.throws(() => parseTermDatesJson({ academic_years: [year({ dates: ['0026-09-02'] })] }), /dates\[0\] must be a date from 1900-01-01 to 2100-12-31, with a four-digit year, got "0026-09-02"/)
  t.throws(() => parseTermDatesJson({ academic_years: [year({ school_holidays: [{ start: '2030-10-28', end: '9999-11-01' }] })] }), /school_holidays\[0\]\.end must be a date from 1900-01-01/)
  t.throws(() => parseTermDatesJson({ academic_years: [year({ bank_holidays: ['1899-12-25'] })] }), /bank_holidays\[0\] must be a date from 1900-01-01/)
  t.throws(() => parseTermDatesJson({ academic_years: [year({ name: '2100-01', dates: ['2100-09-01'] })] }), /name names an academic year outside 1900–2100/)
  // One pupil day in two academic years: everything between is closed for well over a year.
  t.throws(
    () => parseTermDatesJson({ academic_years: [year({ dates: ['2030-09-02'] }), year({ name: '2031-32', dates: ['2032-07-19'] })] }),
    /closes for \d+ days in a row \(2030-09-03 to 2032-07-18\); no closure may be longer than a school year \(366 days\)/,
  )
  t.throws(() => parseTermDatesIcs(vcal(...vevent('DTSTART;VALUE=DATE:00260105', 'SUMMARY:x'))), /line \d+: DTSTART must be a date from 1900-01-01 to 2100-12-31, with a four-digit year, got "00260105"/)
  t.throws(() => parseTermDatesIcs(vcal(...vevent('DTSTART;VALUE=DATE:20260105', 'DTEND;VALUE=DATE:99991231'))), /DTEND must be a date from 1900-01-01/)
  t.throws(() => parseTermDatesIcs(vcal(...vevent('DTSTART;VALUE=DATE:20260105', 'DTEND;VALUE=DATE:20270301'))), /a closure of 420 days \(2026-01-05 to 2027-02-28\) is longer than a school year/)
  t.throws(() => parseTermDatesIcs(vcal(...vevent('DTSTART;VALUE=DATE:20260105', 'DURATION:P99999999W'))), /a closure of 699999993 days is longer than a school year/)
  // Two events of half a year each, back to back: no one event is too long, the closure is.
  t.throws(
    () => parseTermDatesIcs(vcal(...vevent('DTSTART;VALUE=DATE:20260105', 'DTEND;VALUE=DATE:20260801'), ...vevent('DTSTART;VALUE=DATE:20260801', 'DTEND;VALUE=DATE:20270201'))),
    /iCalendar: closes for \d+ days in a row/,
  )
  t.equal(parseTermDatesIcs(vcal(...vevent('DTSTART;VALUE=DATE:21001225', 'DTEND;VALUE=DATE:21010101'))).closures.length, 7, 'a closure to the last day of 2100 ends (exclusive) on 2101-01-01')
})
