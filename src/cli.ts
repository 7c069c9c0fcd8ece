// The deployment's own tools (`npm run cli -- <command>`): migrations, tokens, forces, directory,
// roll and calendar imports. Uses the same configuration as the service; with DATABASE_URL unset it
// uses the same embedded PostgreSQL as `npm start`.
//
// Every command fails loudly: an unknown command or option, a bad argument, a missing file or a bad
// row stops it with a non-zero status and one line on stderr naming what to fix (see
// process-errors.ts; the stack only with --debug). This file is the entry only: each command is a
// module under cli/commands/, cli/dispatch.ts parses a command line into one, cli/process.ts runs it
// as a process.
import { runCliProcess } from './cli/process.js'

export { UsageError } from './cli/command.js'
export { checkCommand, execute, parseCommand, runCli, USAGE, type ParsedCommand } from './cli/dispatch.js'

if (process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1])) void runCliProcess(process.argv.slice(2))
