// Real parts for tests: a fresh PostgreSQL database per test file (dropped afterwards), a unique
// BullMQ prefix in the real Redis (its keys deleted afterwards), and a real SMTP server from
// nodemailer's smtp-server that can be told to refuse addresses or fail for a while.
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { Writable } from 'node:stream'
import { simpleParser, type ParsedMail } from 'mailparser'
import pg from 'pg'
import { SMTPServer } from 'smtp-server'
import { Redis } from 'ioredis'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { ManualClock, TickingClock, type Clock } from '../../src/domain/clock.js'
import { createLogger } from '../../src/logger.js'
import { createMailer } from '../../src/mail/transport.js'
import { Metrics } from '../../src/metrics.js'
import { Queues, redisConnection, redisTargetOf } from '../../src/queue/queues.js'
import { startWorkers, type RunningWorkers } from '../../src/queue/workers.js'
import type { Services } from '../../src/services.js'
import { createPool, type Db } from '../../src/store/db.js'
import { migrate } from '../../src/store/migrate.js'
import { createToken } from '../../src/store/tokens-store.js'
import { readGiasFile } from '../../src/store/gias-files.js'
import { importDirectory } from '../../src/store/schools-store.js'

/** Where the harness's clock starts by default: see createHarness. */
export const HARNESS_START = new Date('2026-11-20T22:20:00Z')

export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

const suffix = () => `${process.pid}_${randomBytes(4).toString('hex')}`

export interface TestDatabase {
  url: string
  db: Db
  drop(): Promise<void>
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `enc_test_${suffix()}`
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(ADMIN_DATABASE_URL)
  url.pathname = `/${name}`
  const db = createPool(url.toString(), { max: 10 })
  await migrate(db)
  return {
    url: url.toString(),
    db,
    async drop() {
      await db.end()
      const c = new pg.Client({ connectionString: ADMIN_DATABASE_URL })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    },
  }
}

export interface CapturedMail {
  envelopeTo: string[]
  parsed: ParsedMail
  raw: string
}

/** A real SMTP server on a free port. `refuse` addresses get 550; `tempFail` > 0 answers 451 that many times. */
export class TestSmtpServer {
  readonly messages: CapturedMail[] = []
  readonly refuse = new Set<string>()
  tempFail = 0
  /** While set, each message's end-of-data is answered only once this settles (a slow server). */
  hold: Promise<void> | null = null
  port = 0
  private server: SMTPServer
  private waiters: (() => void)[] = []

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, cb) => {
        if (this.refuse.has(address.address.toLowerCase())) {
          const err = new Error('mailbox unavailable') as Error & { responseCode: number }
          err.responseCode = 550
          return cb(err)
        }
        cb()
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = []
        stream.on('data', (c: Buffer) => chunks.push(c))
        stream.on('end', async () => {
          if (this.hold) await this.hold
          if (this.tempFail > 0) {
            this.tempFail -= 1
            const err = new Error('try again later') as Error & { responseCode: number }
            err.responseCode = 451
            return cb(err)
          }
          const raw = Buffer.concat(chunks).toString('utf8')
          this.messages.push({
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            parsed: await simpleParser(raw),
            raw,
          })
          for (const w of this.waiters.splice(0)) w()
          cb()
        })
      },
    })
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()))
    this.port = (this.server.server.address() as { port: number }).port
    return this
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`
  }

  /** Resolves once at least n messages have arrived, or rejects after timeoutMs. */
  async waitFor(n: number, timeoutMs = 15_000): Promise<CapturedMail[]> {
    const deadline = Date.now() + timeoutMs
    while (this.messages.length < n) {
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`expected ${n} e-mails, got ${this.messages.length}`)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 250))
        this.waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
    return this.messages
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

/** Collects every log line the service writes, for assertions and privacy scans. */
export class LogCapture extends Writable {
  readonly lines: string[] = []
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean))
    cb()
  }
  get text(): string {
    return this.lines.join('\n')
  }
}

export interface Harness {
  services: Services
  app: FastifyInstance
  smtp: TestSmtpServer
  logs: LogCapture
  clock: Clock
  database: TestDatabase
  prefix: string
  workers: RunningWorkers | undefined
  startWorkers(): RunningWorkers
  token(role: 'police' | 'dsl' | 'auditor' | 'admin', scope?: string): Promise<string>
  redisDump(): Promise<string>
  close(): Promise<void>
}

export async function createHarness(
  opts: { clock?: Clock | ManualClock; workers?: boolean; env?: Record<string, string>; rateLimitPerMinute?: number } = {},
): Promise<Harness> {
  const database = await createTestDatabase()
  const smtp = await new TestSmtpServer().start()
  const prefix = `enc-test-${suffix()}`
  const config: Config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    SMTP_URL: smtp.url,
    QUEUE_PREFIX: prefix,
    PUBLIC_BASE_URL: 'http://encompass.test',
    SWEEP_INTERVAL_MS: '500',
    CLAIM_TIMEOUT_MS: '60000',
    NOTIFY_BACKOFF_MS: '200',
    LOG_LEVEL: 'info',
    // Tests send many requests from one address, many of them refused by design.
    RATE_LIMIT_PER_MINUTE: String(opts.rateLimitPerMinute ?? 100_000),
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000',
    AUTH_FAILURES_PER_MINUTE: '100000',
    ...opts.env,
  })
  const logs = new LogCapture()
  const logger = createLogger(config.LOG_LEVEL, logs)
  const producer = redisConnection(redisTargetOf(config), 'producer')
  // Unless a test brings its own, "now" starts at Friday 20 November 2026, 22:20 London time (just
  // after anIncident()'s policeAwareAt) and runs at real speed: a suite run on any later date sees
  // the same deadlines (Monday 23 November 08:30) instead of finding them already past.
  const clock = opts.clock ?? new TickingClock(HARNESS_START)
  const services: Services = {
    config,
    db: database.db,
    queues: new Queues(producer, prefix, config.NOTIFY_BACKOFF_MS),
    mailer: createMailer({ smtpUrl: smtp.url, requireTls: false, poolSize: 2, mailDir: '/nonexistent' }),
    logger,
    clock,
    metrics: new Metrics(),
  }
  const app = await buildApp(services)
  const h: Harness = {
    services,
    app,
    smtp,
    logs,
    clock,
    database,
    prefix,
    workers: undefined,
    startWorkers() {
      h.workers = startWorkers(services)
      return h.workers
    },
    async token(role, scope) {
      const t = await createToken(database.db, {
        role,
        forceCode: role === 'police' ? (scope ?? 'cleveland') : null,
        urn: role === 'dsl' ? scope! : null,
      })
      return t.secret
    },
    async redisDump() {
      const r = new Redis(TEST_REDIS_URL)
      const out: string[] = []
      let cursor = '0'
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', '500')
        cursor = next
        for (const key of keys) {
          out.push(key)
          const type = await r.type(key)
          if (type === 'string') out.push(String(await r.get(key)))
          else if (type === 'hash') out.push(JSON.stringify(await r.hgetall(key)))
          else if (type === 'list') out.push(JSON.stringify(await r.lrange(key, 0, -1)))
          else if (type === 'set') out.push(JSON.stringify(await r.smembers(key)))
          else if (type === 'zset') out.push(JSON.stringify(await r.zrange(key, '0', '-1')))
          else if (type === 'stream') out.push(JSON.stringify(await r.xrange(key, '-', '+')))
        }
      } while (cursor !== '0')
      r.disconnect()
      return out.join('\n')
    },
    async close() {
      await h.workers?.close()
      await app.close()
      await services.queues.close()
      const r = new Redis(TEST_REDIS_URL)
      let cursor = '0'
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', '1000')
        cursor = next
        if (keys.length > 0) await r.del(...keys)
      } while (cursor !== '0')
      r.disconnect()
      producer.disconnect()
      services.mailer.close()
      await smtp.stop()
      await database.drop()
    },
  }
  if (opts.workers) h.startWorkers()
  return h
}

/** Polls until fn returns a truthy value. */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 100))
  }
}

export const anIncident = (over: Record<string, unknown> = {}, child: Record<string, unknown> = {}) => ({
  reference: `CLE-2026-${randomBytes(3).toString('hex')}`,
  policeAwareAt: '2026-11-20T22:14:00Z',
  occurredAt: '2026-11-20T21:50:00Z',
  incidentType: 'crime',
  riskLevel: 'medium',
  summary: 'Verbal argument between parents; child was upstairs.',
  children: [
    { givenName: 'Amy', familyName: 'Example', dateOfBirth: '2016-05-04', present: true, school: { urn: '111234' }, ...child },
  ],
  ...over,
})

export const aSchool = (over: Record<string, unknown> = {}) => ({
  name: 'Example Primary School',
  laCode: '808',
  contacts: [
    { role: 'dsl', name: 'Jo Bloggs', email: 'jo.bloggs@example.org' },
    { role: 'deputy', name: 'Sam Deputy', email: 'sam.deputy@example.org' },
  ],
  ...over,
})

/** A file of the real DfE register extracts the repository ships in data/gias. */
export const giasFile = (f: string) => fileURLToPath(new URL(`../../data/gias/${f}`, import.meta.url))

/**
 * Loads the whole real register into a test database, as `cli schools import` would: the 51,012
 * establishments (open and closed), then the 2025 file that adds postcodes.
 */
export async function importRealRegister(db: Db): Promise<void> {
  for (const f of ['gias-establishments-all-20240617.csv', 'register-trainee-teachers-schools-gias-20250711.csv']) {
    await importDirectory(db, readGiasFile(giasFile(f)))
  }
}
