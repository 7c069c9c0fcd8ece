// GIAS files from disk (store/gias-files.ts): the reading the pure domain reader no longer does.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { laNameKey, type DirectoryRecord } from '../../src/domain/gias-csv.js'
import { dataDir } from '../../src/paths.js'
import { bundledLaCodes, readGiasFile } from '../../src/store/gias-files.js'

async function all(gen: AsyncGenerator<DirectoryRecord>): Promise<DirectoryRecord[]> {
  const out: DirectoryRecord[] = []
  for await (const r of gen) out.push(r)
  return out
}

t.test('a register naming LAs without codes gets them from the shipped LA table', async (t) => {
  const rows = await all(readGiasFile(join(dataDir, 'gias', 'gias-establishments-all-20240617.csv')))
  t.equal(rows.length, 51012)
  t.equal(rows.filter((r) => r.laCode === undefined).length, 9, 'only "Scotland Offshore Establishments" has no GIAS LA code')
  t.equal(bundledLaCodes().get(laNameKey('Stockton-on-Tees')), '808')
})

t.test("a bad row is named by the file's name and line; a given LA table is used instead of the shipped one", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gias-files-'))
  const file = join(dir, 'register.csv')
  writeFileSync(file, 'urn,name,local_authority_name,status\n100001,A,Stockton-on-Tees,Open\n12,B,Sheffield,Open\n')
  await t.rejects(all(readGiasFile(file)), { name: 'GiasCsvError', message: /^register\.csv line 3: URN "12"/ })
  writeFileSync(file, 'urn,name,local_authority_name,status\n100001,A,Stockton-on-Tees,Open\n100002,B,Sheffield,Open\n')
  const rows = await all(readGiasFile(file, { laCodesByName: new Map([[laNameKey('Sheffield'), '999']]) }))
  t.same(rows.map((r) => r.laCode), [undefined, '999'])
})
