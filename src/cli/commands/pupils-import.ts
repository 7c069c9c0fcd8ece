import { basename } from 'node:path'
import { londonDateOf } from '../../domain/london-time.js'
import { audit } from '../../store/audit-store.js'
import { parseRollCsv, replaceRoll, RollShrinkRefused, unknownRollUrns, validateRoll } from '../../store/pupil-roll-store.js'
import { DataError, encodingOption, laOption, type Command } from '../command.js'
import { readTextInput } from '../input.js'

/** Up to ten problems in one line; they name lines and fields, never a child's name or date of birth. */
function problemsLine(file: string, errors: { path: string; message: string }[]): string {
  const shown = errors.slice(0, 10).map((e) => {
    const field = e.path.split('/').at(-1)
    const m = /^line (\d+): (.*)$/.exec(e.message)
    return m ? `line ${m[1]} ${field}: ${m[2]}` : `${field ? `${field}: ` : ''}${e.message}`
  })
  return `${basename(file)}: nothing imported, ${errors.length} problem${errors.length === 1 ? '' : 's'}: ${shown.join('; ')}${errors.length > shown.length ? `; and ${errors.length - shown.length} more` : ''}`
}

export const pupilsImportCommand: Command = {
  name: 'pupils import',
  args: '--la <code> <roll.csv> [--replace-all] [--encoding utf-8|windows-1252]',
  about: "replace an LA's pupil roll (given_name, family_name, date_of_birth, urn); --replace-all to empty it or cut it by half or more",
  options: { la: { type: 'string' }, 'replace-all': { type: 'boolean' }, encoding: { type: 'string' } },
  positionals: ['<roll.csv>'],
  readsFile: true,
  async run({ db, out, values, positionals, usage }) {
    const la = laOption(values, 'pupils import', usage)
    const encoding = encodingOption(values, usage)
    const file = positionals[0]!
    const parsed = parseRollCsv(await readTextInput(file, encoding))
    const checked = validateRoll(parsed.rows, londonDateOf(new Date()), parsed.lineOf)
    const errors = [...parsed.errors, ...checked.errors]
    if (errors.length > 0) throw new DataError(problemsLine(file, errors))
    let r
    try {
      r = await replaceRoll(db, la, checked.rows, new Date(), basename(file), { replaceAll: values['replace-all'] === true })
    } catch (err) {
      if (err instanceof RollShrinkRefused) throw new DataError(`${basename(file)}: ${err.message}; run it again with --replace-all if that is right`)
      throw err
    }
    const unknown = await unknownRollUrns(db, la)
    await audit(db, { actor: 'cli', action: 'pupil-roll.import', subjectType: 'la', subjectId: la, reason: 'pupil roll replaced', detail: { pupils: r.pupils, noSetting: r.noSetting, replaced: r.replaced } })
    out(`replaced LA ${la}'s roll: ${r.pupils} pupils, ${r.noSetting} with no setting${unknown.length ? `; URNs not in the directory: ${unknown.join(', ')}` : ''}`)
  },
}
