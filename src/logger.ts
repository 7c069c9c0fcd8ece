// One pino logger for the process. Children's details never belong in a log line: callers log ids
// only, and redaction is the safety net for any object that slips through (request bodies,
// errors carrying rows, e-mail content).
import pino, { type Logger, type DestinationStream } from 'pino'

export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'token',
  '*.token',
  'body',
  '*.body',
  'summary',
  '*.summary',
  'givenName',
  'familyName',
  'dateOfBirth',
  '*.givenName',
  '*.familyName',
  '*.dateOfBirth',
  'children',
  '*.children',
  'given_name',
  'family_name',
  'date_of_birth',
  '*.given_name',
  '*.family_name',
  '*.date_of_birth',
  'html',
  'text',
  '*.html',
  '*.text',
]

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'encompass-notify' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  )
}

export type { Logger }
