// Retention (domain rule 12, UK GDPR Article 5(1)(e)): every table's rule, as SQL. The service is
// a conduit. Once a child's notification is closed and its period has passed, the child's name and
// date of birth and the incident's summary are removed, and with the first of them the incident's
// content fingerprint, from which they could be guessed back. Later the record is reduced to timing
// facts; operational rows, stale pupil rolls, old calendars and the head of the audit trail go.
// Timings, match facts and so every report stay exactly as they were. Rule by rule:
// docs/retention.md (children and incidents column by column: docs/purge.md). The job that runs
// these in turn and records each run is src/queue/retention-job.ts.
import { createHmac } from 'node:crypto'
import { audit } from './audit-store.js'
import { withTransaction, type Db, type Queryable } from './db.js'

const DAY_MS = 86_400_000
const before = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS)

/**
 * Children's personal details. The purge waits for the Key Adult: an acknowledged notification's
 * child is purged `retentionDays` after the acknowledgement; one never acknowledged (escalated to
 * the force desk, or failed) `unacknowledgedDays` after it closed, so that a Key Adult who has not
 * yet opened it can still read, print (for the child-protection file) and acknowledge it.
 */
export async function purgeExpiredPersonalData(
  db: Db,
  now: Date,
  retentionDays: number,
  unacknowledgedDays: number = retentionDays,
): Promise<{ children: number; incidents: number }> {
  return withTransaction(db, async (client) => {
    const cutoff = before(now, retentionDays)
    const unackCutoff = before(now, unacknowledgedDays)
    // A child is closed when its notification is closed, or when it never could be placed and
    // the incident itself is older than the period (unmatched children wait for review until then).
    const children = await client.query<{ id: string; incident_id: string }>(
      `UPDATE children c SET given_name = NULL, family_name = NULL, date_of_birth = NULL, purged_at = $1
         FROM incidents i
        WHERE i.id = c.incident_id AND c.purged_at IS NULL
          AND (EXISTS (SELECT 1 FROM notifications n WHERE n.child_id = c.id
                        AND (n.acknowledged_at <= $2
                             OR (n.acknowledged_at IS NULL AND GREATEST(n.desk_step_at, n.failed_at) <= $3)))
               OR (NOT EXISTS (SELECT 1 FROM notifications n WHERE n.child_id = c.id) AND i.received_at <= $2))
        RETURNING c.id, c.incident_id`,
      [now, cutoff, unackCutoff],
    )
    // The whole-content fingerprint covers every child's name and date of birth: it goes with the
    // first child purged. The record fingerprint (no personal fields) still tells a resubmission.
    if (children.rows.length > 0) {
      await client.query('UPDATE incidents SET content_hash = NULL WHERE id = ANY($1::uuid[]) AND content_hash IS NOT NULL',
        [[...new Set(children.rows.map((c) => c.incident_id))]])
    }
    // An incident's summary goes once none of its children still needs it.
    const incidents = await client.query<{ id: string }>(
      `UPDATE incidents i SET summary = NULL, content_hash = NULL, purged_at = $1
        WHERE i.purged_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM children c WHERE c.incident_id = i.id AND c.purged_at IS NULL)
          AND EXISTS (SELECT 1 FROM children c WHERE c.incident_id = i.id)
        RETURNING i.id`,
      [now],
    )
    if (children.rowCount || incidents.rowCount) {
      await audit(client, {
        at: now,
        actor: 'system',
        action: 'retention.purge',
        subjectType: 'children',
        reason: `personal details past ${retentionDays} days after acknowledgement (${unacknowledgedDays} if never acknowledged)`,
        detail: { children: children.rowCount, incidents: incidents.rowCount },
      })
    }
    return { children: children.rowCount ?? 0, incidents: incidents.rowCount ?? 0 }
  })
}

/**
 * Records reduced to timing facts, `recordDays` after the police knew: the police reference (and
 * so the record fingerprint), the settings the officer named, the candidates considered, who was
 * e-mailed, who acknowledged, and what the mail server said. Only incidents whose children are
 * all purged are reduced. What stays is every timestamp, status, the setting's URN and LA, the
 * incident type and risk level, and the match method: what every report is made of.
 */
export async function minimiseOldRecords(db: Db, now: Date, recordDays: number): Promise<number> {
  return withTransaction(db, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `UPDATE incidents i SET reference = 'removed:' || i.id::text, record_hash = NULL, content_hash = NULL, minimised_at = $1
        WHERE i.minimised_at IS NULL AND i.purged_at IS NOT NULL AND i.police_aware_at <= $2
        RETURNING i.id`,
      [now, before(now, recordDays)],
    )
    if (rows.length === 0) return 0
    const ids = rows.map((r) => r.id)
    await client.query(
      `UPDATE children SET given_school_name = NULL, given_school_postcode = NULL, match_candidates = NULL, match_error = NULL
        WHERE incident_id = ANY($1::uuid[])`, [ids])
    await client.query(
      `UPDATE notifications SET recipients = '{}', acknowledged_by = NULL, smtp_response = NULL, last_error = NULL
        WHERE incident_id = ANY($1::uuid[])`, [ids])
    await client.query(
      `UPDATE notification_events e SET recipients = NULL
         FROM notifications n WHERE n.id = e.notification_id AND n.incident_id = ANY($1::uuid[])`, [ids])
    return rows.length
  })
}

/** The keyed pseudonym of a child: HMAC-SHA256 under a key the database never holds. */
export function childPseudonym(key: string, givenName: string, familyName: string, dateOfBirth: string): string {
  const norm = (s: string) => s.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase()
  return createHmac('sha256', key).update(`${norm(givenName)}\u0000${norm(familyName)}\u0000${dateOfBirth}`).digest('hex')
}

/**
 * Facts the board report keeps after the purge. Gives each notified child still holding its
 * details a keyed pseudonym and its age on the day, then stamps each
 * pseudonymised notified child with how many times that child had been notified in the 12 months
 * up to its incident (itself included). The stamp is what the board report counts, so repeat
 * counts stay the same after the pseudonyms go. Runs hourly in the retention job and before a
 * board report (idempotent). Returns how many children it stamped.
 */
export async function stampReportFacts(db: Queryable, key: string | null): Promise<number> {
  const { rows } = key === null ? { rows: [] } : await db.query<{ id: string; given_name: string; family_name: string; date_of_birth: string }>(
    `SELECT c.id, c.given_name, c.family_name, c.date_of_birth FROM children c
      WHERE c.pseudonym IS NULL AND c.times_notified_12m IS NULL AND c.purged_at IS NULL AND c.given_name IS NOT NULL
        AND c.family_name IS NOT NULL AND c.date_of_birth IS NOT NULL
        AND EXISTS (SELECT 1 FROM notifications n WHERE n.child_id = c.id)
      LIMIT 20000`,
  )
  if (rows.length > 0) {
    await db.query(
      `UPDATE children c SET pseudonym = u.p FROM unnest($1::uuid[], $2::text[]) AS u(id, p) WHERE c.id = u.id`,
      [rows.map((r) => r.id), rows.map((r) => childPseudonym(key!, r.given_name, r.family_name, r.date_of_birth))],
    )
  }
  // Ages for the board's age bands, while the dates of birth are still held.
  await db.query(
    `UPDATE children c SET age_years = date_part('year', age((i.police_aware_at AT TIME ZONE 'Europe/London')::date, c.date_of_birth))::int
       FROM incidents i WHERE i.id = c.incident_id AND c.age_years IS NULL AND c.date_of_birth IS NOT NULL`)
  const stamped = await db.query(
    `UPDATE children c SET times_notified_12m = (
         SELECT count(*) FROM children o JOIN notifications n ON n.child_id = o.id
          WHERE o.pseudonym = c.pseudonym
            AND n.police_aware_at <= cn.police_aware_at AND n.police_aware_at > cn.police_aware_at - interval '12 months')
       FROM notifications cn
      WHERE cn.child_id = c.id AND c.pseudonym IS NOT NULL AND c.times_notified_12m IS NULL`,
  )
  return stamped.rowCount ?? 0
}

/** Pseudonyms go once no later incident could need them: `days` (a year and a day by default) after the police knew. */
export async function removeOldPseudonyms(db: Queryable, now: Date, days: number): Promise<number> {
  const r = await db.query(
    `UPDATE children c SET pseudonym = NULL FROM incidents i
      WHERE i.id = c.incident_id AND c.pseudonym IS NOT NULL AND c.times_notified_12m IS NOT NULL AND i.police_aware_at <= $1`,
    [before(now, days)],
  )
  return r.rowCount ?? 0
}

/**
 * A local authority's pupil roll is replaced whole by each import (the replaced rows go at once).
 * A roll not replaced for `days` is out of date (Article 5(1)(d)) and goes: the import record
 * stays, with its counts, to say when it was loaded.
 */
export async function removeStalePupilRolls(db: Queryable, now: Date, days: number): Promise<number> {
  const r = await db.query(
    `DELETE FROM pupil_roll p USING pupil_roll_imports i WHERE i.la_code = p.la_code AND i.imported_at <= $1`,
    [before(now, days)],
  )
  return r.rowCount ?? 0
}

/**
 * Operational rows, `days` after they stopped mattering: ended sessions, job failures, escalation
 * claims of closed notifications, cleared alerts, and the Key Adults of settings closed that long.
 */
export async function removeOperationalRecords(db: Db, now: Date, days: number): Promise<Record<string, number>> {
  const cutoff = before(now, days)
  return withTransaction(db, async (c) => {
    const n = async (sql: string) => (await c.query(sql, [cutoff])).rowCount ?? 0
    return {
      sessions: await n('DELETE FROM sessions WHERE LEAST(expires_at, idle_expires_at, coalesce(revoked_at, expires_at)) <= $1'),
      jobFailures: await n('DELETE FROM job_failures WHERE last_failed_at <= $1 AND (gave_up_at IS NULL OR gave_up_at <= $1)'),
      // Finished uploads; one never finished (no worker for the whole period) goes with its file.
      incidentUploads: await n('DELETE FROM incident_uploads WHERE coalesce(finished_at, created_at) <= $1'),
      escalationClaims: await n(`DELETE FROM escalation_claims e USING notifications n WHERE n.id = e.notification_id
        AND coalesce(n.acknowledged_at, GREATEST(n.desk_step_at, n.failed_at)) <= $1`),
      alerts: await n('DELETE FROM alerts WHERE cleared_at <= $1'),
      directoryAlerts: await n('DELETE FROM directory_alerts WHERE cleared_at <= $1'),
      closedSettingContacts: await n(`DELETE FROM school_contacts sc USING schools s WHERE s.urn = sc.urn AND NOT s.open AND s.updated_at <= $1`),
    }
  })
}

/** Revoked or expired API tokens, once the audit rows that name them have gone too. */
export async function removeEndedTokens(db: Queryable, now: Date, days: number): Promise<number> {
  const r = await db.query(
    `DELETE FROM api_tokens t WHERE coalesce(t.revoked_at, t.expires_at) <= $1
       AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.token_id = t.id)`,
    [before(now, days)],
  )
  return r.rowCount ?? 0
}

/** Past calendars (term dates, closures, bank holidays): deadlines already computed keep their dates. */
export async function removePastCalendars(db: Db, now: Date, days: number): Promise<number> {
  const cutoff = before(now, days).toISOString().slice(0, 10)
  return withTransaction(db, async (c) => {
    let total = 0
    for (const sql of [
      'DELETE FROM la_closures WHERE date < $1::date',
      'DELETE FROM school_calendar_exceptions WHERE date < $1::date',
      'DELETE FROM la_term_coverage WHERE to_date < $1::date',
      'DELETE FROM bank_holidays WHERE date < $1::date',
    ]) total += (await c.query(sql, [cutoff])).rowCount ?? 0
    return total
  })
}

/** The job's own record, kept as long as the audit trail. */
export async function removeOldRetentionRuns(db: Queryable, now: Date, days: number): Promise<number> {
  return (await db.query('DELETE FROM retention_runs WHERE ran_at <= $1', [before(now, days)])).rowCount ?? 0
}

export interface RetentionRun {
  rule: string
  ranAt: Date
  cutoff: Date | null
  rowsAffected: number
  detail?: Record<string, unknown>
}

export async function recordRetentionRun(db: Queryable, run: RetentionRun): Promise<void> {
  await db.query(
    'INSERT INTO retention_runs (rule, ran_at, cutoff, rows_affected, detail) VALUES ($1, $2, $3, $4, $5)',
    [run.rule, run.ranAt, run.cutoff, run.rowsAffected, JSON.stringify(run.detail ?? {})],
  )
  if (run.rowsAffected > 0) {
    await audit(db, {
      at: run.ranAt,
      actor: 'system',
      action: `retention.${run.rule}`,
      subjectType: 'retention',
      reason: run.cutoff ? `rows before ${run.cutoff.toISOString()}` : null,
      detail: { rows: run.rowsAffected, ...run.detail },
    })
  }
}

export async function listRetentionRuns(db: Queryable, limit = 100): Promise<RetentionRun[]> {
  const { rows } = await db.query<RetentionRun>(
    `SELECT rule, ran_at AS "ranAt", cutoff, rows_affected AS "rowsAffected", detail FROM retention_runs ORDER BY id DESC LIMIT $1`,
    [limit],
  )
  return rows
}

/** One retention job at a time across every worker process. */
const RETENTION_LOCK = 7_316_642_017

export async function withRetentionLock<T>(db: Db, fn: () => Promise<T>): Promise<T | null> {
  const client = await db.connect()
  try {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [RETENTION_LOCK])
    if (!rows[0]!.ok) return null
    try {
      return await fn()
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK])
    }
  } finally {
    client.release()
  }
}
