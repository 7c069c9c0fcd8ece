// What the police pages read: a force's incidents with each child's state, the desk's escalations
// with the numbers to ring, and a plain search of the register for an officer placing a child.
// Force-scoped by the caller (a null force is an administrator's view of every force). Reads
// only: placing a child goes through flows/match-child.ts's assignSetting, as the API does.
import type { Queryable } from './db.js'

export interface ChildState {
  id: string
  givenName: string | null
  familyName: string | null
  matchStatus: string
  matchReason: string | null
  urn: string | null
  settingName: string | null
  notificationStatus: string | null
}

export interface IncidentSummary {
  id: string
  reference: string
  policeAwareAt: Date
  receivedAt: Date
  children: ChildState[]
}

/** A force's incidents, newest first, each with its children's match and notification states. */
export async function listForceIncidents(db: Queryable, forceCode: string | null, opts: { limit: number; offset: number }): Promise<IncidentSummary[]> {
  const { rows } = await db.query<IncidentSummary>(
    `SELECT i.id, i.reference, i.police_aware_at AS "policeAwareAt", i.received_at AS "receivedAt",
            json_agg(json_build_object(
              'id', c.id, 'givenName', c.given_name, 'familyName', c.family_name,
              'matchStatus', c.match_status, 'matchReason', c.match_reason,
              'urn', coalesce(n.urn, c.match_urn), 'settingName', s.name,
              'notificationStatus', CASE WHEN n.status = 'sending' THEN 'scheduled' ELSE n.status END
            ) ORDER BY c.position, c.setting_position) AS children
       FROM (SELECT * FROM incidents WHERE ($1::text IS NULL OR force_code = $1)
              ORDER BY received_at DESC, id LIMIT $2 OFFSET $3) i
       JOIN children c ON c.incident_id = i.id
       LEFT JOIN notifications n ON n.child_id = c.id
       LEFT JOIN schools s ON s.urn = coalesce(n.urn, c.match_urn)
      GROUP BY i.id, i.reference, i.police_aware_at, i.received_at
      ORDER BY i.received_at DESC, i.id`,
    [forceCode, opts.limit, opts.offset],
  )
  return rows
}

export interface DeskEscalation {
  notificationId: string
  incidentId: string
  reference: string
  status: string
  dueBy: Date
  deskAlertedAt: Date | null
  failedAt: Date | null
  givenName: string | null
  familyName: string | null
  urn: string
  settingName: string | null
  contacts: { role: string; name: string; phone: string | null; email: string }[]
}

/**
 * What the force desk must chase: notifications of the force escalated (nobody acknowledged by the
 * deadline) or failed (could not be delivered), not acknowledged since, with the setting's Key
 * Adults and their telephone numbers, earliest deadline first.
 */
export async function listDeskEscalations(db: Queryable, forceCode: string | null, limit: number): Promise<DeskEscalation[]> {
  const { rows } = await db.query<DeskEscalation>(
    `SELECT n.id AS "notificationId", n.incident_id AS "incidentId", i.reference, n.status, n.due_by AS "dueBy",
            n.desk_alerted_at AS "deskAlertedAt", n.failed_at AS "failedAt",
            c.given_name AS "givenName", c.family_name AS "familyName", n.urn, s.name AS "settingName",
            coalesce((SELECT json_agg(json_build_object('role', sc.role, 'name', sc.name, 'phone', sc.phone, 'email', sc.email) ORDER BY sc.position)
                        FROM school_contacts sc WHERE sc.urn = n.urn), '[]') AS contacts
       FROM notifications n
       JOIN incidents i ON i.id = n.incident_id
       JOIN children c ON c.id = n.child_id
       LEFT JOIN schools s ON s.urn = n.urn
      WHERE n.status IN ('escalated', 'failed') AND n.acknowledged_at IS NULL
        AND ($1::text IS NULL OR n.force_code = $1)
      ORDER BY n.due_by, n.id
      LIMIT $2`,
    [forceCode, limit],
  )
  return rows
}

export interface SettingSearch {
  name?: string | undefined
  postcode?: string | undefined
  laCode?: string | undefined
  phase?: string | undefined
}

export interface SettingHit {
  urn: string
  name: string
  postcode: string | null
  town: string | null
  laCode: string | null
  laName: string | null
  phase: string | null
  open: boolean
  keyAdults: number
}

/**
 * The register filtered as a person narrows it: every word of the name, the start of the postcode,
 * the LA code, the phase. Open settings first, then by name. Plain and predictable, unlike the
 * matcher's scored search: an officer choosing a setting sees exactly what fits what was typed.
 */
export async function searchSettings(db: Queryable, q: SettingSearch, limit = 25): Promise<SettingHit[]> {
  const words = (q.name ?? '').toLowerCase().split(/[^\p{L}\p{N}']+/u).filter((w) => w.length > 0).slice(0, 8)
  const postcode = (q.postcode ?? '').toUpperCase().replace(/\s+/g, '')
  const { rows } = await db.query<SettingHit>(
    `SELECT s.urn, s.name, s.postcode, s.town, s.la_code AS "laCode", s.la_name AS "laName", s.phase, s.open,
            (SELECT count(*)::int FROM school_contacts sc WHERE sc.urn = s.urn) AS "keyAdults"
       FROM schools s
      WHERE (SELECT bool_and(strpos(lower(s.name), w) > 0) FROM unnest($1::text[]) w) IS NOT FALSE
        AND ($2 = '' OR replace(upper(coalesce(s.postcode, '')), ' ', '') LIKE $2 || '%')
        AND ($3::text IS NULL OR s.la_code = $3)
        AND ($4::text IS NULL OR lower(coalesce(s.phase, '')) = lower($4))
        AND s.source NOT IN ('la-childrens-services', 'la-health-visiting')
      ORDER BY s.open DESC, s.name, s.urn
      LIMIT $5`,
    [words, postcode, q.laCode ?? null, q.phase ?? null, limit],
  )
  return rows
}

/** The phases the register uses, for a search form's choices. */
export async function registerPhases(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ phase: string }>(
    `SELECT DISTINCT phase FROM schools WHERE phase IS NOT NULL AND phase <> '' ORDER BY phase`,
  )
  return rows.map((r) => r.phase)
}

/** Settings' names by URN, for pages that show where children were placed. */
export async function settingNames(db: Queryable, urns: string[]): Promise<Record<string, string>> {
  if (urns.length === 0) return {}
  const { rows } = await db.query<{ urn: string; name: string }>('SELECT urn, name FROM schools WHERE urn = ANY($1::text[])', [urns])
  return Object.fromEntries(rows.map((r) => [r.urn, r.name]))
}
