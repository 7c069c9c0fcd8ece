// Starts the API, the workers, or both (`all`, the default for `npm start`), and owns shutdown:
// on SIGTERM/SIGINT the API stops taking requests, workers finish in-flight jobs, then pools close.
import { loadConfig } from './config.js'
import { systemClock } from './domain/clock.js'
import { createLogger } from './logger.js'
import { createMailer } from './mail/transport.js'
import { startMetricsListener } from './http/metrics-endpoint.js'
import { Metrics } from './metrics.js'
import { localStateDir } from './paths.js'
import { reportFatal } from './process-errors.js'
import { Queues, redisConnection, redisTargetOf } from './queue/queues.js'
import { startWorkers, type RunningWorkers } from './queue/workers.js'
import type { Services } from './services.js'
import { createPool } from './store/db.js'
import type { EmbeddedDatabase } from './store/embedded-postgres.js'
import { migrate } from './store/migrate.js'
import { join } from 'node:path'

type Mode = 'api' | 'worker' | 'all'

async function main(mode: Mode): Promise<void> {
  // A bad or missing setting ends here with one line naming it, and exit status 78 (EX_CONFIG).
  const config = loadConfig()
  const logger = createLogger(config.LOG_LEVEL)
  for (const d of config.defaultsInUse) logger.info(`default in use: ${d}`)
  for (const w of config.warnings) logger.warn(w)

  let embedded: EmbeddedDatabase | undefined
  let databaseUrl = config.DATABASE_URL
  if (!databaseUrl) {
    const { startEmbeddedPostgres } = await import('./store/embedded-postgres.js')
    embedded = await startEmbeddedPostgres(logger)
    databaseUrl = embedded.url
  }
  const db = createPool(databaseUrl, { max: config.DATABASE_POOL_SIZE, sslmode: config.DATABASE_SSLMODE, logger })
  const applied = await migrate(db)
  if (applied.length > 0) logger.info({ applied }, 'migrations applied')

  const reportsDb = config.REPORTS_DATABASE_URL
    ? createPool(config.REPORTS_DATABASE_URL, { max: Math.max(2, Math.ceil(config.DATABASE_POOL_SIZE / 2)), sslmode: config.DATABASE_SSLMODE, logger })
    : undefined
  const producer = redisConnection(redisTargetOf(config), 'producer')
  producer.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error (producer)'))
  const services: Services = {
    config,
    db,
    ...(reportsDb ? { reportsDb } : {}),
    queues: new Queues(producer, config.QUEUE_PREFIX, config.NOTIFY_BACKOFF_MS),
    mailer: createMailer({
      smtpUrl: config.SMTP_URL,
      requireTls: config.SMTP_REQUIRE_TLS,
      poolSize: config.SMTP_POOL_SIZE,
      mailDir: config.MAIL_DIR ?? join(localStateDir, 'mail'),
      notify: config.notify,
    }),
    logger,
    clock: systemClock,
    metrics: new Metrics({ defaultMetrics: true }),
  }

  let workers: RunningWorkers | undefined
  if (mode !== 'api') workers = startWorkers(services)
  // The web application (Fastify, every route, templates, the PDF renderer) is loaded only by a
  // process that serves it: a worker process starts in about half the time without it.
  const app = mode !== 'worker' ? await (await import('./app.js')).buildApp(services) : undefined
  if (app) await app.listen({ port: config.PORT, host: config.HOST })
  // Worker processes have metrics too; with METRICS_PORT every process serves its own.
  const metricsListener = config.METRICS_PORT !== undefined ? await startMetricsListener(services) : undefined
  logger.info({ mode, mail: services.mailer.kind, port: app ? config.PORT : undefined, metricsPort: config.METRICS_PORT }, 'encompass-notify started')

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down: finishing in-flight work')
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting')
      process.exit(1)
    }, 30_000)
    force.unref()
    try {
      await app?.close()
      await new Promise((resolve) => (metricsListener ? metricsListener.close(resolve) : resolve(undefined)))
      await workers?.close()
      await services.queues.close()
      producer.disconnect()
      services.mailer.close()
      await db.end()
      await reportsDb?.end()
      await embedded?.stop()
      logger.info('stopped cleanly')
      process.exit(0)
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'error during shutdown')
      process.exit(1)
    }
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
}

const mode = (process.argv[2] ?? 'all') as Mode
if (!['api', 'worker', 'all'].includes(mode)) {
  console.error(`error: unknown mode ${JSON.stringify(mode)} (usage: main.ts [api|worker|all])`)
  process.exit(64)
}
// Start-up failures (a bad setting, PostgreSQL unreachable) print one line, not a stack; the stack
// with --debug or ENCOMPASS_DEBUG=1.
main(mode).catch((err) => process.exit(reportFatal(err)))
