// GIAS register files from disk, for the pure reader in domain/gias-csv.ts: the LA table the service
// ships (data/la-codes.csv, which files naming LAs without codes need) and a register file streamed
// through the reader with that table.
import { createReadStream, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { loadLaCodes, readGiasCsv, type DirectoryRecord, type ReadGiasOptions } from '../domain/gias-csv.js'
import { dataDir } from '../paths.js'

let bundled: Map<string, string> | undefined
/** The LA table shipped in data/la-codes.csv (read once). */
export function bundledLaCodes(): Map<string, string> {
  bundled ??= loadLaCodes([readFileSync(join(dataDir, 'la-codes.csv'), 'utf8')])
  return bundled
}

/**
 * The establishments in a GIAS CSV file, streamed (the full register is tens of MB). Errors name
 * the file (`source`, default its base name); LA codes come from data/la-codes.csv unless given.
 */
export function readGiasFile(path: string, opts: ReadGiasOptions = {}): AsyncGenerator<DirectoryRecord> {
  return readGiasCsv(createReadStream(path), { source: basename(path), ...opts, laCodesByName: opts.laCodesByName ?? bundledLaCodes() })
}
