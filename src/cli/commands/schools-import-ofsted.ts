import { basename } from 'node:path'
import { parseOfstedChildcareCsv } from '../../domain/ofsted-childcare-csv.js'
import { audit } from '../../store/audit-store.js'
import { bundledLaCodes } from '../../store/gias-files.js'
import { importDirectory } from '../../store/schools-store.js'
import { encodingOption, type Command } from '../command.js'
import { inFile, readTextInput } from '../input.js'

export const schoolsImportOfstedCommand: Command = {
  name: 'schools import-ofsted',
  args: '<childcare-providers.csv> [--encoding utf-8|windows-1252]',
  about: "load or refresh registered childcare providers (nurseries, childminders) from Ofsted's provider-level CSV",
  options: { encoding: { type: 'string' } },
  positionals: ['<childcare-providers.csv>'],
  readsFile: true,
  async run({ db, out, values, positionals, usage }) {
    const file = positionals[0]!
    const text = await readTextInput(file, encodingOption(values, usage))
    let records
    try {
      records = parseOfstedChildcareCsv(text, { source: basename(file), laCodesByName: bundledLaCodes() })
    } catch (err) {
      throw inFile(file, err)
    }
    const { count } = await importDirectory(db, records, undefined, 'ofsted')
    await audit(db, { actor: 'cli', action: 'directory.import', subjectType: 'directory', reason: 'Ofsted childcare import', detail: { file: basename(file), count } })
    out(`imported ${count} childcare providers from ${basename(file)}`)
  },
}
