// docs/retention.md names a rule for every table the migrations make (issue 16): a table added
// without one fails here, so no table is kept for ever by omission.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { createTestDatabase } from '../helpers/harness.js'

const database = await createTestDatabase()
t.teardown(() => database.drop())

t.test('every table of the migrated schema has its row in docs/retention.md', async (t) => {
  const doc = readFileSync(new URL('../../docs/retention.md', import.meta.url), 'utf8')
  // A table's rule is a row of one of the document's tables whose first cell names it in backticks.
  const named = new Set([...doc.matchAll(/^\|\s*([^|]+)\|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([a-z_]+)`/g)].map((x) => x[1]!)))
  const { rows } = await database.db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`)
  const tables = rows.map((r) => r.table_name)
  t.ok(tables.length > 20, `the schema has its tables (${tables.length})`)
  t.same(tables.filter((name) => !named.has(name)), [], 'tables without a retention rule')
})
