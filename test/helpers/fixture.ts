// Databases and reference data for benchmarks and multi-process tests: a scratch database
// `enc_<purpose>_<random>` on the local PostgreSQL (migrated, dropped afterwards), one force with
// police tokens, one school with a DSL and a deputy whose school day starts about twelve hours
// from now (so no escalation timer falls due during a run), and incident bodies.
import { randomBytes, randomUUID } from 'node:crypto'
import pg from 'pg'
import { createPool, type Db } from '../../src/store/db.js'
import { migrate } from '../../src/store/migrate.js'
import { putSchool } from '../../src/store/schools-store.js'
import { createToken } from '../../src/store/tokens-store.js'

export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

export interface ScratchDatabase {
  name: string
  url: string
  db: Db
  drop(): Promise<void>
}

/**
 * Creates and migrates a scratch database. `onCreated` gets its drop() as soon as the database
 * exists, before migrating, so a caller can register the cleanup before anything else can fail
 * (or a signal arrive); a failing migration drops it here as well before rethrowing.
 */
export async function createScratchDatabase(
  purpose: string,
  poolSize = 10,
  onCreated?: (drop: () => Promise<void>) => void,
): Promise<ScratchDatabase> {
  const name = `enc_${purpose}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(ADMIN_DATABASE_URL)
  url.pathname = `/${name}`
  const db = createPool(url.toString(), { max: poolSize })
  let dropping: Promise<void> | undefined
  const drop = () =>
    (dropping ??= (async () => {
      await db.end().catch(() => {})
      const c = new pg.Client({ connectionString: ADMIN_DATABASE_URL })
      await c.connect()
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await c.end()
      }
    })())
  onCreated?.(drop)
  try {
    await migrate(db)
  } catch (err) {
    await drop().catch(() => {})
    throw err
  }
  return { name, url: url.toString(), db, drop }
}

export const FORCE = 'cleveland'
export const URN = '111234'
export const DSL = 'jo.bloggs@example.org'
export const DEPUTY = 'sam.deputy@example.org'

/** HH:MM on the Europe/London wall clock, `hours` from now. */
export function londonTimeIn(hours: number): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(new Date(Date.now() + hours * 3_600_000))
  const get = (t: string) => parts.find((p) => p.type === t)!.value
  return `${get('hour')}:${get('minute')}`
}

/** The school (DSL + deputy, day starting ~12 h from now) and `tokens` police tokens for the force. */
export async function seed(db: Db, tokens = 1): Promise<{ police: string[] }> {
  await putSchool(db, URN, {
    name: 'Bench Primary School',
    laCode: '808',
    dayStartsAt: londonTimeIn(12),
    contacts: [
      { role: 'dsl', name: 'Jo Bloggs', email: DSL },
      { role: 'deputy', name: 'Sam Deputy', email: DEPUTY },
    ],
  })
  const police: string[] = []
  for (let i = 0; i < tokens; i++) police.push((await createToken(db, { role: 'police', forceCode: FORCE, name: `bench-${i}` })).secret)
  return { police }
}

/** One incident with one child at the seeded school, aware a minute ago, with a unique reference. */
export function incident(reference = `BEN-${randomUUID()}`) {
  return {
    reference,
    policeAwareAt: new Date(Date.now() - 60_000).toISOString(),
    incidentType: 'crime' as const,
    riskLevel: 'medium' as const,
    summary: 'Verbal argument between parents; child was upstairs.',
    children: [{ givenName: 'Amy', familyName: 'Example', dateOfBirth: '2016-05-04', present: true, school: { urn: URN } }],
  }
}
