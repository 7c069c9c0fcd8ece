// What went wrong with a job, and what kind of wrong: a fault retrying cannot mend (the data is
// wrong), a passing outage (a server away for a while), or anything else (counted, retried, and in
// the end given up: job-failures.ts). Summaries name no child: they are logged, kept in Postgres,
// shown to officers and handed to BullMQ, which keeps them in Redis.
import { DelayedError, RateLimitError, WaitingChildrenError, WaitingError } from 'bullmq'
import { CalendarError } from '../domain/school-calendar.js'
import { NotifySendError } from '../mail/notify-transport.js'

/** Thrown back to BullMQ in place of the original error, so that only the summary reaches Redis. */
export class JobAttemptFailed extends Error {
  override readonly name = 'JobAttemptFailed'
}

/** Retrying cannot mend these: the values the job works on are wrong. */
export function isPermanentJobError(err: unknown): boolean {
  return err instanceof CalendarError
}

/**
 * What went wrong, in words that name no child: our own errors say it in fixed words; a
 * PostgreSQL error by its SQLSTATE and the schema objects it names (its message may quote a
 * value); anything else by its kind, with quoted text, dates, addresses and long numbers removed.
 */
export function describeJobError(err: unknown): string {
  if (err instanceof CalendarError || err instanceof JobAttemptFailed) {
    return err.message
  }
  if (err instanceof Error) {
    const pg = err as Error & { code?: unknown; severity?: unknown; table?: unknown; constraint?: unknown; column?: unknown }
    if (typeof pg.code === 'string' && /^[0-9A-Z]{5}$/.test(pg.code) && typeof pg.severity === 'string') {
      const where = [pg.table && `table ${String(pg.table)}`, pg.column && `column ${String(pg.column)}`, pg.constraint && `constraint ${String(pg.constraint)}`]
        .filter(Boolean)
        .join(', ')
      return `database error ${pg.code}${where ? ` (${where})` : ''}`
    }
    return `${err.name}: ${scrub(err.message)}`.slice(0, 300)
  }
  return 'an error that is not an Error object'
}

function scrub(message: string): string {
  return message
    .replace(/"[^"]*"|'[^']*'|`[^`]*`|“[^”]*”|‘[^’]*’/g, '…')
    .replace(/[^\s@<>()]+@[^\s@<>()]+/g, '<address>')
    .replace(/[+-]?\d{4,6}-\d{2}-\d{2}(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?/g, '<date>')
    .replace(/\d{3,}/g, '#')
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'ECONNECTION', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL'])

/**
 * An outage that passes on its own, not a fault in the job: an SMTP deferral (4xx) or lost
 * connection, GOV.UK Notify's 429 or 500 or no answer from it, a PostgreSQL connection, shutdown, resource, serialisation or deadlock error, a
 * connection to Redis closed.
 */
export function isPassingOutage(err: unknown): boolean {
  if (!(err instanceof Error)) return false
  if (err instanceof NotifySendError) return !err.permanent
  const e = err as Error & { code?: unknown; responseCode?: unknown; severity?: unknown }
  if (typeof e.responseCode === 'number') return e.responseCode >= 400 && e.responseCode < 500
  if (typeof e.code === 'string') {
    if (NETWORK_CODES.has(e.code)) return true
    if (typeof e.severity === 'string') return /^(08|53|57P0|40001|40P01|55P03)/.test(e.code)
  }
  return e.name === 'MaxRetriesPerRequestError' || /^(Connection terminated|Connection is closed|timeout exceeded when trying to connect)/.test(e.message)
}

/** BullMQ's own control flow (a job moved to delayed, to waiting-children, or rate limited): not failures. */
export const isQueueControl = (err: unknown) =>
  err instanceof DelayedError || err instanceof WaitingChildrenError || err instanceof WaitingError || err instanceof RateLimitError
