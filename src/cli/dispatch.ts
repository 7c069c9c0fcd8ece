// From a command line to a command: find it in the table, parse its options strictly with the
// same wording for every command, check the file it reads, and run it against a database.
import { parseArgs } from 'node:util'
import type { Db } from '../store/db.js'
import { PROGRAM, usageOf, UsageError, type Command, type Values } from './command.js'
import { COMMANDS } from './commands/index.js'
import { checkReadable } from './input.js'

export const USAGE = [
  `usage: ${PROGRAM} <command> [options]   (--debug anywhere shows the stack of an error)`,
  ...COMMANDS.map((c) => `  ${`${c.name}${c.args ? ` ${c.args}` : ''}`}\n      ${c.about}`),
].join('\n')

export const isHelp = (argv: string[]): boolean => ['help', '--help', '-h'].includes(argv[0] ?? '')

/** node:util parseArgs' own wording is long and talks about positionals; say what was wrong. */
function parseArgsProblem(err: NodeJS.ErrnoException): string {
  const opt = /'(--?[^' ]+)/.exec(err.message)?.[1] ?? 'an option'
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${opt}`
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take an argument/.test(err.message) ? `${opt} takes no value` : `${opt} needs a value`
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(err.message)?.[1] ?? ''}`.trim()
    default:
      return err.message.split('. ')[0]!
  }
}

export interface ParsedCommand {
  command: Command
  values: Values
  positionals: string[]
}

/** No command matches argv: say which were meant (a group's subcommands, or the groups). */
function unknownCommand(argv: string[]): UsageError {
  const group = COMMANDS.filter((c) => c.name.startsWith(`${argv[0]} `))
  if (argv[0] !== undefined && group.length > 0) {
    const sub = argv[1] === undefined ? `${argv[0]} needs a subcommand` : `unknown command ${JSON.stringify(`${argv[0]} ${argv[1]}`)}`
    return new UsageError(`${sub}: one of ${group.map((c) => c.name).join(', ')}`, `${PROGRAM} ${argv[0]} <${group.map((c) => c.name.split(' ')[1]).join('|')}> ...`)
  }
  const what = argv[0] === undefined ? 'no command given' : `unknown command ${JSON.stringify(argv[0])}`
  return new UsageError(`${what}; the commands are ${[...new Set(COMMANDS.map((c) => c.name.split(' ')[0]))].join(', ')}`, `${PROGRAM} <command> [options]; ${PROGRAM} help lists them`)
}

function parseOptions(command: Command, args: string[]): { values: Values; positionals: string[] } {
  try {
    const parsed = parseArgs({ args, options: command.options ?? {}, allowPositionals: true, strict: true })
    return { values: parsed.values as Values, positionals: parsed.positionals }
  } catch (err) {
    if (typeof (err as NodeJS.ErrnoException).code === 'string' && (err as NodeJS.ErrnoException).code!.startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(parseArgsProblem(err as NodeJS.ErrnoException), usageOf(command))
    }
    throw err
  }
}

/** The command line -> the command and its checked options; throws UsageError. Touches nothing. */
export function parseCommand(argv: string[]): ParsedCommand {
  const command = COMMANDS.find((c) => c.name.split(' ').every((word, i) => argv[i] === word))
  if (!command) throw unknownCommand(argv)
  const usage = usageOf(command)
  const { values, positionals } = parseOptions(command, argv.slice(command.name.split(' ').length))
  const names = command.positionals ?? []
  const required = names.filter((n) => !n.endsWith('?'))
  if (positionals.length < required.length) {
    throw new UsageError(`${command.name} needs ${required[positionals.length]}`, usage)
  }
  if (positionals.length > names.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[names.length])}`, usage)
  }
  return { command, values, positionals }
}

/** A wrong command line or an unreadable input file, found before any database work. */
export async function checkCommand(argv: string[]): Promise<ParsedCommand> {
  const parsed = parseCommand(argv)
  if (parsed.command.readsFile) await checkReadable(parsed.positionals[0]!)
  return parsed
}

export async function execute(
  p: ParsedCommand,
  ctx: { db: Db; out: (line: string) => void; progress?: (message: string, done?: boolean) => void },
): Promise<void> {
  await p.command.run({ ...ctx, values: p.values, positionals: p.positionals, usage: usageOf(p.command) })
}

/** Runs one command line against a database (tests call this; the process entry adds the process around it). */
export async function runCli(argv: string[], db: Db, out: (line: string) => void): Promise<void> {
  if (isHelp(argv)) return out(USAGE)
  await execute(await checkCommand(argv), { db, out })
}
