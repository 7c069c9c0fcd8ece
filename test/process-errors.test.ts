// What an administrator sees when a process has to stop: one line on stderr naming what to fix,
// and an exit status a script can test; the stack only when asked for.
import t from 'tap'
import { ConfigError } from '../src/config.js'
import { cannotRead, describeError, EXIT, ExitError, oneLine, reportFatal, debugRequested } from '../src/process-errors.js'

const errno = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(`${code} raw`), { code, ...extra })

t.test('PostgreSQL that cannot be reached is named with its address and the setting to check', async (t) => {
  t.same(describeError(errno('ECONNREFUSED', { syscall: 'connect', address: '127.0.0.1', port: 5432 })), {
    line: 'cannot connect to 127.0.0.1:5432: connection refused (is PostgreSQL running? check DATABASE_URL)',
    exitCode: EXIT.unavailable,
  })
  t.equal(describeError(errno('ENOTFOUND', { syscall: 'getaddrinfo', hostname: 'db.example' })).line,
    'cannot connect to db.example: host not found (is PostgreSQL running? check DATABASE_URL)')
  t.equal(describeError(errno('ETIMEDOUT')).line, 'cannot connect to the database: timed out (is PostgreSQL running? check DATABASE_URL)')
})

t.test('"localhost" refused on both addresses is reported once, by its first address', async (t) => {
  const both = new AggregateError([
    errno('ECONNREFUSED', { address: '::1', port: 5432 }),
    errno('ECONNREFUSED', { address: '127.0.0.1', port: 5432 }),
  ])
  t.match(describeError(both), { line: /^cannot connect to ::1:5432: connection refused/, exitCode: EXIT.unavailable })
})

t.test('a file the user named that cannot be read says why, with the no-input status', async (t) => {
  t.same(describeError(errno('ENOENT', { syscall: 'open', path: '/tmp/roll.csv' })), { line: 'cannot read /tmp/roll.csv: no such file', exitCode: EXIT.noInput })
  t.equal(describeError(errno('EACCES', { syscall: 'open', path: '/tmp/roll.csv' })).line, 'cannot read /tmp/roll.csv: permission denied')
  t.equal(cannotRead('/data', errno('EISDIR')).message, 'cannot read /data: is a directory')
  t.equal(cannotRead('/data/x.csv', new Error('disk on fire\nsector 9')).message, 'cannot read /data/x.csv: disk on fire; sector 9')
})

t.test('bad settings, bad input files and known failures keep their own exit statuses', async (t) => {
  t.same(describeError(new ConfigError('invalid configuration:\n  PORT: not a number\n  SMTP_URL: required')), {
    line: 'invalid configuration: PORT: not a number; SMTP_URL: required',
    exitCode: EXIT.config,
  })
  t.same(describeError(Object.assign(new Error('row 3: URN missing'), { name: 'GiasCsvError' })), { line: 'row 3: URN missing', exitCode: EXIT.dataError })
  t.same(describeError(Object.assign(new Error('not UTF-8'), { name: 'TextEncodingError' })), { line: 'not UTF-8', exitCode: EXIT.dataError })
  t.same(describeError(new ExitError('unknown command "frobnicate"', EXIT.usage)), { line: 'unknown command "frobnicate"', exitCode: EXIT.usage })
})

t.test('anything else is one line with the general failure status, never an empty one', async (t) => {
  t.same(describeError(new Error('something broke')), { line: 'something broke', exitCode: EXIT.failure })
  t.equal(describeError(new TypeError('')).line, 'TypeError')
  t.equal(describeError('plain text thrown').line, 'plain text thrown')
  t.equal(describeError('').line, 'unknown error')
  t.equal(describeError(undefined).line, 'undefined')
  t.equal(oneLine('a:\n  b\n  c'), 'a: b; c')
})

t.test('reportFatal prints "error: <line>", and the stack only with --debug or ENCOMPASS_DEBUG', async (t) => {
  const written: string[] = []
  t.intercept(process.stderr, 'write', { value: (chunk: string) => (written.push(String(chunk)), true) })
  const saved = process.env.ENCOMPASS_DEBUG
  t.teardown(() => {
    if (saved === undefined) delete process.env.ENCOMPASS_DEBUG
    else process.env.ENCOMPASS_DEBUG = saved
  })
  delete process.env.ENCOMPASS_DEBUG

  t.equal(reportFatal(new ExitError('no such LA', EXIT.usage), { debug: false }), EXIT.usage)
  t.same(written.splice(0), ['error: no such LA\n'])
  reportFatal(new Error('boom'), { debug: true })
  t.equal(written[0], 'error: boom\n')
  t.match(written[1], /^Error: boom\n\s+at /)
  written.splice(0)

  t.equal(debugRequested(['node', 'cli', 'migrate']), false)
  t.equal(debugRequested(['node', 'cli', 'migrate', '--debug']), true)
  process.env.ENCOMPASS_DEBUG = 'yes'
  t.equal(debugRequested(['node', 'cli']), true)
  reportFatal(new Error('boom'))
  t.equal(written.length, 2, 'ENCOMPASS_DEBUG=yes shows the stack')
  process.env.ENCOMPASS_DEBUG = '0'
  t.equal(debugRequested(['node', 'cli']), false)
})
