// The CLI's process wrapper run in this process (process.exit held back), so that its coverage is
// counted: cli-process.test.ts runs the same paths as real child processes, which record none.
// What the administrator meets: the usage on stdout for help, one "error: " line on stderr and the
// status a script can test when a command fails, and a command's output when it succeeds.
import t, { type Test } from 'tap'
import { runCliProcess } from '../../src/cli/process.js'
import { EXIT } from '../../src/process-errors.js'
import { createTestDatabase } from '../helpers/harness.js'

const database = await createTestDatabase()
t.teardown(() => database.drop())

interface Ran { status: number | undefined; stdout: string; stderr: string }

/** runCliProcess(argv) with the given environment, capturing its output and the status it exits with. */
async function cli(t: Test, argv: string[], env: Record<string, string | undefined>): Promise<Ran> {
  const out: string[] = []
  const err: string[] = []
  let status: number | undefined
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  t.intercept(process, 'exit', { value: (code?: number) => void (status = code) })
  t.intercept(process.stdout, 'write', { value: (c: string) => (out.push(String(c)), true) })
  t.intercept(process.stderr, 'write', { value: (c: string) => (err.push(String(c)), true) })
  t.intercept(console, 'log', { value: (line: string) => void out.push(`${line}\n`) })
  try {
    await runCliProcess(argv)
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    // The wrapper sets the status for process.exit; this test process must not end with it.
    process.exitCode = undefined
  }
  return { status, stdout: out.join(''), stderr: err.join('') }
}

const env = { DATABASE_URL: database.url, NODE_ENV: 'development', LOG_LEVEL: 'warn', ENCOMPASS_DEBUG: '' }

t.test('help prints the usage on stdout and starts no database', async (t) => {
  const r = await cli(t, ['help'], { ...env, DATABASE_URL: undefined })
  t.match(r.stdout, /^usage: npm run cli -- <command>[\s\S]*forces create <code>/)
  t.equal(r.stderr, '')
  t.equal(r.status, undefined, 'help returns without ending the process')
})

t.test('an unknown command is one line on stderr and EX_USAGE, before any database is opened', async (t) => {
  const r = await cli(t, ['frobnicate'], { ...env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' })
  t.match(r.stderr, /^error: unknown command "frobnicate"[^\n]*\n$/)
  t.equal(r.status, EXIT.usage)
})

t.test('a bad setting is one line naming it, EX_CONFIG; --debug adds the stack', async (t) => {
  const r = await cli(t, ['tokens', 'list'], { ...env, DATABASE_URL: 'not-a-url' })
  t.match(r.stderr, /^error: [^\n]*DATABASE_URL[^\n]*\n$/)
  t.equal(r.status, EXIT.config)
  const debug = await cli(t, ['tokens', 'list', '--debug'], { ...env, DATABASE_URL: 'not-a-url' })
  t.match(debug.stderr, /^error: [^\n]*DATABASE_URL[^\n]*\n[\s\S]*\n\s+at /)
})

t.test('an unreachable database is named with its address, EX_UNAVAILABLE', async (t) => {
  const r = await cli(t, ['tokens', 'list'], { ...env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' })
  t.match(r.stderr, /^error: cannot connect to 127\.0\.0\.1:1: connection refused \(is PostgreSQL running\? check DATABASE_URL\)\n$/)
  t.equal(r.status, EXIT.unavailable)
})

t.test('a command that succeeds prints its output and exits 0; the new force is in the database', async (t) => {
  const r = await cli(t, ['forces', 'create', 'testshire'], env)
  t.equal(r.status, 0, r.stderr)
  t.equal(r.stderr, '')
  const { rows } = await database.db.query(`SELECT code FROM forces WHERE code = 'testshire'`)
  t.equal(rows.length, 1)
})
