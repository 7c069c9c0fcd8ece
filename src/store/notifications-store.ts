// Notifications: one per matched child, claimed for sending by a state transition in Postgres
// (scheduled -> sending -> sent), so several workers never send the same one twice by design and
// a worker that dies mid-send leaves a claim the sweeper can see and retry with the same
// Message-ID.
import { randomUUID } from 'node:crypto'
import { prepared, withTransaction, type Db, type Queryable } from './db.js'
import { publicStatus } from './incidents-store.js'

export interface NewNotification {
  childId: string
  incidentId: string
  forceCode: string
  urn: string
  laCode: string | null
  policeAwareAt: Date
  receivedAt: Date
  matchedAt: Date
  dueBy: Date
  schoolDay: string
  sendAfter: Date
  reminderDueAt: Date | null
}

/** The child's side of a placement: written in the statement that creates its notification. */
export interface ChildPlacement {
  status: 'matched' | 'no-setting'
  method: string
  reason: string | null
  confidence: number
  candidates: unknown[] | undefined
  /** The match states the child may be placed from: a worker's match only from 'pending'. */
  from: readonly string[]
}

/**
 * Places a child and creates its notification, in one statement: the child's match (only while
 * it is still in one of `placement.from`, so two jobs racing for one child place it once), the
 * notification marked as handed to the notify queue at its matchedAt (optimistically: the caller
 * sends or enqueues it next and clears the mark if Redis could not take it), its 'scheduled' step
 * and that step's audit entry. Returns the notification's id, or null when the child was no
 * longer waiting to be placed.
 */
const CREATE_NOTIFICATION = prepared('create-notification', `WITH placed AS (
       UPDATE children SET match_status = $18, match_urn = CASE WHEN $18 = 'no-setting' THEN NULL ELSE $5 END,
              match_method = $19, matched_at = $9, match_reason = $20, match_confidence = $21,
              match_candidates = COALESCE($22::jsonb, match_candidates)
        WHERE id = $2 AND match_status = ANY($23::text[])
        RETURNING id
     ), target AS (
       INSERT INTO notifications (id, child_id, incident_id, force_code, urn, la_code, police_aware_at, received_at,
         matched_at, due_by, school_day, send_after, message_id, reminder_due_at, enqueued_at)
       SELECT $1, placed.id, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $9 FROM placed
       RETURNING id
     ), ${stepSql({ at: '$9', kind: '$15', recipients: '$16', detail: '$17' })}
     RETURNING (SELECT id FROM target) AS id`)

export async function createNotification(db: Queryable, n: NewNotification, placement: ChildPlacement): Promise<string | null> {
  const id = randomUUID()
  const { rows } = await db.query<{ id: string | null }>(CREATE_NOTIFICATION(
    [id, n.childId, n.incidentId, n.forceCode, n.urn, n.laCode, n.policeAwareAt, n.receivedAt, n.matchedAt,
      n.dueBy, n.schoolDay, n.sendAfter, `<${id}@encompass-notify>`, n.reminderDueAt,
      'scheduled', null, `due by ${n.dueBy.toISOString()}`,
      placement.status, placement.method, placement.reason, placement.confidence,
      placement.candidates ? JSON.stringify(placement.candidates) : null, placement.from],
  ))
  return rows[0]?.id ?? null
}

/**
 * The SQL that records a step for each notification a CTE named `target` yields (its `id`): the
 * event, and the same step in the tamper-evident audit trail. One statement with the change it
 * records, so the two are never apart. Parameters are SQL placeholders: at (timestamptz), kind,
 * recipients (text[] or NULL), detail (text or NULL), and actor (text; the audit trail's caller,
 * 'system' when absent).
 */
function stepSql(p: { at: string; kind: string; recipients: string; detail: string; actor?: string }): string {
  const kind = `${p.kind}::text`
  const detail = `${p.detail}::text`
  const recipients = `${p.recipients}::text[]`
  return `event AS (
       INSERT INTO notification_events (notification_id, kind, at, recipients, detail)
       SELECT id, ${kind}, ${p.at}, ${recipients}, ${detail} FROM target
     )
     INSERT INTO audit_log (at, actor, action, subject_type, subject_id, reason, detail)
     SELECT ${p.at}, ${p.actor ? `${p.actor}::text` : "'system'"},
            'notification.' || ${kind}, 'notification', id::text,
            CASE WHEN ${kind} = 'acknowledged' THEN 'Key Adult acknowledged' ELSE ${detail} END,
            CASE WHEN ${kind} = 'acknowledged' THEN jsonb_build_object('acknowledgedBy', ${detail})
                 WHEN ${recipients} IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('recipients', cardinality(${recipients})) END
       FROM target`
}

/** A step of a notification, in its event log and in the audit trail, together. */
export async function recordEvent(
  db: Queryable,
  notificationId: string,
  kind: string,
  at: Date,
  recipients: string[] | null,
  detail: string | null,
): Promise<void> {
  await db.query(
    `WITH target AS (SELECT $1::uuid AS id), ${stepSql({ at: '$2::timestamptz', kind: '$3', recipients: '$4', detail: '$5' })}`,
    [notificationId, at, kind, recipients, detail],
  )
}

/** The DSL's address was refused for good and the deputies were e-mailed instead: their step is taken. */
export async function markDeputiesNotified(db: Queryable, id: string, at: Date, deputies: string[], reason: string): Promise<void> {
  await db.query(
    `UPDATE notifications SET deputies_notified_at = $2, deputies_step_at = COALESCE(deputies_step_at, $2)
      WHERE id = $1`,
    [id, at],
  )
  await recordEvent(db, id, 'deputies', at, deputies, reason)
}

/** What an escalation step checks against the clock: the notification's state and its force's lead. */
export interface EscalationState {
  status: string
  acknowledged_at: Date | null
  due_by: Date
  lead: number
  deputies_step_at: Date | null
  desk_step_at: Date | null
  reminder_due_at: Date | null
  reminder_sent_at: Date | null
  sent_at: Date | null
  send_after: Date
  recipients: string[] | null
  withdrawn_at: Date | null
}

export async function escalationState(db: Queryable, notificationId: string): Promise<EscalationState | null> {
  const { rows } = await db.query<EscalationState>(
    `SELECT n.status, n.acknowledged_at, n.due_by, f.escalation_lead_minutes AS lead, n.deputies_step_at,
            n.desk_step_at, n.reminder_due_at, n.reminder_sent_at, n.sent_at, n.send_after, n.recipients, n.withdrawn_at
       FROM notifications n JOIN forces f ON f.code = n.force_code WHERE n.id = $1`,
    [notificationId],
  )
  return rows[0] ?? null
}

/**
 * An escalation step (or the reminder) is taken: sent to `sentTo`, or skipped (null) with the
 * reason. A step that sent something to someone other than the DSL makes a sent notification
 * 'escalated'. With its event and audit entry, in one transaction.
 */
export async function recordStepTaken(
  db: Db,
  id: string,
  step: 'deputies' | 'desk' | 'reminder',
  at: Date,
  sentTo: string[] | null,
  reason: string,
): Promise<void> {
  const sets: Record<typeof step, string> = {
    deputies: `deputies_step_at = $2${sentTo ? ', deputies_notified_at = $2' : ''}`,
    desk: `desk_step_at = $2${sentTo ? ', desk_alerted_at = $2' : ''}`,
    reminder: 'reminder_sent_at = $2',
  }
  const escalates = sentTo && step !== 'reminder'
  await withTransaction(db, async (client) => {
    await client.query(
      `UPDATE notifications SET ${sets[step]}
         ${escalates ? ", status = CASE WHEN status = 'sent' THEN 'escalated' ELSE status END" : ''}
        WHERE id = $1`,
      [id, at],
    )
    await recordEvent(client, id, sentTo ? step : `${step}-skipped`, at, sentTo, reason)
  })
}

export interface ClaimedNotification {
  id: string
  messageId: string
  attempts: number
}

/**
 * Takes the right to send: a scheduled notification whose time has come, or one whose previous
 * claim went stale (its worker died). Returns the claim with everything the e-mail needs, in one
 * statement; null when someone else has it or it is done.
 */
const CLAIM_FOR_SEND = prepared('claim-for-send', `WITH n AS (
       UPDATE notifications SET status = 'sending', claimed_at = $2, attempts = attempts + 1
        WHERE id = $1 AND sent_at IS NULL AND withdrawn_at IS NULL
          AND ((status = 'scheduled' AND send_after <= $2 AND (retry_at IS NULL OR retry_at <= $2))
            OR (status = 'sending' AND claimed_at < $2::timestamptz - make_interval(secs => $3::float / 1000)))
        RETURNING *
     )
     ${sendContextSql('n')}`)

export async function claimForSend(
  db: Queryable,
  id: string,
  now: Date,
  claimTimeoutMs: number,
): Promise<(ClaimedNotification & { ctx: SendContext }) | null> {
  const { rows } = await db.query<SendContext & { attempts: number }>(CLAIM_FOR_SEND([id, now, claimTimeoutMs]))
  const row = rows[0]
  if (!row) return null
  const { attempts, ...ctx } = row
  return { id: row.id, messageId: row.messageId, attempts, ctx }
}

/**
 * Renews our claim while its e-mail is on its way (a send can wait its turn in the SMTP pool for a
 * long time on a busy machine). Fenced by the claim's attempt number: false once the claim has
 * passed to another worker or the notification is no longer being sent.
 */
export async function renewClaim(db: Queryable, id: string, claim: { attempts: number }, now: Date): Promise<boolean> {
  const { rowCount } = await db.query(
    "UPDATE notifications SET claimed_at = $3 WHERE id = $1 AND status = 'sending' AND attempts = $2 AND sent_at IS NULL",
    [id, claim.attempts, now],
  )
  return rowCount === 1
}

/** When a send that was turned away (claimForSend gave null) waits out a retry backoff: its retry time, else null. */
export async function pendingRetryAt(db: Queryable, id: string, now: Date): Promise<Date | null> {
  const { rows } = await db.query<{ retry_at: Date }>(
    "SELECT retry_at FROM notifications WHERE id = $1 AND status = 'scheduled' AND sent_at IS NULL AND retry_at > $2",
    [id, now],
  )
  return rows[0]?.retry_at ?? null
}

/**
 * Records the SMTP server's acceptance. Not fenced by the claim: the e-mail has gone, whoever
 * holds the claim now, and the first acceptance recorded is the one that counts. A notification
 * another worker had just marked failed (its lease had passed to us) was sent after all.
 */
const MARK_SENT = prepared('mark-sent', `WITH target AS (
       UPDATE notifications
          SET sent_at = $2,
              status = CASE WHEN status NOT IN ('sending', 'scheduled', 'failed') THEN status
                            WHEN deputies_notified_at IS NOT NULL OR desk_alerted_at IS NOT NULL THEN 'escalated'
                            ELSE 'sent' END,
              recipients = $3, smtp_response = $4, claimed_at = NULL, last_error = NULL, retry_at = NULL,
              told_revision = greatest(told_revision, $5)
        WHERE id = $1 AND sent_at IS NULL
        RETURNING id
     ), ${stepSql({ at: '$2', kind: "'sent'", recipients: '$3', detail: '$4' })}`)

export async function markSent(
  db: Queryable,
  id: string,
  at: Date,
  recipients: string[],
  smtpResponse: string,
  revision = 0,
): Promise<void> {
  // An acknowledgement may land while the e-mail is in flight: keep it, but still record the send.
  // `revision`: the incident's revision the e-mail was rendered from (a correction after it is owed).
  await db.query(MARK_SENT([id, at, recipients, smtpResponse.slice(0, 500), revision]))
}

/**
 * Gives our claim back after a temporary failure, so that a retry may take it from `retryAt`.
 * Fenced by the claim's attempt number: a worker whose lease has passed to another (it was slow,
 * not dead) must not hand back the other's live claim, or a third worker could send as well.
 * `at` is recorded as the time the queue was last given the work, so the sweeper leaves the
 * queue's own backoff alone unless the retry is overdue.
 */
export async function releaseClaim(
  db: Queryable,
  id: string,
  claim: { attempts: number },
  error: string,
  at: Date,
  retryAt: Date,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE notifications SET status = CASE WHEN withdrawn_at IS NULL THEN 'scheduled' ELSE 'withdrawn' END,
            claimed_at = NULL, last_error = $3, retry_at = $4, enqueued_at = $5
      WHERE id = $1 AND status = 'sending' AND attempts = $2 AND sent_at IS NULL`,
    [id, claim.attempts, error.slice(0, 500), retryAt, at],
  )
  return rowCount === 1
}

/** Fails a notification we hold the claim for (fenced like releaseClaim). */
export async function markFailed(db: Queryable, id: string, claim: { attempts: number }, at: Date, reason: string): Promise<boolean> {
  const { rows } = await db.query<{ failed: boolean }>(
    `WITH target AS (
       UPDATE notifications SET status = 'failed', failed_at = $2, last_error = $3, claimed_at = NULL, retry_at = NULL
        WHERE id = $1 AND status = 'sending' AND attempts = $4 AND sent_at IS NULL
        RETURNING id
     ), ${stepSql({ at: '$2', kind: "'failed'", recipients: 'NULL', detail: '$3' })}
     RETURNING true AS failed`,
    [id, at, reason.slice(0, 500), claim.attempts],
  )
  return rows.length === 1
}

/**
 * Fails a notification not yet sent whose send job gave up, whoever holds its claim: the send
 * kept failing in a way the SMTP retries do not cover. Recorded as a step like any failure.
 * Returns whether it failed now, and its force (for the alert).
 */
export async function failUnsent(db: Queryable, id: string, at: Date, reason: string): Promise<{ failed: boolean; forceCode: string | null }> {
  const { rows } = await db.query(
    `WITH target AS (
       UPDATE notifications SET status = 'failed', failed_at = $2, last_error = $3, claimed_at = NULL, retry_at = NULL
        WHERE id = $1 AND sent_at IS NULL AND status IN ('scheduled', 'sending')
        RETURNING id
     ), ${stepSql({ at: '$2', kind: "'failed'", recipients: 'NULL', detail: '$3' })}
     RETURNING true AS failed`,
    [id, at, reason.slice(0, 500)],
  )
  return { failed: rows.length === 1, forceCode: await forceOf(db, id) }
}

/**
 * Settles an escalation or reminder step whose job gave up: the step is recorded as failed (its
 * *_step_at, or reminder_sent_at, is set, so no timer or sweep takes it up again) with the reason,
 * and any claim on it is let go. Returns the notification's force, or null if there is none.
 */
export async function failStep(db: Queryable, id: string, step: NotificationStep, at: Date, reason: string): Promise<string | null> {
  const column = { deputies: 'deputies_step_at', desk: 'desk_step_at', reminder: 'reminder_sent_at', withdrawal: 'withdrawal_sent_at' } as const
  // A correction given up is given up for the incident's revision of now: the next one is owed again.
  const settle = step === 'correction'
    ? 'told_revision = (SELECT revision FROM incidents WHERE incidents.id = notifications.incident_id) WHERE id = $1'
    : `${column[step]} = $2 WHERE id = $1 AND ${column[step]} IS NULL`
  await db.query(
    `WITH released AS (
       UPDATE escalation_claims SET claimed_at = NULL WHERE notification_id = $1 AND step = $4
     ), target AS (
       UPDATE notifications SET ${settle} RETURNING id
     ), ${stepSql({ at: '$2', kind: `'${step}-failed'`, recipients: 'NULL', detail: '$3' })}`,
    [id, at, reason.slice(0, 500), step],
  )
  return forceOf(db, id)
}

async function forceOf(db: Queryable, notificationId: string): Promise<string | null> {
  const { rows } = await db.query<{ force_code: string }>('SELECT force_code FROM notifications WHERE id = $1', [notificationId])
  return rows[0]?.force_code ?? null
}

/**
 * Sends that should be on the notify queue and may not be: due, not waiting out a retry backoff,
 * and never handed over or handed over before `stale`; and claims left by a worker that died
 * mid-send. Marked as handed over at `now` in the statement that finds them, under the sweeper's
 * lock; the sweeper then hands them to the queue (flows/hand-off.ts).
 */
export async function markSendsRequeued(db: Queryable, now: Date, stale: Date, batch: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE notifications SET enqueued_at = $1
      WHERE id IN (SELECT id FROM notifications
                    WHERE sent_at IS NULL AND withdrawn_at IS NULL AND (
                          (status = 'scheduled' AND send_after <= $1 AND (retry_at IS NULL OR retry_at <= $1)
                           AND (enqueued_at IS NULL OR enqueued_at < $2))
                       OR (status = 'sending' AND claimed_at < $2))
                    LIMIT $3)
      RETURNING id`,
    [now, stale, batch],
  )
  return rows.map((r) => r.id)
}

/**
 * A send that was in flight when its incident was withdrawn and whose worker then died (its claim
 * went stale, so no retry may take it): it ends 'withdrawn'. A worker killed after the server
 * accepted the e-mail but before recording it leaves the Key Adult with the e-mail and no
 * withdrawal notice: rare (a kill in that window), and known. Returns how many.
 */
export async function settleStaleWithdrawnSends(db: Queryable, now: Date, stale: Date): Promise<number> {
  const { rowCount } = await db.query(
    `WITH target AS (
       UPDATE notifications SET status = 'withdrawn', claimed_at = NULL
        WHERE status = 'sending' AND sent_at IS NULL AND withdrawn_at IS NOT NULL AND claimed_at < $2
        RETURNING id
     )
     INSERT INTO notification_events (notification_id, kind, at, detail)
     SELECT id, 'withdrawn', $1, 'the police withdrew the incident; the send in flight never finished' FROM target`,
    [now, stale],
  )
  return rowCount ?? 0
}

/** Redis did not take the sends: the sweeper enqueues them on its next round. */
export async function unmarkEnqueued(db: Queryable, ids: string[]): Promise<void> {
  await db.query('UPDATE notifications SET enqueued_at = NULL WHERE id = ANY($1::uuid[])', [ids])
}

/**
 * The escalation point in SQL, for the sweeper's query: the same rule as escalationPointOf
 * (domain/delivery.ts), which is its home; test/flows/escalation-point.test.ts keeps them equal.
 */
const ESCALATION_POINT_SQL = (dueBy: string, leadMinutes: string) => `${dueBy} - make_interval(mins => ${leadMinutes})`

/** A step the escalate queue takes: the escalations and the reminder, and the follow-ups to those already told. */
export type NotificationStep = 'deputies' | 'desk' | 'reminder' | 'withdrawal' | 'correction'

/**
 * Escalation steps and reminders that are due at `now` and not yet taken (their timers may be
 * lost), none for a withdrawn incident; and the follow-up e-mails still owed to Key Adults already
 * told: a withdrawal, or a correction made after their e-mail.
 */
export async function dueEscalationSteps(db: Queryable, now: Date, batch: number): Promise<{ id: string; step: NotificationStep }[]> {
  const { rows } = await db.query<{ id: string; step: NotificationStep }>(
    `SELECT n.id, 'deputies' AS step FROM notifications n JOIN forces f ON f.code = n.force_code
      WHERE n.acknowledged_at IS NULL AND n.deputies_step_at IS NULL AND n.withdrawn_at IS NULL
        AND ${ESCALATION_POINT_SQL('n.due_by', 'f.escalation_lead_minutes')} <= $1
     UNION ALL
     SELECT id, 'desk' FROM notifications
      WHERE acknowledged_at IS NULL AND desk_step_at IS NULL AND withdrawn_at IS NULL AND (due_by <= $1 OR status = 'failed')
     UNION ALL
     SELECT id, 'reminder' FROM notifications
      WHERE reminder_due_at <= $1 AND reminder_sent_at IS NULL AND status <> 'failed' AND withdrawn_at IS NULL
     UNION ALL
     SELECT id, 'withdrawal' FROM notifications
      WHERE withdrawn_at IS NOT NULL AND withdrawal_sent_at IS NULL AND sent_at IS NOT NULL
     UNION ALL
     SELECT n.id, 'correction' FROM incidents i JOIN notifications n ON n.incident_id = i.id
      WHERE i.revision > 0 AND n.told_revision < i.revision AND n.sent_at IS NOT NULL AND n.withdrawn_at IS NULL
     LIMIT $2`,
    [now, batch],
  )
  return rows
}

/** What a follow-up step checks: whether the notification's Key Adults were told, and of what. */
export interface FollowUpState {
  sent_at: Date | null
  status: string
  recipients: string[] | null
  deputies_notified_at: Date | null
  withdrawn_at: Date | null
  withdrawal_sent_at: Date | null
  told_revision: number
  revision: number
}

export async function followUpState(db: Queryable, notificationId: string): Promise<FollowUpState | null> {
  const { rows } = await db.query<FollowUpState>(
    `SELECT n.sent_at, n.status, n.recipients, n.deputies_notified_at, n.withdrawn_at, n.withdrawal_sent_at,
            n.told_revision, i.revision
       FROM notifications n JOIN incidents i ON i.id = n.incident_id WHERE n.id = $1`,
    [notificationId],
  )
  return rows[0] ?? null
}

/**
 * A follow-up e-mail went to `sentTo` (or was not needed: null, with the reason): the withdrawal
 * notice, or the correction of `revision`. With its event and audit entry in the same statement,
 * and the step's claim let go so the next correction may take it at once.
 */
export async function recordFollowUp(
  db: Queryable,
  id: string,
  step: 'withdrawal' | 'correction',
  at: Date,
  sentTo: string[] | null,
  reason: string,
  revision: number,
): Promise<void> {
  const set = step === 'withdrawal' ? 'withdrawal_sent_at = $2' : 'told_revision = greatest(told_revision, $7::int)'
  await db.query(
    `WITH released AS (
       UPDATE escalation_claims SET claimed_at = NULL WHERE notification_id = $1 AND step = $5
     ), target AS (
       UPDATE notifications SET ${set} WHERE id = $1 RETURNING id
     ), ${stepSql({ at: '$2', kind: '$6', recipients: '$3', detail: '$4' })}`,
    [id, at, sentTo, reason.slice(0, 500), step, sentTo ? step : `${step}-skipped`, ...(step === 'correction' ? [revision] : [])],
  )
}


/** Everything an e-mail needs, read at send time so the queue never carries it. */
export interface SendContext {
  id: string
  messageId: string
  status: string
  urn: string
  schoolName: string
  dueBy: Date
  schoolDay: string
  policeAwareAt: Date
  receivedAt: Date
  reference: string
  incidentType: string
  occurredAt: Date | null
  summary: string | null
  givenName: string | null
  familyName: string | null
  dateOfBirth: string | null
  present: boolean
  forceCode: string
  contentProfile: 'minimal' | 'full'
  copyDeputies: boolean
  deskEmail: string | null
  /** The setting's LA: a Welsh one gets Welsh and English (domain/languages.ts). */
  laCode: string | null
  /** The setting's chosen first language (null: the default for its LA; domain/languages.ts). Optional for hand-made contexts. */
  firstLanguage?: 'cy' | 'en' | null
  /** The force's wording for Key Adults (domain/force-wording.ts). */
  deskPhone: string | null
  guidance: string[] | null
  keyAdultMaySpeakToFamily: boolean | null
  /** The incident, for the force desk's link to its officer page (always read; optional for hand-made contexts). */
  incidentId?: string
  /** The incident's revision the e-mail is rendered from (each correction raises it; always read). */
  revision?: number
  /** When the police withdrew the incident, and why (shown behind sign-in, never in an e-mail). */
  withdrawnAt?: Date | null
  contacts: { role: 'dsl' | 'deputy'; name: string; email: string; phone?: string | null }[]
}

/** The SELECT of a send context over `source` (notifications, or a CTE of its rows), one row each. */
function sendContextSql(source: string): string {
  return `SELECT n.id, n.message_id AS "messageId", n.status, n.urn, s.name AS "schoolName", n.due_by AS "dueBy",
            n.school_day AS "schoolDay", n.police_aware_at AS "policeAwareAt", n.received_at AS "receivedAt", i.reference,
            i.incident_type AS "incidentType", i.occurred_at AS "occurredAt", i.summary,
            c.given_name AS "givenName", c.family_name AS "familyName", c.date_of_birth AS "dateOfBirth",
            c.present, n.force_code AS "forceCode", f.content_profile AS "contentProfile",
            f.copy_deputies AS "copyDeputies", f.desk_email AS "deskEmail", f.desk_phone AS "deskPhone", f.guidance,
            f.key_adult_may_speak_to_family AS "keyAdultMaySpeakToFamily", n.la_code AS "laCode", s.first_language AS "firstLanguage", n.attempts, n.incident_id AS "incidentId",
            i.revision, i.withdrawn_at AS "withdrawnAt",
            (SELECT coalesce(json_agg(json_build_object('role', k.role, 'name', k.name, 'email', k.email, 'phone', k.phone) ORDER BY k.position), '[]')
               FROM school_contacts k WHERE k.urn = n.urn) AS contacts
       FROM ${source} n
       JOIN children c ON c.id = n.child_id
       JOIN incidents i ON i.id = n.incident_id
       JOIN forces f ON f.code = n.force_code
       JOIN schools s ON s.urn = n.urn`
}

export async function loadSendContext(db: Queryable, id: string): Promise<SendContext | null> {
  const { rows } = await db.query<SendContext & { attempts: number }>(`${sendContextSql('notifications')} WHERE n.id = $1`, [id])
  const row = rows[0]
  if (!row) return null
  const { attempts: _attempts, ...ctx } = row
  return ctx
}

export interface NotificationView {
  id: string
  status: string
  urn: string
  schoolName: string
  incidentId: string
  childId: string
  reference: string
  forceCode: string
  policeAwareAt: Date
  receivedAt: Date
  matchedAt: Date
  dueBy: Date
  schoolDay: string
  sentAt: Date | null
  acknowledgedAt: Date | null
  acknowledgedBy: string | null
  deputiesNotifiedAt: Date | null
  deskAlertedAt: Date | null
  reminderDueAt: Date | null
  reminderSentAt: Date | null
  failedAt: Date | null
  child: { givenName: string | null; familyName: string | null; dateOfBirth: string | null; present: boolean }
  incident: { incidentType: string; occurredAt: Date | null; summary: string | null }
}

const VIEW_SELECT = `SELECT n.id, n.status, n.urn, s.name AS "schoolName", n.incident_id AS "incidentId",
    n.child_id AS "childId", i.reference, n.force_code AS "forceCode", n.police_aware_at AS "policeAwareAt",
    n.received_at AS "receivedAt", n.matched_at AS "matchedAt", n.due_by AS "dueBy", n.school_day AS "schoolDay",
    n.sent_at AS "sentAt", n.acknowledged_at AS "acknowledgedAt", n.acknowledged_by AS "acknowledgedBy",
    n.deputies_notified_at AS "deputiesNotifiedAt", n.desk_alerted_at AS "deskAlertedAt", n.reminder_due_at AS "reminderDueAt", n.reminder_sent_at AS "reminderSentAt",
    n.failed_at AS "failedAt", c.given_name, c.family_name, c.date_of_birth, c.present,
    i.incident_type, i.occurred_at, i.summary, f.content_profile
  FROM notifications n
  JOIN children c ON c.id = n.child_id
  JOIN incidents i ON i.id = n.incident_id
  JOIN schools s ON s.urn = n.urn
  JOIN forces f ON f.code = n.force_code`

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toView(r: any): NotificationView {
  const {
    given_name, family_name, date_of_birth, present, incident_type, occurred_at, summary, content_profile, ...rest
  } = r
  return {
    ...rest,
    status: publicStatus(rest.status),
    child: { givenName: given_name, familyName: family_name, dateOfBirth: date_of_birth, present },
    // The force's content profile decides whether the circumstances are shared at all.
    incident: { incidentType: incident_type, occurredAt: occurred_at, summary: content_profile === 'full' ? summary : null },
  }
}

export async function getNotification(db: Queryable, id: string): Promise<NotificationView | null> {
  const { rows } = await db.query(`${VIEW_SELECT} WHERE n.id = $1`, [id])
  return rows[0] ? toView(rows[0]) : null
}

export async function listNotifications(
  db: Queryable,
  filter: { urn?: string | undefined; status?: string | undefined; limit: number; before?: Date | undefined },
): Promise<NotificationView[]> {
  const where: string[] = []
  const params: unknown[] = []
  if (filter.urn) where.push(`n.urn = $${params.push(filter.urn)}`)
  if (filter.status) {
    const statuses = filter.status === 'scheduled' ? ['scheduled', 'sending'] : [filter.status]
    where.push(`n.status = ANY($${params.push(statuses)}::text[])`)
  }
  if (filter.before) where.push(`n.created_at < $${params.push(filter.before)}`)
  const sql = `${VIEW_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY n.created_at DESC LIMIT $${params.push(filter.limit)}`
  const { rows } = await db.query(sql, params)
  return rows.map(toView)
}

/** Who acknowledges: `by` is what the record shows people, `actor` the audit trail's identity of the caller. */
export interface Acknowledger {
  by: string
  actor: string
}

/** Records the first acknowledgement; repeating it returns the same time and changes nothing. */
export async function acknowledge(
  db: Queryable,
  id: string,
  at: Date,
  who: Acknowledger,
): Promise<{ acknowledgedAt: Date; first: boolean } | { refused: string } | null> {
  const { rows: first } = await db.query<{ acknowledgedAt: Date }>(
    `WITH target AS (
       UPDATE notifications SET acknowledged_at = $2, acknowledged_by = $3, status = 'acknowledged'
        WHERE id = $1 AND acknowledged_at IS NULL AND status <> 'failed'
        RETURNING id, acknowledged_at
     ), ${stepSql({ at: '$2', kind: "'acknowledged'", recipients: 'NULL', detail: '$3', actor: '$4' })}
     RETURNING (SELECT acknowledged_at FROM target) AS "acknowledgedAt"`,
    [id, at, who.by, who.actor],
  )
  if (first[0]) return { acknowledgedAt: first[0].acknowledgedAt, first: true }
  const existing = await db.query<{ acknowledgedAt: Date | null; status: string }>(
    'SELECT acknowledged_at AS "acknowledgedAt", status FROM notifications WHERE id = $1',
    [id],
  )
  const row = existing.rows[0]
  if (!row) return null
  if (row.acknowledgedAt) return { acknowledgedAt: row.acknowledgedAt, first: false }
  return { refused: `notification is ${row.status}` }
}

/**
 * What the acknowledgement page may show to whoever holds the e-mail's link: the setting, the
 * school day, the police reference and where the notification stands. Nothing about the child.
 */
export interface AcknowledgementView {
  id: string
  status: string
  reference: string
  schoolName: string
  urn: string
  schoolDay: string
  dueBy: Date
  acknowledgedAt: Date | null
  acknowledgedBy: string | null
  /** The setting's LA: a Welsh one's page is in Welsh and English. */
  laCode: string | null
}

export async function getAcknowledgementView(db: Queryable, id: string): Promise<AcknowledgementView | null> {
  const { rows } = await db.query<AcknowledgementView>(
    `SELECT n.id, n.status, i.reference, s.name AS "schoolName", n.urn, n.school_day AS "schoolDay", n.due_by AS "dueBy",
            n.acknowledged_at AS "acknowledgedAt", n.acknowledged_by AS "acknowledgedBy", n.la_code AS "laCode"
       FROM notifications n JOIN incidents i ON i.id = n.incident_id JOIN schools s ON s.urn = n.urn
      WHERE n.id = $1`,
    [id],
  )
  const row = rows[0]
  return row ? { ...row, status: publicStatus(row.status) } : null
}

/**
 * Takes the right to send an escalation step's e-mail: free, or held by a job whose claim went
 * stale (its worker died). Returns the claim's attempt number, or null when another job holds it.
 */
export async function claimStep(db: Queryable, id: string, step: string, now: Date, claimTimeoutMs: number): Promise<number | null> {
  const { rows } = await db.query<{ attempts: number }>(
    `INSERT INTO escalation_claims AS e (notification_id, step, claimed_at, attempts) VALUES ($1, $2, $3, 1)
     ON CONFLICT (notification_id, step) DO UPDATE SET claimed_at = $3, attempts = e.attempts + 1
       WHERE e.claimed_at IS NULL OR e.claimed_at < $3::timestamptz - make_interval(secs => $4::float / 1000)
     RETURNING attempts`,
    [id, step, now, claimTimeoutMs],
  )
  return rows[0]?.attempts ?? null
}

/** Renews an escalation step's claim while its e-mail is on its way (fenced like releaseStep). */
export async function renewStep(db: Queryable, id: string, step: string, attempts: number, now: Date): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE escalation_claims SET claimed_at = $4 WHERE notification_id = $1 AND step = $2 AND attempts = $3 AND claimed_at IS NOT NULL',
    [id, step, attempts, now],
  )
  return rowCount === 1
}

/** Gives a step's claim back after its e-mail failed, so the retry may take it at once. */
export async function releaseStep(db: Queryable, id: string, step: string, attempts: number): Promise<void> {
  await db.query('UPDATE escalation_claims SET claimed_at = NULL WHERE notification_id = $1 AND step = $2 AND attempts = $3', [id, step, attempts])
}
