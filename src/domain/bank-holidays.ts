// England & Wales bank holidays from the GOV.UK feed (https://www.gov.uk/bank-holidays.json). Rule 6
// says keep them as data, never compute them: one-off holidays (jubilees, a coronation, a state
// funeral) and substitute days cannot be derived from rules. Operation Encompass covers England and
// Wales only, so only the `england-and-wales` division is read; the parser checks the shape so a
// changed or truncated feed fails loudly instead of silently dropping holidays from deadlines.

import { plainDateProblem } from './date-bounds.js'

export const ENGLAND_AND_WALES = 'england-and-wales'

export interface BankHoliday {
  date: string
  title: string
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The England & Wales events of a GOV.UK bank-holidays feed, sorted by date, one per date. Throws on a malformed feed. */
export function parseGovUkBankHolidays(json: unknown): BankHoliday[] {
  const where = 'GOV.UK bank-holidays feed'
  if (!isRecord(json)) throw new Error(`${where}: expected a JSON object at the top level`)
  const division = json[ENGLAND_AND_WALES]
  if (!isRecord(division)) throw new Error(`${where}: missing the "${ENGLAND_AND_WALES}" division`)
  const events = division['events']
  if (!Array.isArray(events)) throw new Error(`${where}: "${ENGLAND_AND_WALES}.events" must be an array`)
  if (events.length === 0) throw new Error(`${where}: "${ENGLAND_AND_WALES}.events" is empty`)
  const seen = new Set<string>()
  const out: BankHoliday[] = []
  events.forEach((ev: unknown, i) => {
    const at = `${where}: ${ENGLAND_AND_WALES}.events[${i}]`
    if (!isRecord(ev)) throw new Error(`${at} must be an object`)
    const { date, title } = ev
    const problem = typeof date === 'string' ? plainDateProblem(date) : 'must be a date YYYY-MM-DD'
    if (typeof date !== 'string' || problem) throw new Error(`${at}.date ${problem}, got ${JSON.stringify(date)}`)
    if (typeof title !== 'string' || title.trim() === '') {
      throw new Error(`${at}.title must be a non-empty string, got ${JSON.stringify(title)}`)
    }
    // A repeated date changes no deadline: keep the first title.
    if (seen.has(date)) return
    seen.add(date)
    out.push({ date, title })
  })
  return out.sort((a, b) => (a.date < b.date ? -1 : 1)) // dates are unique here
}
