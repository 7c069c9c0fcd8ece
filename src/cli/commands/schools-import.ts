import { basename } from 'node:path'
import { readGiasFile } from '../../store/gias-files.js'
import { audit } from '../../store/audit-store.js'
import { importDirectory } from '../../store/schools-store.js'
import { encodingOption, type Command } from '../command.js'
import { checkReadable } from '../input.js'

export const schoolsImportCommand: Command = {
  name: 'schools import',
  args: '<gias.csv> [--encoding utf-8|windows-1252]',
  about: 'load or refresh settings from a DfE GIAS CSV (raw GIAS downloads are windows-1252)',
  options: { encoding: { type: 'string' } },
  positionals: ['<gias.csv>'],
  readsFile: true,
  async run({ db, out, progress, values, positionals, usage }) {
    const file = positionals[0]!
    const encoding = encodingOption(values, usage)
    await checkReadable(file)
    const started = Date.now()
    const { count } = await importDirectory(db, readGiasFile(file, { source: basename(file), encoding }), (n) =>
      progress?.(`imported ${n} establishments...`),
    )
    progress?.(`imported ${count} establishments`, true)
    await audit(db, { actor: 'cli', action: 'directory.import', subjectType: 'directory', reason: 'GIAS import', detail: { file: basename(file), count } })
    out(`imported ${count} establishments from ${basename(file)} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  },
}
