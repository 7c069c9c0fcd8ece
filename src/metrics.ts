// Prometheus metrics. Labels are statuses, steps and queue names only: never a name, a date of
// birth, a reference or an address.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

const DELAY_BUCKETS = [60, 300, 900, 1800, 3600, 7200, 14400, 28800, 43200, 86400, 172800, 345600]
const SERVICE_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600]

export class Metrics {
  readonly registry = new Registry()
  readonly incidentsReceived = new Counter({
    name: 'encompass_incidents_received_total',
    help: 'Incident submissions by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  })
  readonly notifications = new Counter({
    name: 'encompass_notifications_total',
    help: 'Notification state changes by status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  })
  readonly escalations = new Counter({
    name: 'encompass_escalations_total',
    help: 'Escalation steps taken',
    labelNames: ['step'] as const,
    registers: [this.registry],
  })
  readonly smtpFailures = new Counter({
    name: 'encompass_smtp_failures_total',
    help: 'SMTP send failures by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  })
  readonly matches = new Counter({
    name: 'encompass_matches_total',
    help: 'Match outcomes by status and method or reason',
    labelNames: ['status', 'how'] as const,
    registers: [this.registry],
  })
  readonly policeToSent = new Histogram({
    name: 'encompass_police_to_sent_seconds',
    help: 'Seconds from the police becoming aware to the SMTP server accepting the notification',
    buckets: DELAY_BUCKETS,
    registers: [this.registry],
  })
  readonly receivedToSent = new Histogram({
    name: 'encompass_received_to_sent_seconds',
    help: 'Seconds from our API receiving the incident to the SMTP server accepting the notification',
    buckets: SERVICE_BUCKETS,
    registers: [this.registry],
  })
  readonly queueDepth = new Gauge({
    name: 'encompass_queue_jobs',
    help: 'Jobs in each queue by state',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  })
  readonly sweeps = new Counter({
    name: 'encompass_sweeper_requeued_total',
    help: 'Work the sweeper found in Postgres and put back on a queue',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  })

  readonly feedQuietSeconds = new Gauge({
    name: 'encompass_force_feed_quiet_seconds',
    help: 'Seconds since the force last submitted an incident',
    labelNames: ['force'] as const,
    registers: [this.registry],
  })
  readonly overdueUnsent = new Gauge({
    name: 'encompass_notifications_overdue_unsent',
    help: 'Notifications past their deadline and not sent, by force',
    labelNames: ['force'] as const,
    registers: [this.registry],
  })
  readonly childrenHeld = new Gauge({
    name: 'encompass_children_held',
    help: 'Children waiting in the review queue (not placed with a setting), by force',
    labelNames: ['force'] as const,
    registers: [this.registry],
  })
  readonly jobsFailedPermanently = new Counter({
    name: 'encompass_jobs_failed_permanently_total',
    help: 'Jobs that gave up after repeated (or unrecoverable) failures; their work was put where people see it',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  })
  readonly alerts = new Counter({
    name: 'encompass_alerts_total',
    help: 'Operational alerts raised (feed quiet, delivery overdue, children held, jobs failed, directory)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  })

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    // prom-client's own names already start with process_ or nodejs_: the prefix goes before them
    // (encompass_process_cpu_seconds_total), once.
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'encompass_' })
  }
}
