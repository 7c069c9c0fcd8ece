// The deployment's own tools against a real database: migrations twice, tokens and forces, the
// full DfE register import (idempotent, layered with the postcode file), calendars; and
// configuration errors that name the setting. The CLI as a process: cli-process.test.ts.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { runCli } from '../../src/cli.js'
import { ConfigError, loadConfig } from '../../src/config.js'
import { migrate } from '../../src/store/migrate.js'
import { describeError, EXIT } from '../../src/process-errors.js'
import { authenticate } from '../../src/store/tokens-store.js'
import { createTestDatabase } from '../helpers/harness.js'
import { childEnv } from '../helpers/procs.js'

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
    env: childEnv({ PORT: 'not-a-port' }), encoding: 'utf8', timeout: 30_000,
  })
  t.equal(proc.status, 78, 'exits with EX_CONFIG')
  t.match(proc.stderr, /^error: invalid configuration: PORT: Invalid input[^\n]*\n$/, 'one line naming the setting, no stack')
})

// ---------------------------------------------------------------------------------------------
// What each refusal says, for every command and kind of bad input: the line main() prints
// (describeError) and its exit status. The same as real processes: cli-process.test.ts.

const scratch = mkdtempSync(join(tmpdir(), 'enc-cli-in-'))
t.teardown(() => rmSync(scratch, { recursive: true, force: true }))
const file = (name: string, content: string | Buffer) => {
  const path = join(scratch, name)
  writeFileSync(path, content)
  return path
}
const countOf = async (sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows[0].n as number
async function refused(t: Test, args: string[], re: RegExp, exitCode: number) {
  const err = await run(...args).then(() => null, (e: unknown) => e)
  t.ok(err, `${args.slice(0, 2).join(' ')}: refused`)
  const { line, exitCode: code } = describeError(err)
  t.match(line, re, args.slice(0, 2).join(' '))
  t.notMatch(line, /\n/, 'in one line')
  t.equal(code, exitCode, `exit status ${exitCode}`)
}

t.test('every command that reads a file names a missing one the same way, before touching anything', async (t) => {
  const missing = join(scratch, 'missing.json')
  for (const args of [['calendar', 'bank-holidays', missing], ['calendar', 'terms', '--la', '373', missing], ['pupils', 'import', '--la', '808', missing], ['schools', 'import', missing]]) {
    await refused(t, args, new RegExp(`^cannot read ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no such file$`), EXIT.noInput)
  }
})

t.test('a wrong command line names what is wrong and gives the usage', async (t) => {
  await refused(t, ['tokens', 'mint'], /unknown command "tokens mint": one of tokens create, tokens list, tokens revoke/, EXIT.usage)
  await refused(t, ['tokens', 'list', 'extra'], /unexpected argument "extra" \(usage: npm run cli -- tokens list\)/, EXIT.usage)
  await refused(t, ['schools', 'import'], /schools import needs <gias\.csv> \(usage: npm run cli -- schools import <gias\.csv> \[--encoding/, EXIT.usage)
  await refused(t, ['schools', 'import', file('any.csv', 'URN\n'), '--encoding', 'latin-9'], /--encoding must be one of utf-8, windows-1252 \(got "latin-9"\)/, EXIT.usage)
  await refused(t, ['pupils', 'import', '--la', '808', 'x.csv', '--replace-all=yes'], /--replace-all takes no value/, EXIT.usage)
  await refused(t, ['tokens', 'revoke', 'abc'], /"abc" is not a token id/, EXIT.usage)
  await refused(t, ['purge', '--days', 'soon'], /--days must be a whole number/, EXIT.usage)
})

t.test('forces: added here or known; a refusal names the forces added here', async (t) => {
  t.match((await run('forces', 'create', 'training-force', '--name', 'Training Force'))[0], /created force training-force; give it a desk address/)
  t.match((await run('tokens', 'create', '--role', 'police', '--force', 'training-force')).at(-1), /^enc_/)
  await refused(t, ['tokens', 'create', '--role', 'police', '--force', 'nosuch'], /no force "nosuch": not a police force of England and Wales \(data\/police-forces\.csv\) nor one added here \(cleveland, training-force\)/, EXIT.usage)
  await refused(t, ['forces', 'create', 'metropolitan', '--desk-email', 'not-an-address'], /--desk-email: /, EXIT.usage)
  t.match((await run('forces', 'create', 'metropolitan'))[0], /created force metropolitan/)
  t.same((await db.query(`SELECT name FROM forces WHERE code = 'metropolitan'`)).rows, [{ name: 'Metropolitan Police Service' }], 'a known force gets its name')
})

t.test('unknown or malformed LA codes are refused by every command that takes one, and nothing is stored', async (t) => {
  const roll = file('roll-la.csv', 'given_name,family_name,date_of_birth,urn\nAmy,Example,2016-05-04,111234\n')
  const terms = new URL('../../data/term-dates/sheffield-term-dates.json', import.meta.url).pathname
  await refused(t, ['calendar', 'terms', '--la', '37', terms], /--la must be a 3-digit DfE LA code/, EXIT.usage)
  await refused(t, ['calendar', 'terms', '--la', '999', terms], /--la 999 is not a local authority of England or Wales/, EXIT.usage)
  await refused(t, ['pupils', 'import', '--la', '999', roll], /--la 999 is not a local authority/, EXIT.usage)
  await refused(t, ['la-contacts', 'set', '--la', '999', '--lead', 'Pat Hale <pat.hale@la.example.org>'], /--la 999 is not a local authority/, EXIT.usage)
  await refused(t, ['la-contacts', 'set', '--la', 'abc', '--lead', 'Pat Hale <pat.hale@la.example.org>'], /--la must be a 3-digit/, EXIT.usage)
  t.equal(await countOf(`SELECT count(*)::int AS n FROM la_term_coverage WHERE la_code = '999'`), 0)
  t.equal(await countOf(`SELECT count(*)::int AS n FROM pupil_roll WHERE la_code = '999'`), 0)
  t.equal(await countOf(`SELECT count(*)::int AS n FROM schools WHERE urn = '99000999'`), 0)
})

t.test('schools import: status in any case, a bad URN or status named by its line, a byte-order mark honoured', async (t) => {
  const header = 'URN,LA (code),LA (name),EstablishmentName,EstablishmentStatus (name),Postcode\n'
  await run('schools', 'import', file('cased.csv',
    header +
      '700001,808,Stockton-on-Tees,Upper Case Closed School,CLOSED,TS18 1AA\n' +
      '700002,808,Stockton-on-Tees,Lower Case Open School,open,TS18 1AB\n' +
      '700003,808,Stockton-on-Tees,Closing School,"open, but proposed to close",TS18 1AD\n' +
      '700004,808,Stockton-on-Tees,Title Case Closed School,Closed,TS18 1AE\n'))
  const { rows } = await db.query(`SELECT urn, status, open FROM schools WHERE urn LIKE '70000_' ORDER BY urn`)
  t.same(rows, [
    { urn: '700001', status: 'Closed', open: false },
    { urn: '700002', status: 'Open', open: true },
    { urn: '700003', status: 'Open, but proposed to close', open: true },
    { urn: '700004', status: 'Closed', open: false },
  ], 'a closed school is closed however the file spells it, and stored in GIAS wording')

  const badUrn = file('bad-urn.csv', header + '700011,808,Stockton-on-Tees,Good School,Open,TS18 1AA\n1234,808,Stockton-on-Tees,Short URN School,Open,TS18 1AB\n')
  await refused(t, ['schools', 'import', badUrn], /^bad-urn\.csv line 3: URN "1234" is not a DfE URN \(5 to 8 digits\)$/, EXIT.dataError)
  const badStatus = file('bad-status.csv', header + '700021,808,Stockton-on-Tees,Odd School,Mothballed,TS18 1AA\n')
  await refused(t, ['schools', 'import', badStatus], /^bad-status\.csv line 2: status "Mothballed" is not a GIAS establishment status/, EXIT.dataError)
  t.equal(await countOf(`SELECT count(*)::int AS n FROM schools WHERE urn IN ('700011', '700021')`), 0, 'a refused file stores nothing, not even its good rows')

  const bom = file('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(header + '700031,808,Stockton-on-Tees,Ysgol Pen-y-Bryn é,Open,TS18 1AA\n')]))
  await run('schools', 'import', bom, '--encoding', 'windows-1252')
  t.equal((await db.query(`SELECT name FROM schools WHERE urn = '700031'`)).rows[0].name, 'Ysgol Pen-y-Bryn é', 'a UTF-8 byte-order mark wins over --encoding')
})

t.test('pupils import: a much shorter roll is refused, bad rows are named by line without a child’s details', async (t) => {
  const roll = () => countOf(`SELECT count(*)::int AS n FROM pupil_roll WHERE la_code = '806'`)
  await run('pupils', 'import', '--la', '806', file('roll-full.csv',
    'given_name,family_name,date_of_birth,urn\n' + ['Amy', 'Ben', 'Cara', 'Dev'].map((n, i) => `${n},Example,2016-05-0${i + 1},111234`).join('\n') + '\n'))
  t.equal(await roll(), 4)
  await refused(t, ['pupils', 'import', '--la', '806', file('roll-short.csv', 'given_name,family_name,date_of_birth,urn\nAmy,Example,2016-05-01,111234\n')],
    /the roll has 1 pupils, less than half of LA 806's current 4; it is kept\. Nothing was imported; run it again with --replace-all/, EXIT.dataError)
  t.equal(await roll(), 4, 'the roll stands')
  const bad = file('roll-bad.csv', 'given_name,family_name,date_of_birth,urn\nAmy,Example,2016-02-30,111234\n,Example,2016-01-01,abc\n')
  const err = await run('pupils', 'import', '--la', '806', bad).then(() => null, (e: unknown) => e)
  const { line } = describeError(err)
  t.match(line, /^roll-bad\.csv: nothing imported, 3 problems: line 2 dateOfBirth: .*; line 3 givenName: .*; line 3 urn: /)
  t.notMatch(line, /Amy|2016-02-30/, 'no child’s name or date of birth in the message')
  t.equal(await roll(), 4, 'the roll stands')
})
