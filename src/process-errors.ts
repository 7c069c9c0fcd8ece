// How a process that has to stop says why: one line on stderr naming what to fix, and an exit
// status a script can test (sysexits.h numbers). A stack trace helps a developer, not the
// administrator running an import at 7 a.m.: it is shown only with --debug or ENCOMPASS_DEBUG=1.
import { ConfigError } from './config.js'

export const EXIT = {
  failure: 1,
  usage: 64, // EX_USAGE: an unknown command or option, a missing or malformed argument
  dataError: 65, // EX_DATAERR: the input file's contents are wrong
  noInput: 66, // EX_NOINPUT: the input file cannot be read
  unavailable: 69, // EX_UNAVAILABLE: PostgreSQL (or another service) cannot be reached
  config: 78, // EX_CONFIG: a setting is missing or invalid
} as const

/** An error that already says, in one line, what went wrong, and carries its exit status. */
export class ExitError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message)
  }
}

/** Several lines of message -> one ("invalid configuration:\n  A: x\n  B: y" -> "invalid configuration: A: x; B: y"). */
export function oneLine(message: string): string {
  return message.replace(/:\s*\n\s*/g, ': ').replace(/\s*\n\s*/g, '; ').trim()
}

const FILE_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
}

/** A failed read of a file the user named, as the line to show. */
export function cannotRead(path: string, err: unknown): ExitError {
  const code = (err as NodeJS.ErrnoException).code ?? ''
  return new ExitError(`cannot read ${path}: ${FILE_REASONS[code] ?? oneLine((err as Error).message)}`, EXIT.noInput)
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ECONNRESET: 'connection reset',
}

/** Any error -> the one line to print (without the "error: " prefix) and the exit status. */
export function describeError(err: unknown): { line: string; exitCode: number } {
  if (err instanceof ExitError) return { line: oneLine(err.message), exitCode: err.exitCode }
  if (err instanceof ConfigError) return { line: oneLine(err.message), exitCode: EXIT.config }
  // A connection to "localhost" tries ::1 and 127.0.0.1 and fails with both: report the first.
  if (err instanceof AggregateError && err.errors.length > 0 && !err.message) return describeError(err.errors[0])
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string }
  if (e && typeof e === 'object') {
    const reason = e.code ? NETWORK_REASONS[e.code] : undefined
    if (reason && e.syscall !== 'open') {
      const where = [e.address ?? e.hostname, e.port].filter((x) => x !== undefined).join(':')
      return { line: `cannot connect to ${where || 'the database'}: ${reason} (is PostgreSQL running? check DATABASE_URL)`, exitCode: EXIT.unavailable }
    }
    if (e.code && e.path && FILE_REASONS[e.code]) return { line: cannotRead(e.path, e).message, exitCode: EXIT.noInput }
    if (e.name === 'GiasCsvError' || e.name === 'TextEncodingError') return { line: oneLine(e.message), exitCode: EXIT.dataError }
  }
  const message = err instanceof Error ? err.message || err.name : String(err)
  return { line: oneLine(message) || 'unknown error', exitCode: EXIT.failure }
}

/** Prints the one line (and, when asked, the stack) and sets the exit status. */
export function reportFatal(err: unknown, opts: { debug?: boolean } = {}): number {
  const { line, exitCode } = describeError(err)
  process.stderr.write(`error: ${line}\n`)
  if ((opts.debug ?? debugRequested()) && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`)
  return exitCode
}

export function debugRequested(argv: string[] = process.argv): boolean {
  return argv.includes('--debug') || /^(1|true|yes)$/i.test(process.env.ENCOMPASS_DEBUG ?? '')
}
