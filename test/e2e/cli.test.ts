// The deployment's own tools against a real database: migrations twice, tokens and forces, the
// full DfE register import (idempotent, layered with the postcode file), calendars; and
// configuration errors that name the setting. The CLI as a process: cli-process.test.ts.
import { spawnSync } from 'node:child_process'
import t from 'tap'
import { runCli } from '../../src/cli.js'
import { ConfigError, loadConfig } from '../../src/config.js'
import { migrate } from '../../src/store/migrate.js'
import { authenticate } from '../../src/store/tokens-store.js'
import { createTestDatabase } from '../helpers/harness.js'

const shared = (p: string) => new URL(`../../data/${p}`, import.meta.url).pathname
const database = await createTestDatabase()
t.teardown(() => database.drop())
const db = database.db
const run = async (...args: string[]) => {
  const lines: string[] = []
  await runCli(args, db, (l) => lines.push(l))
  return lines
}

t.test('migrate is safe to run twice', async (t) => {
  t.same(await migrate(db), [], 'already applied by the harness: nothing to do')
  t.same(await run('migrate'), ['migrations: nothing to apply'])
})

t.test('tokens create prints the token once, on its own last line, and it authenticates with its scope', async (t) => {
  t.match((await run('forces', 'create', 'cleveland', '--desk-email', 'desk@cleveland.police.example'))[0], /created force cleveland \(Encompass desk desk@cleveland.police.example\)/)
  await db.query(`INSERT INTO schools (urn, name, la_code) VALUES ('111234', 'Example Primary School', '808')`)
  const police = await run('tokens', 'create', '--role', 'police', '--force', 'cleveland', '--name', 'RMS feed')
  const secret = police.at(-1)!
  t.match(secret, /^enc_[A-Za-z0-9_-]{43}$/)
  t.match(await authenticate(db, secret), { role: 'police', forceCode: 'cleveland', name: 'RMS feed' })
  const dsl = await run('tokens', 'create', '--role', 'dsl', '--urn', '111234')
  t.match(await authenticate(db, dsl.at(-1)!), { role: 'dsl', urn: '111234' })
  await t.rejects(run('tokens', 'create', '--role', 'police'), /needs --force/)
  await t.rejects(run('tokens', 'create', '--role', 'dsl', '--urn', 'abc'), /needs --urn/)
  await t.rejects(run('tokens', 'create', '--role', 'superuser'), /--role must be one of/)
  await t.rejects(run('tokens', 'create', '--role', 'dsl', '--urn', '999999'), /no setting with URN 999999 in the directory/)
  await t.rejects(run('tokens', 'create', '--role', 'admin', '--force', 'cleveland'), /--force is for --role police only/)
  await t.rejects(run('forces', 'create', 'cleveland'), /force cleveland exists already; change its settings with PUT \/v1\/forces\/cleveland/)
  const list = await run('tokens', 'list')
  t.equal(list.length, 2)
  t.notOk(list.join('').includes(secret), 'list never shows a secret')
})

t.test('schools import loads the full DfE register, idempotently, and the postcode file layers on top', async (t) => {
  const first = await run('schools', 'import', shared('gias/gias-establishments-all-20240617.csv'))
  t.match(first[0], /^imported 51012 establishments/)
  const count = async () => (await db.query('SELECT count(*)::int AS n, count(postcode)::int AS p, count(*) FILTER (WHERE NOT open)::int AS closed FROM schools')).rows[0]
  const after1 = await count()
  t.equal(after1.n, 51012)
  await run('schools', 'import', shared('gias/gias-establishments-all-20240617.csv'))
  t.same(await count(), after1, 'a second import changes nothing')
  await run('schools', 'import', shared('gias/register-trainee-teachers-schools-gias-20250711.csv'))
  const after3 = await count()
  t.ok(after3.p > 20000, `postcodes layered on (${after3.p})`)
  t.equal(after3.closed, after1.closed, 'closed establishments stay closed: that file has no status column')
  t.ok(after3.n > after1.n, 'establishments opened since 2024 are added')
  const { rows } = await db.query(`SELECT name, la_code, status, open, postcode FROM schools WHERE urn = '100000'`)
  t.same(rows[0], { name: 'The Aldgate School', la_code: '201', status: 'Open', open: true, postcode: 'EC3A 5DE' })
})

t.test('calendar commands load the real feeds', async (t) => {
  t.match((await run('calendar', 'bank-holidays', shared('bank-holidays.json')))[0], /loaded \d+ England and Wales bank holidays \(2019-01-01 to 2028-12-26\)/)
  t.match((await run('calendar', 'terms', '--la', '373', shared('term-dates/sheffield-school-holidays.ics')))[0], /closure days for LA 373/)
  const json = await run('calendar', 'terms', '--la', '373', shared('term-dates/sheffield-term-dates.json'))
  t.match(json[0], /closure days for LA 373 covering/)
  await t.rejects(run('calendar', 'terms', shared('term-dates/sheffield-term-dates.json')), /--la/)
})

t.test('an unknown command prints the usage', async (t) => {
  await t.rejects(run('frobnicate'), /usage: npm run cli/)
})

t.test('a bad setting stops start-up with a message naming it', async (t) => {
  t.throws(() => loadConfig({ PORT: 'eighty' }), /PORT: Invalid input/)
  t.ok((() => { try { loadConfig({ PORT: 'x' }) } catch (e) { return e instanceof ConfigError } })(), 'a ConfigError')
  t.throws(() => loadConfig({ REDIS_URL: 'http://x' }), /REDIS_URL/)
  t.throws(() => loadConfig({ SMTP_URL: 'ftp://mail' }), /SMTP_URL/)
  t.throws(() => loadConfig({ NODE_ENV: 'production' }), /ACK_LINK_SECRET: required in production/)
  const c = loadConfig({})
  t.equal(c.PORT, 3000)
  t.equal(c.PUBLIC_BASE_URL, 'http://localhost:3000')
  t.ok(c.defaultsInUse.some((d) => d.startsWith('DATABASE_URL unset')))
  const proc = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'api'], {
    env: { ...process.env, PORT: 'not-a-port' }, encoding: 'utf8', timeout: 30_000,
  })
  t.equal(proc.status, 78, 'exits with EX_CONFIG')
  t.match(proc.stderr, /^error: invalid configuration: PORT: Invalid input[^\n]*\n$/, 'one line naming the setting, no stack')
})
