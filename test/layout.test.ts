// test/ mirrors src/: every domain module has its own unit-test file, named after it
// (src/domain/x.ts → test/domain/x.test.ts), so a new rule cannot arrive without a test of its own.
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join, relative } from 'node:path'

const root = fileURLToPath(new URL('../', import.meta.url))

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [])
}

t.test('every src/domain module has test/domain/<module>.test.ts', async (t) => {
  const modules = tsFiles(join(root, 'src/domain')).map((f) => relative(join(root, 'src/domain'), f))
  t.ok(modules.length > 10, `${modules.length} domain modules found`)
  const tests = new Set(tsFiles(join(root, 'test/domain')).map((f) => relative(join(root, 'test/domain'), f)))
  const missing = modules.filter((m) => !tests.has(m.replace(/\.ts$/, '.test.ts')))
  t.same(missing, [], 'domain modules without a unit-test file of their own')
})

t.test('tests do not reach into bench/: the harness lives in test/helpers', async (t) => {
  const offenders = tsFiles(join(root, 'test'))
    .filter((f) => /from '(\.\.\/)+bench\//.test(readFileSync(f, 'utf8')))
    .map((f) => relative(root, f))
  t.same(offenders, [])
})
