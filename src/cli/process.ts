// The CLI as a process: configuration, a database (the embedded one when DATABASE_URL is unset),
// migrations, progress on a terminal, one line on stderr and an exit status when it fails.
import { loadConfig } from '../config.js'
import { createLogger } from '../logger.js'
import { debugRequested, reportFatal } from '../process-errors.js'
import { createPool, type Db } from '../store/db.js'
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../store/embedded-postgres.js'
import { migrate } from '../store/migrate.js'
import { checkCommand, execute, isHelp, USAGE } from './dispatch.js'

/** Progress is for a person at a terminal; in a pipe or a log it would be noise around the error. */
function terminalProgress(shown: { value: boolean }) {
  if (!process.stderr.isTTY) return {}
  return {
    progress: (message: string, done?: boolean) => {
      process.stderr.write(`\r${message}${done ? '\n' : ''}`)
      shown.value = !done
    },
  }
}

export async function runCliProcess(argv: string[]): Promise<void> {
  const debug = debugRequested(argv)
  const args = argv.filter((a) => a !== '--debug')
  if (isHelp(args)) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  let db: Db | undefined
  let embedded: EmbeddedDatabase | undefined
  const progressShown = { value: false }
  try {
    const parsed = await checkCommand(args) // before any database is started
    const config = loadConfig()
    const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL)
    let url = config.DATABASE_URL
    if (!url) {
      embedded = await startEmbeddedPostgres(logger)
      url = embedded.url
    }
    db = createPool(url, { max: 2, sslmode: config.DATABASE_SSLMODE })
    if (parsed.command.name !== 'migrate') await migrate(db)
    await execute(parsed, { db, out: (line) => console.log(line), ...terminalProgress(progressShown) })
  } catch (err) {
    if (progressShown.value) process.stderr.write('\n')
    process.exitCode = reportFatal(err, { debug })
  } finally {
    await db?.end().catch(() => undefined)
    await embedded?.stop().catch(() => undefined)
  }
  // Exit explicitly: the embedded-postgres package, once imported, ends the process with status 0
  // on 'beforeExit' (async-exit-hook), which would hide a failure from the shell and from scripts.
  process.exit(process.exitCode ?? 0)
}
