// What a Key Adult reads on their pages: one notification with everything the police sent (as the
// force's content profile shares it), and the list of their settings' notifications. Scope (which
// settings) is the caller's to give: people-store.keyAdultSettings.
import { publicStatus } from './incidents-store.js'
import type { Queryable } from './db.js'

export interface KeyAdultNotification {
  id: string
  status: string
  urn: string
  schoolName: string
  schoolDay: string
  dueBy: Date
  sentAt: Date | null
  acknowledgedAt: Date | null
  acknowledgedBy: string | null
  reference: string
  incidentType: string
  riskLevel: string | null
  occurredAt: Date | null
  policeAwareAt: Date
  /** Null when the force shares no summary (content profile "minimal"), or it was purged. */
  summary: string | null
  summaryShared: boolean
  givenName: string | null
  familyName: string | null
  dateOfBirth: string | null
  present: boolean
  /** The child's role as the police recorded it (domain/force-wording.ts CHILD_ROLES), or null. */
  childRole: string | null
  forceName: string
  deskEmail: string | null
  deskPhone: string | null
  /** The force's own guidance lines; null: the service's defaults. */
  guidance: string[] | null
  keyAdultMaySpeakToFamily: boolean | null
  /** When the police withdrew the incident, and why; when they last corrected it. */
  withdrawnAt: Date | null
  withdrawnReason: string | null
  correctedAt: Date | null
  /** The other children of the same incident at this setting (siblings), by name only. */
  siblings: { givenName: string | null; familyName: string | null; present: boolean }[]
}

export async function getKeyAdultNotification(db: Queryable, id: string): Promise<KeyAdultNotification | null> {
  const { rows } = await db.query<KeyAdultNotification & { contentProfile: string }>(
    `SELECT n.id, n.status, n.urn, s.name AS "schoolName", to_char(n.school_day, 'YYYY-MM-DD') AS "schoolDay", n.due_by AS "dueBy",
            n.sent_at AS "sentAt", n.acknowledged_at AS "acknowledgedAt", n.acknowledged_by AS "acknowledgedBy",
            i.reference, i.incident_type AS "incidentType", i.risk_level AS "riskLevel", i.occurred_at AS "occurredAt",
            i.police_aware_at AS "policeAwareAt", i.summary, f.content_profile AS "contentProfile",
            i.withdrawn_at AS "withdrawnAt", i.withdrawn_reason AS "withdrawnReason", i.corrected_at AS "correctedAt",
            c.given_name AS "givenName", c.family_name AS "familyName", to_char(c.date_of_birth, 'YYYY-MM-DD') AS "dateOfBirth", c.present,
            c.role AS "childRole", coalesce(f.name, f.code) AS "forceName", f.desk_email AS "deskEmail", f.desk_phone AS "deskPhone",
            f.guidance, f.key_adult_may_speak_to_family AS "keyAdultMaySpeakToFamily",
            (SELECT coalesce(json_agg(json_build_object('givenName', c2.given_name, 'familyName', c2.family_name, 'present', c2.present) ORDER BY c2.position), '[]')
               FROM notifications n2 JOIN children c2 ON c2.id = n2.child_id
              WHERE n2.incident_id = n.incident_id AND n2.urn = n.urn AND n2.id <> n.id) AS siblings
       FROM notifications n
       JOIN children c ON c.id = n.child_id
       JOIN incidents i ON i.id = n.incident_id
       JOIN schools s ON s.urn = n.urn
       JOIN forces f ON f.code = n.force_code
      WHERE n.id = $1`,
    [id],
  )
  const r = rows[0]
  if (!r) return null
  const { contentProfile, ...rest } = r
  const summaryShared = contentProfile === 'full'
  return { ...rest, status: publicStatus(rest.status), summaryShared, summary: summaryShared ? rest.summary : null }
}

export type KeyAdultFilter = 'all' | 'open' | 'acknowledged'

export interface KeyAdultListRow {
  id: string
  status: string
  urn: string
  schoolName: string
  reference: string
  policeAwareAt: Date
  schoolDay: string
  acknowledgedAt: Date | null
  givenName: string | null
  familyName: string | null
}

/** The settings' notifications: open (not yet acknowledged) first, then newest first. */
export async function listKeyAdultNotifications(db: Queryable, urns: string[], filter: KeyAdultFilter, limit: number): Promise<KeyAdultListRow[]> {
  if (urns.length === 0) return []
  const where = filter === 'open' ? "AND n.acknowledged_at IS NULL" : filter === 'acknowledged' ? 'AND n.acknowledged_at IS NOT NULL' : ''
  const { rows } = await db.query<KeyAdultListRow>(
    `SELECT n.id, n.status, n.urn, s.name AS "schoolName", i.reference, n.police_aware_at AS "policeAwareAt",
            to_char(n.school_day, 'YYYY-MM-DD') AS "schoolDay", n.acknowledged_at AS "acknowledgedAt",
            c.given_name AS "givenName", c.family_name AS "familyName"
       FROM notifications n
       JOIN children c ON c.id = n.child_id
       JOIN incidents i ON i.id = n.incident_id
       JOIN schools s ON s.urn = n.urn
      WHERE n.urn = ANY($1::text[]) ${where}
      ORDER BY (n.acknowledged_at IS NULL) DESC, n.police_aware_at DESC
      LIMIT $2`,
    [urns, limit],
  )
  return rows.map((r) => ({ ...r, status: publicStatus(r.status) }))
}
