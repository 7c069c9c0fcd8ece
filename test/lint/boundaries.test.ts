// `npm run lint` enforces the layers (eslint.config.js). Each rule is shown failing on a file that
// breaks it, and staying quiet on one that keeps it, through the same ESLint and config as CI: a
// rule that silently stopped matching (a moved folder, a resolver that no longer finds .ts files)
// would pass the lint of the real code and fail here.
import { ESLint } from 'eslint'
import t from 'tap'
import { projectRoot } from '../../src/paths.js'

const eslint = new ESLint({ cwd: projectRoot })

/** The messages ESLint gives a file of this text at this path (the path decides its layer). */
async function lint(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${projectRoot}/${filePath}` })
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`)
}

t.test('the domain importing the store, the process modules or file I/O fails the lint', async (t) => {
  for (const [what, code] of [
    ['the store', "import { createPool } from '../store/db.js'\nexport const p = createPool"],
    ['http', "import { problem } from '../http/problem.js'\nexport const p = problem"],
    ['a queue', "import { QUEUES } from '../queue/queues.js'\nexport const q = QUEUES"],
    ['mail', "import { createTransport } from '../mail/transport.js'\nexport const m = createTransport"],
    ['the configuration', "import { loadConfig } from '../config.js'\nexport const c = loadConfig"],
    ['node:fs', "import { readFileSync } from 'node:fs'\nexport const r = readFileSync"],
    ['fs/promises', "import { readFile } from 'fs/promises'\nexport const r = readFile"],
    ['pg', "import pg from 'pg'\nexport const p = pg"],
  ] as const) {
    const messages = await lint('src/domain/lint-fixture.ts', code)
    t.ok(messages.some((m) => m.includes('domain-is-pure')), `importing ${what}: ${messages.join(' | ') || 'no error'}`)
  }
})

t.test('the domain importing its own modules and pure packages passes', async (t) => {
  const code = "import { z } from 'zod'\nimport { createHash } from 'node:crypto'\nimport { londonDateOf } from './london-time.js'\nexport const x = [z, createHash, londonDateOf]"
  t.same(await lint('src/domain/lint-fixture.ts', code), [])
})

t.test('the store importing http or a queue fails; importing the domain passes', async (t) => {
  const http = await lint('src/store/lint-fixture.ts', "import { problem } from '../http/problem.js'\nexport const p = problem")
  t.ok(http.some((m) => m.includes('store-knows-no-http-or-queue')), http.join(' | ') || 'no error')
  const queue = await lint('src/store/lint-fixture.ts', "import { QUEUES } from '../queue/queues.js'\nexport const q = QUEUES")
  t.ok(queue.some((m) => m.includes('store-knows-no-http-or-queue')), queue.join(' | ') || 'no error')
  t.same(await lint('src/store/lint-fixture.ts', "import { londonDateOf } from '../domain/london-time.js'\nexport const sql = `SELECT 1 FROM t`\nexport const l = londonDateOf"), [])
})

t.test('http importing mail fails; importing the store and a queue passes', async (t) => {
  const mail = await lint('src/http/routes/lint-fixture.ts', "import { createTransport } from '../../mail/transport.js'\nexport const m = createTransport")
  t.ok(mail.some((m) => m.includes('http-sends-no-mail')), mail.join(' | ') || 'no error')
  t.same(await lint('src/http/routes/lint-fixture.ts', "import { getForce } from '../../store/forces-store.js'\nimport { QUEUES } from '../../queue/queues.js'\nexport const x = [getForce, QUEUES]"), [])
})

t.test('SQL outside the store fails, in a string, a template or through pg', async (t) => {
  for (const code of [
    "export const q = 'SELECT id FROM incidents'",
    'export const q = `\n  UPDATE notifications SET status = $1`',
    "import pg from 'pg'\nexport const p = pg",
  ]) {
    const messages = await lint('src/queue/lint-fixture.ts', code)
    t.ok(messages.some((m) => m.includes('sql-only-in-store')), `${code}: ${messages.join(' | ') || 'no error'}`)
  }
  t.same(await lint('src/queue/lint-fixture.ts', "export const words = 'Select a school from the list'"), [], 'prose is not SQL')
})

t.test('a file on the temporary allow-list is excused from its named rule only', async (t) => {
  // ack.ts may still import mail/ack-links until helper F's merge, but SQL in it is still refused.
  t.same(await lint('src/http/routes/ack.ts', "import { verifyAckToken } from '../../mail/ack-links.js'\nexport const v = verifyAckToken"), [])
  const sql = await lint('src/http/routes/ack.ts', "export const q = 'DELETE FROM acknowledgements'")
  t.ok(sql.some((m) => m.includes('sql-only-in-store')), sql.join(' | ') || 'no error')
})
