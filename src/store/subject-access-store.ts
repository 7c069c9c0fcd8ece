// Subject access (UK GDPR Article 15) and erasure of a wrongly recorded child (Article 17): what the
// service holds about one child, found by name and date of birth, and nothing about another.
// A name matches whatever its case and spacing; the date of birth must match exactly. Children
// whose details were purged can no longer be found: nothing personal is held about them.
import { audit } from './audit-store.js'
import { withTransaction, type Db, type Queryable } from './db.js'

export interface SubjectQuery {
  givenName: string
  familyName: string
  dateOfBirth: string
}

export interface SubjectAccessResult {
  children: Record<string, unknown>[]
  incidents: Record<string, unknown>[]
  notifications: Record<string, unknown>[]
  deliveries: Record<string, unknown>[]
  acknowledgements: Record<string, unknown>[]
  auditEvents: Record<string, unknown>[]
  pupilRoll: Record<string, unknown>[]
}

const NORMAL = (col: string) => `lower(btrim(regexp_replace(${col}, '\\s+', ' ', 'g')))`
const normal = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase()
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi

export async function subjectAccess(db: Queryable, q: SubjectQuery): Promise<SubjectAccessResult> {
  const params = [normal(q.givenName), normal(q.familyName), q.dateOfBirth]
  const { rows: children } = await db.query(
    `SELECT c.id, c.incident_id AS "incidentId", c.given_name AS "givenName", c.family_name AS "familyName",
            c.date_of_birth AS "dateOfBirth", c.present,
            c.given_school_urn AS "givenSchoolUrn", c.given_school_name AS "givenSchoolName", c.given_school_postcode AS "givenSchoolPostcode",
            c.match_status AS "matchStatus", c.match_method AS "matchMethod", c.match_urn AS "matchUrn", c.match_reason AS "matchReason",
            c.matched_at AS "matchedAt", c.held_at AS "heldAt"
       FROM children c
      WHERE c.purged_at IS NULL AND c.date_of_birth = $3::date
        AND ${NORMAL('c.given_name')} = $1 AND ${NORMAL('c.family_name')} = $2
      ORDER BY c.id`,
    params,
  )
  const childIds = children.map((c) => c.id as string)
  const incidentIds = [...new Set(children.map((c) => c.incidentId as string))]
  // The incident as it concerns this child: its other children are not part of this child's record.
  const { rows: incidents } = await db.query(
    `SELECT i.id, i.force_code AS "forceCode", i.reference, i.police_aware_at AS "policeAwareAt", i.occurred_at AS "occurredAt",
            i.incident_type AS "incidentType", i.risk_level AS "riskLevel", i.summary, i.received_at AS "receivedAt"
       FROM incidents i WHERE i.id = ANY($1::uuid[]) ORDER BY i.police_aware_at`,
    [incidentIds],
  )
  const { rows: notifications } = await db.query(
    `SELECT n.id, n.child_id AS "childId", n.incident_id AS "incidentId", n.force_code AS "forceCode", n.urn, n.la_code AS "laCode",
            CASE n.status WHEN 'sending' THEN 'scheduled' ELSE n.status END AS status,
            n.police_aware_at AS "policeAwareAt", n.received_at AS "receivedAt", n.matched_at AS "matchedAt", n.due_by AS "dueBy",
            n.school_day AS "schoolDay", n.send_after AS "sendAfter", n.message_id AS "messageId", n.recipients, n.attempts,
            n.sent_at AS "sentAt", n.acknowledged_at AS "acknowledgedAt", n.acknowledged_by AS "acknowledgedBy",
            n.deputies_notified_at AS "deputiesNotifiedAt", n.desk_alerted_at AS "deskAlertedAt", n.failed_at AS "failedAt"
       FROM notifications n WHERE n.child_id = ANY($1::uuid[]) ORDER BY n.police_aware_at`,
    [childIds],
  )
  const notificationIds = notifications.map((n) => n.id as string)
  const { rows: deliveries } = await db.query(
    `SELECT e.id, e.notification_id AS "notificationId", e.kind, e.at, e.recipients, e.detail
       FROM notification_events e WHERE e.notification_id = ANY($1::uuid[]) ORDER BY e.at, e.id`,
    [notificationIds],
  )
  const acknowledgements = notifications
    .filter((n) => n.acknowledgedAt)
    .map((n) => ({ notificationId: n.id, at: n.acknowledgedAt, by: n.acknowledgedBy }))
  const ids = [...childIds, ...incidentIds, ...notificationIds]
  // Audit rows naming any of this child's records, as subject or in their detail (a listing names
  // the ids it returned). Ids of other records in a row's detail are not this child's: masked.
  const { rows: auditEvents } = ids.length === 0 ? { rows: [] } : await db.query(
    `SELECT a.id, a.at, a.actor, a.actor_role AS "actorRole", a.action, a.subject_type AS "subjectType", a.subject_id AS "subjectId",
            a.reason, a.detail
       FROM audit_log a
      WHERE a.subject_id = ANY($1::text[]) OR a.detail::text LIKE ANY($2::text[])
      ORDER BY a.id`,
    [ids, ids.map((id) => `%${id}%`)],
  )
  const own = new Set(ids.map((id) => id.toLowerCase()))
  for (const a of auditEvents) {
    a.detail = JSON.parse(JSON.stringify(a.detail).replace(UUID, (m) => (own.has(m.toLowerCase()) ? m : 'another record')))
  }
  const { rows: pupilRoll } = await db.query(
    `SELECT p.la_code AS "laCode", p.urn, p.given_name AS "givenName", p.family_name AS "familyName", p.date_of_birth AS "dateOfBirth"
       FROM pupil_roll p
      WHERE p.date_of_birth = $3::date AND ${NORMAL('p.given_name')} = $1 AND ${NORMAL('p.family_name')} = $2
      ORDER BY p.la_code`,
    params,
  )
  return { children, incidents, notifications, deliveries, acknowledgements, auditEvents, pupilRoll }
}

export type ErasureOutcome = 'erased' | 'not-found' | 'already' | 'in-flight'

/**
 * Erases a wrongly recorded child: its name, date of birth, pseudonym and the settings the officer
 * named go at once, as the retention purge would remove them, with the incident's content
 * fingerprint (and summary, when no other child of the incident still holds details). Timing
 * facts stay, so reports read the same. Refused while its notification is still to be sent (the
 * e-mail would go out about nobody): wait for it to be sent or fail.
 */
export async function eraseChild(db: Db, childId: string, now: Date, who: { actor: string; actorRole: string | null; reason: string; requestId: string }): Promise<ErasureOutcome> {
  return withTransaction(db, async (c) => {
    const { rows } = await c.query<{ incident_id: string; purged_at: Date | null; status: string | null }>(
      `SELECT c.incident_id, c.purged_at, n.status FROM children c LEFT JOIN notifications n ON n.child_id = c.id
        WHERE c.id = $1 FOR UPDATE OF c`,
      [childId],
    )
    const row = rows[0]
    if (!row) return 'not-found'
    if (row.purged_at) return 'already'
    if (row.status === 'scheduled' || row.status === 'sending') return 'in-flight'
    await c.query(
      `UPDATE children SET given_name = NULL, family_name = NULL, date_of_birth = NULL, pseudonym = NULL,
              given_school_name = NULL, given_school_postcode = NULL, match_candidates = NULL, match_error = NULL,
              purged_at = $2, erased_at = $2
        WHERE id = $1`,
      [childId, now],
    )
    await c.query(
      `UPDATE incidents i SET content_hash = NULL,
              summary = CASE WHEN EXISTS (SELECT 1 FROM children o WHERE o.incident_id = i.id AND o.purged_at IS NULL) THEN i.summary END,
              purged_at = CASE WHEN EXISTS (SELECT 1 FROM children o WHERE o.incident_id = i.id AND o.purged_at IS NULL) THEN i.purged_at ELSE $2 END
        WHERE i.id = $1`,
      [row.incident_id, now],
    )
    await audit(c, {
      at: now, actor: who.actor, actorRole: who.actorRole, action: 'child.erase', subjectType: 'child', subjectId: childId,
      reason: who.reason, detail: { requestId: who.requestId, incidentId: row.incident_id },
    })
    return 'erased'
  })
}
