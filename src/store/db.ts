// The Postgres pool and the one transaction helper every store module uses.
import pg from 'pg'
import type { Logger } from 'pino'

// Dates (not timestamps) stay as 'YYYY-MM-DD' strings: a JS Date would shift them by time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v)
// int8 counts from aggregates: safe as numbers at our scale.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v))
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v))

export type Db = pg.Pool
export type Queryable = pg.Pool | pg.PoolClient

export function createPool(
  connectionString: string,
  opts: { max?: number; sslmode?: 'disable' | 'require' | 'verify-full'; logger?: Logger } = {},
): Db {
  const ssl =
    opts.sslmode === 'require' ? { rejectUnauthorized: false } : opts.sslmode === 'verify-full' ? true : undefined
  const pool = new pg.Pool({ connectionString, max: opts.max ?? 10, ssl })
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', (err) => opts.logger?.warn({ err: err.message }, 'postgres idle client error'))
  return pool
}

export async function withTransaction<T>(db: Db, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect()
  try {
    await client.query('BEGIN')
    const result = await fn(client)
    await client.query('COMMIT')
    return result
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  } finally {
    client.release()
  }
}

/** Readiness: Postgres answers. */
export async function pingDatabase(db: Queryable): Promise<void> {
  await db.query('SELECT 1')
}

/** One holder at a time across all processes, until the transaction ends: false when another has it. */
export async function tryAdvisoryXactLock(client: pg.PoolClient, key: number): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [key])
  return rows[0]!.ok
}

/**
 * A statement PostgreSQL parses and plans once per connection rather than at every call: for the
 * statements every incident and every notification runs, where planning cost more than running.
 * (Behind a connection pooler in transaction mode, use one that keeps prepared statements.)
 */
export function prepared(name: string, text: string): (values: unknown[]) => pg.QueryConfig {
  return (values) => ({ name, text, values })
}
