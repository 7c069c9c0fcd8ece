// The retention job: every table's rule (docs/retention.md), applied in turn, each run recorded in
// retention_runs and, when it removed anything, in the audit trail. Every worker process schedules
// it (hourly, RETENTION_INTERVAL_MS) beside the sweeper; an advisory lock lets one run at a time.
// The SQL is in src/store/retention-store.ts and (the audit trail's head) src/store/audit-store.ts.
import type { Config } from '../config.js'
import { removeOldAuditRows } from '../store/audit-store.js'
import type { Db } from '../store/db.js'
import {
  minimiseOldRecords, purgeExpiredPersonalData, recordRetentionRun, removeEndedTokens, removeOldPseudonyms,
  removeExpiredSignInLinks, removeInactivePeople, removeOldRetentionRuns, removeOperationalRecords, removePastCalendars, removeStalePupilRolls,
  stampReportFacts, withRetentionLock,
} from '../store/retention-store.js'

type RetentionConfig = Pick<Config, 'RETENTION_DAYS' | 'RETENTION_UNACKNOWLEDGED_DAYS' | 'RECORD_RETENTION_DAYS' | 'PSEUDONYM_RETENTION_DAYS'
  | 'AUDIT_RETENTION_DAYS' | 'PUPIL_ROLL_RETENTION_DAYS' | 'OPERATIONAL_RETENTION_DAYS' | 'CALENDAR_RETENTION_DAYS' | 'AUDIT_HMAC_KEY'
  | 'REPORT_PSEUDONYM_KEY'>

export type RetentionReport = Record<string, number>

const DAY_MS = 86_400_000

/**
 * Runs every rule once, at `now`. Returns rows affected per rule, or null when another process
 * was already running the job. Order matters: pseudonyms are stamped before names are purged,
 * names purged before records are minimised, sessions removed before the tokens they name.
 */
export async function runRetention(db: Db, config: RetentionConfig, now: Date): Promise<RetentionReport | null> {
  return withRetentionLock(db, async () => {
    const report: RetentionReport = {}
    const rule = async (name: string, days: number | null, fn: () => Promise<number | Record<string, number>>) => {
      const r = await fn()
      const rows = typeof r === 'number' ? r : Object.values(r).reduce((a, b) => a + b, 0)
      report[name] = rows
      await recordRetentionRun(db, {
        rule: name, ranAt: now, cutoff: days === null ? null : new Date(now.getTime() - days * DAY_MS), rowsAffected: rows,
        detail: typeof r === 'number' ? { days } : { days, ...r },
      })
    }
    await rule('report-facts', null, () => stampReportFacts(db, config.REPORT_PSEUDONYM_KEY))
    await rule('children-personal-details', config.RETENTION_DAYS, async () => {
      const r = await purgeExpiredPersonalData(db, now, config.RETENTION_DAYS, config.RETENTION_UNACKNOWLEDGED_DAYS)
      return { children: r.children, incidents: r.incidents }
    })
    await rule('pseudonyms', config.PSEUDONYM_RETENTION_DAYS, () => removeOldPseudonyms(db, now, config.PSEUDONYM_RETENTION_DAYS))
    await rule('records', config.RECORD_RETENTION_DAYS, () => minimiseOldRecords(db, now, config.RECORD_RETENTION_DAYS))
    await rule('pupil-rolls', config.PUPIL_ROLL_RETENTION_DAYS, () => removeStalePupilRolls(db, now, config.PUPIL_ROLL_RETENTION_DAYS))
    await rule('operational', config.OPERATIONAL_RETENTION_DAYS, () => removeOperationalRecords(db, now, config.OPERATIONAL_RETENTION_DAYS))
    await rule('sign-in-links', 0, () => removeExpiredSignInLinks(db, now))
    await rule('people', config.AUDIT_RETENTION_DAYS, () => removeInactivePeople(db, now, config.AUDIT_RETENTION_DAYS, config.OPERATIONAL_RETENTION_DAYS))
    await rule('calendars', config.CALENDAR_RETENTION_DAYS, () => removePastCalendars(db, now, config.CALENDAR_RETENTION_DAYS))
    await rule('api-tokens', config.AUDIT_RETENTION_DAYS, () => removeEndedTokens(db, now, config.AUDIT_RETENTION_DAYS))
    await rule('retention-runs', config.AUDIT_RETENTION_DAYS, () => removeOldRetentionRuns(db, now, config.AUDIT_RETENTION_DAYS))
    await rule('audit-log', config.AUDIT_RETENTION_DAYS, () => removeOldAuditRows(db, config.AUDIT_HMAC_KEY, now, config.AUDIT_RETENTION_DAYS))
    return report
  })
}
