import { loadConfig } from '../../config.js'
import { purgeExpiredPersonalData } from '../../store/retention-store.js'
import { MAX_DAYS, wholeNumber, type Command } from '../command.js'

export const purgeCommand: Command = {
  name: 'purge',
  args: '[--days <n>]',
  about: "remove children's personal details past retention now (default RETENTION_DAYS)",
  options: { days: { type: 'string' } },
  async run({ db, out, values }) {
    const days = wholeNumber(values, 'days', 0, MAX_DAYS) ?? loadConfig().RETENTION_DAYS
    const r = await purgeExpiredPersonalData(db, new Date(), days)
    out(`purged personal details of ${r.children} children and ${r.incidents} incident summaries (retention ${days} days)`)
  },
}
