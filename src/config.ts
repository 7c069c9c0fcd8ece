// Every setting the service reads, parsed once from the environment with zod. Each has a local
// default so a bare `npm start` works on a developer machine; a bad value stops start-up with a
// message naming the setting. `defaultsInUse` lets main.ts say which defaults it fell back on.
import { isIP } from 'node:net'
import { z } from 'zod'
import { kindsWithoutWelsh, notifyTemplateIdsSetting, type NotifyTemplateIds } from './mail/notify-templates.js'

const durationMs = z.coerce.number().int().positive()
const perMinute = z.coerce.number().int().min(1)

// Which peers may tell us the client's address (X-Forwarded-For): none by default, since
// trusting every peer lets any caller choose the address its limits are counted against.
// A hop count, or a comma list of addresses, CIDR ranges and proxy-addr's names.
const trustProxy = z
  .string()
  .trim()
  .refine((v) => /^[1-9][0-9]?$/.test(v) || v.split(',').every((a) => isProxyAddress(a.trim())), {
    message: 'must be a hop count (1-99) or a comma list of addresses or CIDR ranges (e.g. 10.0.0.0/8,::1); "true" is not accepted',
  })
  .transform((v): number | string[] => (/^[0-9]+$/.test(v) ? Number(v) : v.split(',').map((a) => a.trim())))

function isProxyAddress(a: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(a)) return true
  const [ip, bits, ...more] = a.split('/')
  const family = isIP(ip ?? '')
  if (family === 0 || more.length > 0) return false
  if (bits === undefined) return true
  return /^[0-9]{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)
}

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATABASE_SSLMODE: z.enum(['disable', 'require', 'verify-full']).default('disable'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  // High availability: the Sentinels to ask for the current Redis primary (host:port,host:port).
  // REDIS_URL then gives only the password, database and TLS; its host is not used.
  REDIS_SENTINELS: z
    .string()
    .regex(/^[A-Za-z0-9.-]+:[0-9]{1,5}(,[A-Za-z0-9.-]+:[0-9]{1,5})*$/, 'must be host:port[,host:port...]')
    .transform((v) => v.split(',').map((hp) => ({ host: hp.slice(0, hp.lastIndexOf(':')), port: Number(hp.slice(hp.lastIndexOf(':') + 1)) })))
    .optional(),
  REDIS_SENTINEL_NAME: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be the name the Sentinels monitor').default('mymaster'),
  // Reports and the boards' dashboard read here when set (a streaming replica); else DATABASE_URL.
  REPORTS_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  // The latency report by plain SQL (percentile_cont over the range) instead of the fast path, which
  // samples heap row addresses (store/reports-store.ts): the same figures, slower at volume.
  REPORTS_PLAIN_SQL: z.stringbool().default(false),
  QUEUE_PREFIX: z.string().min(1).max(64).regex(/^[A-Za-z0-9:_{}-]+$/).default('encompass'),
  // How mail leaves: SMTP (or, without SMTP_URL, .eml files), or GOV.UK Notify (issue 14.7).
  MAIL_TRANSPORT: z.enum(['smtp', 'notify']).default('smtp'),
  // A Notify API key as Notify shows it: key name, service id, secret (the last two UUIDs).
  NOTIFY_API_KEY: z
    .string()
    .regex(/^\S+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a Notify API key: name-<service id>-<secret>')
    .optional(),
  NOTIFY_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.notifications.service.gov.uk'),
  // JSON: {"notification":{"en":"<id>","cy":"<id>"},"deputies":…,"reminder":…,"desk":…,"sign-in":…,"alert":…}
  NOTIFY_TEMPLATE_IDS: notifyTemplateIdsSetting.optional(),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  SMTP_REQUIRE_TLS: z.stringbool().default(false),
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(5),
  MAIL_FROM: z.string().min(3).default('Operation Encompass <encompass-notify@localhost>'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SWEEP_INTERVAL_MS: durationMs.default(15_000),
  CLAIM_TIMEOUT_MS: durationMs.default(120_000),
  // First retry delay after a temporary send failure (SMTP 4xx, Notify 429 or 500); doubles each
  // attempt (10 attempts). A longer pause asked for by Notify (Retry-After) is honoured.
  NOTIFY_BACKOFF_MS: durationMs.default(5_000),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(20),
  MAIL_DIR: z.string().optional(),
  // Signs the one-click acknowledgement links in e-mails. Rotating it invalidates unsent links.
  ACK_LINK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // Keys the audit trail's hash chain (HMAC-SHA256): held outside the database, so that rows
  // forged or rewritten there with the key unknown do not verify. Changing it breaks verification
  // of the rows already sealed.
  AUDIT_HMAC_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  // Days after a notification closes (acknowledged, escalated to the desk, or failed) before the
  // child's name, date of birth and the incident summary are purged; timings and audit stay.
  RETENTION_DAYS: z.coerce.number().min(0).max(3650).default(30),
  // Retention for every table (docs/retention.md), applied by the hourly retention job.
  // A notification never acknowledged keeps the child's details this long after it closed, so
  // the Key Adult can still read, print and acknowledge it.
  RETENTION_UNACKNOWLEDGED_DAYS: z.coerce.number().min(0).max(3650).default(90),
  // Police reference, recipients' addresses and mail-server answers, after the police knew.
  RECORD_RETENTION_DAYS: z.coerce.number().min(0).max(3650).default(730),
  // The children's keyed pseudonyms that count repeat notifications within 12 months.
  PSEUDONYM_RETENTION_DAYS: z.coerce.number().min(0).max(3650).default(366),
  // The audit trail (and revoked API tokens, which it names).
  AUDIT_RETENTION_DAYS: z.coerce.number().min(0).max(7300).default(2190),
  // A local authority's pupil roll not replaced for this long is out of date and goes.
  PUPIL_ROLL_RETENTION_DAYS: z.coerce.number().min(0).max(3650).default(400),
  // Ended sessions, job failures, escalation claims, cleared alerts, closed settings' Key Adults.
  OPERATIONAL_RETENTION_DAYS: z.coerce.number().min(0).max(3650).default(90),
  // Past term dates, closures and bank holidays.
  CALENDAR_RETENTION_DAYS: z.coerce.number().min(0).max(7300).default(2190),
  RETENTION_INTERVAL_MS: durationMs.default(3_600_000),
  // Keys the children's pseudonyms (HMAC-SHA256) for the board's repeat counts: held outside the
  // database so a pseudonym cannot be recomputed from a guessed name there.
  REPORT_PSEUDONYM_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  // The headless Chromium that prints the monthly board pack to PDF (Debian's chromium package).
  CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(256 * 1024),
  TRUST_PROXY: trustProxy.optional(),
  // Requests per minute per API process: per verified token; per client address for requests
  // that carry none; failed authentications per client address, past which a token is not even
  // looked up.
  RATE_LIMIT_PER_MINUTE: perMinute.default(1200),
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: perMinute.default(300),
  AUTH_FAILURES_PER_MINUTE: perMinute.default(20),
  // The whole request, headers and body, must arrive within this (a slow-loris client is cut
  // off with 408); idle keep-alive connections close after KEEP_ALIVE_TIMEOUT_MS (longer than a
  // load balancer's idle timeout); any socket idle for CONNECTION_TIMEOUT_MS is closed.
  REQUEST_TIMEOUT_MS: durationMs.default(30_000),
  KEEP_ALIVE_TIMEOUT_MS: durationMs.default(72_000),
  CONNECTION_TIMEOUT_MS: durationMs.default(120_000),
  // A signed-in session on the pages ends after this long without a request, and this long after
  // sign-in whatever happens (see src/store/sessions-store.ts).
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(7 * 24).default(12),
  // Who may read /metrics (see src/http/metrics-endpoint.ts). A token: scrapers send
  // `Authorization: Bearer <METRICS_TOKEN>`. A port: metrics move to their own listener on
  // METRICS_HOST (default this machine only), in worker processes too. Neither in production:
  // /metrics is off; in development: open to this machine only.
  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional(),
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
})

export type Config = Omit<z.infer<typeof schema>, 'REPORT_PSEUDONYM_KEY'> & {
  /** MAIL_TRANSPORT=notify: what the Notify transport needs; null otherwise. */
  notify: { apiKey: string; baseUrl: string; templateIds: NotifyTemplateIds } | null
  PUBLIC_BASE_URL: string
  ACK_LINK_SECRET: string
  AUDIT_HMAC_KEY: string
  /** null in production when unset: no pseudonyms are kept, repeat counts are null. */
  REPORT_PSEUDONYM_KEY: string | null
  defaultsInUse: string[]
  /** Settings that work but should not go live as they are (logged as warnings at start-up). */
  warnings: string[]
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, as a shell `FOO=` usually means.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''))
  const parsed = schema.safeParse(cleaned)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`)
  }
  const c = parsed.data
  const defaultsInUse: string[] = []
  if (!c.DATABASE_URL) defaultsInUse.push('DATABASE_URL unset: embedded PostgreSQL under .data/postgres')
  if (!cleaned.REDIS_URL) defaultsInUse.push(`REDIS_URL unset: ${c.REDIS_URL}`)
  if (!c.SMTP_URL && c.MAIL_TRANSPORT === 'smtp') defaultsInUse.push('SMTP_URL unset: e-mails are written as .eml files under .data/mail')
  const notify = notifySettings(c)
  const PUBLIC_BASE_URL = (c.PUBLIC_BASE_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, '')
  if (!c.PUBLIC_BASE_URL) defaultsInUse.push(`PUBLIC_BASE_URL unset: ${PUBLIC_BASE_URL}`)
  if (!c.ACK_LINK_SECRET && c.NODE_ENV === 'production') {
    throw new ConfigError('invalid configuration:\n  ACK_LINK_SECRET: required in production (32+ random characters)')
  }
  if (!c.ACK_LINK_SECRET) defaultsInUse.push('ACK_LINK_SECRET unset: a development-only signing key')
  const ACK_LINK_SECRET = c.ACK_LINK_SECRET ?? 'development-only-ack-link-secret-not-for-production'
  if (!c.AUDIT_HMAC_KEY && c.NODE_ENV === 'production') {
    throw new ConfigError('invalid configuration:\n  AUDIT_HMAC_KEY: required in production (32+ random characters, kept outside the database)')
  }
  if (!c.AUDIT_HMAC_KEY) defaultsInUse.push('AUDIT_HMAC_KEY unset: a development-only audit chain key')
  const AUDIT_HMAC_KEY = c.AUDIT_HMAC_KEY ?? 'development-only-audit-hmac-key-not-for-production'
  const warnings: string[] = []
  // No development default in production: without its own key the service keeps no pseudonyms
  // and the board report's repeat counts are empty (null), rather than keyed by a public value.
  if (!c.REPORT_PSEUDONYM_KEY && c.NODE_ENV !== 'production') defaultsInUse.push('REPORT_PSEUDONYM_KEY unset: a development-only pseudonym key')
  if (!c.REPORT_PSEUDONYM_KEY && c.NODE_ENV === 'production') warnings.push('REPORT_PSEUDONYM_KEY unset: no repeat counts in the board report')
  const REPORT_PSEUDONYM_KEY = c.REPORT_PSEUDONYM_KEY ?? (c.NODE_ENV === 'production' ? null : 'development-only-report-pseudonym-key-not-for-production')
  // docker-compose.yml starts with no edits by falling back to public development-only values.
  for (const [name, value] of Object.entries(c)) {
    if (c.NODE_ENV === 'production' && typeof value === 'string' && value.startsWith('development-only')) {
      warnings.push(`${name} is a public development-only value (docker-compose.yml): set your own before real use`)
    }
  }
  if (c.METRICS_PORT === undefined && !c.METRICS_TOKEN) {
    if (c.NODE_ENV === 'production') warnings.push('METRICS_TOKEN and METRICS_PORT unset: /metrics is off')
    else defaultsInUse.push('METRICS_TOKEN and METRICS_PORT unset: /metrics answers this machine only')
  }
  if (notify) {
    const noWelsh = kindsWithoutWelsh(notify.templateIds)
    if (noWelsh.length) warnings.push(`NOTIFY_TEMPLATE_IDS has no Welsh (cy) template for ${noWelsh.join(', ')}: settings in Wales get the English one, Welsh words first`)
    if (c.SMTP_URL) warnings.push('SMTP_URL is set but MAIL_TRANSPORT=notify: mail goes through GOV.UK Notify, not SMTP')
  }
  return { ...c, notify, PUBLIC_BASE_URL, ACK_LINK_SECRET, AUDIT_HMAC_KEY, REPORT_PSEUDONYM_KEY, defaultsInUse, warnings }
}

/** MAIL_TRANSPORT=notify needs its key and every template id, or the service does not start. */
function notifySettings(c: z.infer<typeof schema>): Config['notify'] {
  if (c.MAIL_TRANSPORT !== 'notify') return null
  const missing = [
    !c.NOTIFY_API_KEY && '  NOTIFY_API_KEY: required when MAIL_TRANSPORT=notify (the API key Notify gave the service)',
    !c.NOTIFY_TEMPLATE_IDS && '  NOTIFY_TEMPLATE_IDS: required when MAIL_TRANSPORT=notify (a JSON object of template ids per kind of message; README, "Sending through GOV.UK Notify")',
  ].filter((line): line is string => typeof line === 'string')
  if (missing.length || !c.NOTIFY_API_KEY || !c.NOTIFY_TEMPLATE_IDS) throw new ConfigError(`invalid configuration:\n${missing.join('\n')}`)
  return { apiKey: c.NOTIFY_API_KEY, baseUrl: c.NOTIFY_BASE_URL.replace(/\/+$/, ''), templateIds: c.NOTIFY_TEMPLATE_IDS }
}
