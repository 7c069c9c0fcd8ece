import { writeFile } from 'node:fs/promises'
import { loadConfig } from '../../config.js'
import { monthRange } from '../../domain/board-pack.js'
import { boardPackFor, boardPackHtml } from '../../pack/board-pack.js'
import { htmlToPdf } from '../../pack/pdf.js'
import { laOption, str, UsageError, type Command } from '../command.js'

export const reportPackCommand: Command = {
  name: 'report pack',
  args: '--la <code> --month <YYYY-MM> --out <file.pdf>',
  about: "write an LA's monthly board pack (timeliness and board figures, small numbers withheld) as a PDF",
  options: { la: { type: 'string' }, month: { type: 'string' }, out: { type: 'string' } },
  async run({ db, out, values, usage }) {
    const la = laOption(values, 'report pack', usage)
    const month = str(values, 'month')
    if (month === undefined) throw new UsageError('report pack needs --month <YYYY-MM>', usage)
    const range = monthRange(month)
    if ('error' in range) throw new UsageError(`--month ${range.error} (got ${JSON.stringify(month)})`, usage)
    const file = str(values, 'out')
    if (!file) throw new UsageError('report pack needs --out <file.pdf>', usage)
    const config = loadConfig()
    const pack = await boardPackFor({ db, pseudonymKey: config.REPORT_PSEUDONYM_KEY, warn: (m) => out(`warning: ${m}`) }, { la, month })
    const pdf = await htmlToPdf(boardPackHtml(pack, new Date()), config.CHROMIUM_PATH)
    await writeFile(file, pdf)
    out(`board pack for LA ${la}, ${range.name}: ${file} (${pdf.length} bytes)`)
  },
}
