import { parseTermDates } from '../../domain/term-dates.js'
import { audit } from '../../store/audit-store.js'
import { replaceTermDates } from '../../store/calendar-store.js'
import { laOption, type Command } from '../command.js'
import { inFile, readTextInput } from '../input.js'

export const calendarTermsCommand: Command = {
  name: 'calendar terms',
  args: '--la <code> <file.json|file.ics>',
  about: "load a local authority's term dates",
  options: { la: { type: 'string' } },
  positionals: ['<file.json|file.ics>'],
  readsFile: true,
  async run({ db, out, values, positionals, usage }) {
    const la = laOption(values, 'calendar terms', usage)
    const file = positionals[0]!
    const text = await readTextInput(file)
    let cal
    try {
      cal = parseTermDates(file, text)
    } catch (err) {
      throw inFile(file, err)
    }
    const n = await replaceTermDates(db, la, cal)
    await audit(db, { actor: 'cli', action: 'calendar.terms', subjectType: 'la', subjectId: la, reason: 'term dates loaded', detail: { closures: n } })
    out(`loaded ${n} closure days for LA ${la} covering ${cal.coverage.map((c) => `${c.from}..${c.to}`).join(', ')}`)
  },
}
