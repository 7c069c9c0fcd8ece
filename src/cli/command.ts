// What every CLI command is made of: its table entry (name, usage, options), the context it runs in,
// the two refusals it may throw (a wrong command line, exit 64; wrong input, exit 65), and the
// option readers that give each command the same wording for the same mistake.
import { encodingNamed, TEXT_ENCODINGS, type TextEncodingName } from '../domain/text-encoding.js'
import { EXIT, ExitError } from '../process-errors.js'
import type { Db } from '../store/db.js'
import { isKnownLa } from '../store/la-contacts-store.js'

export const PROGRAM = 'npm run cli --'

/** A wrong command line: exit 64, and the command's usage line when it helps. */
export class UsageError extends ExitError {
  constructor(message: string, usage?: string) {
    super(usage ? `${message} (usage: ${usage})` : message, EXIT.usage)
  }
}

/** The input's contents are wrong (a bad row, an unknown code in it): exit 65. */
export class DataError extends ExitError {
  constructor(message: string) {
    super(message, EXIT.dataError)
  }
}

export type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean }
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>

export interface Context {
  db: Db
  out: (line: string) => void
  /** Progress of a long import, for a person watching (main writes it to a terminal only). */
  progress?: (message: string, done?: boolean) => void
  values: Values
  positionals: string[]
  usage: string
}

export interface Command {
  /** As typed: 'tokens create'. */
  name: string
  /** What follows the name on the usage line. */
  args: string
  about: string
  options?: Record<string, OptionSpec>
  /** Positional arguments by name; a trailing '?' marks one as optional. */
  positionals?: string[]
  /** The first positional is a file to read: checked before any database is started. */
  readsFile?: true
  run(ctx: Context): Promise<void>
}

/** A command that prints each row a store function lists, one JSON object a line. */
export function listCommand(name: string, about: string, list: (db: Db) => Promise<unknown[]>): Command {
  return {
    name,
    args: '',
    about,
    async run({ db, out }) {
      for (const row of await list(db)) out(JSON.stringify(row))
    },
  }
}

export const usageOf = (c: Command): string => `${PROGRAM} ${c.name}${c.args ? ` ${c.args}` : ''}`

export const str = (v: Values, k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined)
export const strs = (v: Values, k: string): string[] => (Array.isArray(v[k]) ? (v[k] as string[]) : [])

export function encodingOption(v: Values, usage: string): TextEncodingName {
  const raw = str(v, 'encoding')
  if (raw === undefined) return 'utf-8'
  const e = encodingNamed(raw)
  if (!e) throw new UsageError(`--encoding must be one of ${TEXT_ENCODINGS.join(', ')} (got ${JSON.stringify(raw)})`, usage)
  return e
}

/** --la, checked against the LA table the service ships (data/la-codes.csv). */
export function laOption(v: Values, command: string, usage: string): string {
  const la = str(v, 'la')
  if (la === undefined) throw new UsageError(`${command} needs --la <3-digit LA code>`, usage)
  if (!/^[0-9]{3}$/.test(la)) throw new UsageError(`--la must be a 3-digit DfE LA code such as 808 (got ${JSON.stringify(la)})`, usage)
  if (!isKnownLa(la)) throw new UsageError(`--la ${la} is not a local authority of England or Wales (the codes are in data/la-codes.csv)`)
  return la
}

export function wholeNumber(v: Values, k: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = str(v, k)
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!/^[0-9]+$/.test(raw.trim()) || !(n >= min && n <= max)) {
    const range = max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : min > 0 ? ` of at least ${min}` : ''
    throw new UsageError(`--${k} must be a whole number${range} (got ${JSON.stringify(raw)})`)
  }
  return n
}

/** A number of days that still lands on a real date (date-bounds.ts): a hundred years is plenty. */
export const MAX_DAYS = 36_500
