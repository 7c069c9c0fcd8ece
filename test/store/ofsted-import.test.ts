// Ofsted's registered childcare providers beside the DfE register: `schools import-ofsted` loads
// the provider-level CSV (data/ofsted: generated, with the real headings), and the name + postcode
// lookup then finds nurseries and named childminders as it finds schools.
import t from 'tap'
import { fileURLToPath } from 'node:url'
import { runCli } from '../../src/cli.js'
import { getSchool } from '../../src/store/schools-store.js'
import { currentDirectoryIndex } from '../../src/store/directory-search.js'
import { createTestDatabase, importRealRegister } from '../helpers/harness.js'

const database = await createTestDatabase()
t.teardown(() => database.drop())
const { db } = database
await importRealRegister(db)
const fixture = fileURLToPath(new URL('../../data/ofsted/childcare-providers-fixture.csv', import.meta.url))
const lines: string[] = []
await runCli(['schools', 'import-ofsted', fixture], db, (l) => lines.push(l))

t.test('the import says what it loaded and keeps each provider’s kind, LA and status', async (t) => {
  t.match(lines.at(-1), /^imported 11 childcare providers from childcare-providers-fixture\.csv$/)
  t.has(await getSchool(db, 'EY401001'), { name: 'Little Acorns Day Nursery', type: 'early-years', establishmentType: 'Childcare on non-domestic premises', laCode: '808', postcode: 'TS18 3ZX', open: true })
  t.has(await getSchool(db, 'EY401003'), { name: 'URN EY401003', type: 'childminder', laCode: '808', postcode: null }, 'a redacted childminder: no name or address kept')
  t.has(await getSchool(db, 'EY401005'), { open: false, status: 'Resigned' })
  const { rows } = await db.query("SELECT count(*)::int AS n FROM schools WHERE source = 'ofsted'")
  t.equal(rows[0].n, 11)
})

t.test('importing again changes nothing and keeps an administrator’s name for a redacted childminder', async (t) => {
  await db.query("UPDATE schools SET name = 'Pat Example Childminding' WHERE urn = 'EY401003'")
  await runCli(['schools', 'import-ofsted', fixture], db, () => {})
  t.equal((await getSchool(db, 'EY401003'))?.name, 'Pat Example Childminding')
})

t.test('name + postcode finds a nursery and a named childminder as it finds a school', async (t) => {
  const index = await currentDirectoryIndex(db)
  const found = (name: string, postcode: string) => {
    const d = index.decide({ name, postcode })
    return d.kind === 'identified' ? d.candidate.urn : d.reason
  }
  t.equal(found('Little Acorns Nursery', 'TS18'), 'EY401001')
  t.equal(found('Bright Stars Childminding', 'TS5 6ZX'), 'EY401004')
  t.equal(found('St Marys Nursery', 'S2 9ZX'), 'EY401008')
  t.equal(found('Yarm Day Nursery', 'TS15'), '2654321', 'the nursery, not Yarm Primary School in the same district')
  t.equal(found('Yarm Primary School', 'TS15'), '140599', 'and the school is still the school')
})

t.test('an Ofsted file given to the GIAS importer is refused, and the other way round', async (t) => {
  await t.rejects(runCli(['schools', 'import', fixture], db, () => {}))
  const gias = fileURLToPath(new URL('../../data/gias/gias-la-name-codes-welsh.csv', import.meta.url))
  await t.rejects(runCli(['schools', 'import-ofsted', gias], db, () => {}), /no header row with "Provider URN"/)
})
