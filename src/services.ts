// What the API and the workers share at run time, built once by main.ts (or by a test).
import type { Logger } from 'pino'
import type { Config } from './config.js'
import type { Clock } from './domain/clock.js'
import type { Mailer } from './mail/transport.js'
import type { Metrics } from './metrics.js'
import type { Queues } from './queue/queues.js'
import type { Db } from './store/db.js'

export interface Services {
  config: Config
  db: Db
  /** Where reports read: a replica when REPORTS_DATABASE_URL is set; otherwise `db` itself. */
  reportsDb?: Db
  queues: Queues
  mailer: Mailer
  logger: Logger
  clock: Clock
  metrics: Metrics
}
