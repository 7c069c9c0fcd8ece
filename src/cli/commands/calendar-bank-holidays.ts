import { parseGovUkBankHolidays } from '../../domain/bank-holidays.js'
import { audit } from '../../store/audit-store.js'
import { replaceBankHolidays } from '../../store/calendar-store.js'
import type { Command } from '../command.js'
import { inFile, readTextInput } from '../input.js'

export const calendarBankHolidaysCommand: Command = {
  name: 'calendar bank-holidays',
  args: '<bank-holidays.json>',
  about: 'load the GOV.UK feed (England and Wales division)',
  positionals: ['<bank-holidays.json>'],
  readsFile: true,
  async run({ db, out, positionals }) {
    const file = positionals[0]!
    const text = await readTextInput(file)
    let events
    try {
      events = parseGovUkBankHolidays(JSON.parse(text))
    } catch (err) {
      throw inFile(file, err instanceof SyntaxError ? new Error(`not valid JSON (${err.message})`) : err)
    }
    await replaceBankHolidays(db, events)
    await audit(db, { actor: 'cli', action: 'calendar.bank-holidays', subjectType: 'calendar', reason: 'bank holidays loaded', detail: { count: events.length } })
    out(`loaded ${events.length} England and Wales bank holidays (${events[0]?.date} to ${events.at(-1)?.date})`)
  },
}
