// Incidents and their children. An incident, its children and their "to match" state
// (match_status = 'pending') are written in one transaction; the queue only learns ids afterwards,
// and the sweeper re-reads pending children if that never happened.
import type { IncidentInput } from '../domain/incident.js'
import { withTransaction, type Db, type Queryable } from './db.js'

export interface AcceptedIncident {
  id: string
  reference: string
  status: 'accepted'
  children: { id: string }[]
}

export type SubmitOutcome =
  | { kind: 'created'; incident: AcceptedIncident }
  | { kind: 'replayed'; incident: AcceptedIncident }
  | { kind: 'conflict'; existingId: string }

export async function submitIncident(
  db: Db,
  forceCode: string,
  input: IncidentInput,
  hash: string,
  receivedAt: Date,
): Promise<SubmitOutcome> {
  return withTransaction(db, async (client) => {
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO incidents (force_code, reference, content_hash, police_aware_at, occurred_at, incident_type,
                              risk_level, summary, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (force_code, reference) DO NOTHING
       RETURNING id`,
      [forceCode, input.reference, hash, input.policeAwareAt, input.occurredAt ?? null, input.incidentType,
        input.riskLevel ?? null, input.summary ?? null, receivedAt],
    )
    const created = inserted.rows[0]
    if (!created) {
      const { rows } = await client.query<{ id: string; content_hash: string }>(
        'SELECT id, content_hash FROM incidents WHERE force_code = $1 AND reference = $2',
        [forceCode, input.reference],
      )
      const existing = rows[0]!
      if (existing.content_hash !== hash) return { kind: 'conflict', existingId: existing.id }
      return { kind: 'replayed', incident: await acceptedBody(client, existing.id, input.reference) }
    }
    const c = input.children
    await client.query(
      `INSERT INTO children (incident_id, position, given_name, family_name, date_of_birth, present,
                             given_school_urn, given_school_name, given_school_postcode)
       SELECT $1, u.pos, u.given, u.family, u.dob::date, u.present, u.urn, u.sname, u.postcode
         FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::text[], $9::text[])
              AS u(pos, given, family, dob, present, urn, sname, postcode)`,
      [created.id, c.map((_, i) => i), c.map((x) => x.givenName), c.map((x) => x.familyName),
        c.map((x) => x.dateOfBirth), c.map((x) => x.present), c.map((x) => x.school?.urn ?? null),
        c.map((x) => x.school?.name ?? null), c.map((x) => x.school?.postcode?.toUpperCase() ?? null)],
    )
    return { kind: 'created', incident: await acceptedBody(client, created.id, input.reference) }
  })
}

async function acceptedBody(db: Queryable, id: string, reference: string): Promise<AcceptedIncident> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM children WHERE incident_id = $1 ORDER BY position',
    [id],
  )
  return { id, reference, status: 'accepted', children: rows.map((r) => ({ id: r.id })) }
}

/**
 * Puts children that the directory held back (no named Key Adult, a closed setting, no children's
 * services contact) back to be matched, once an administrator has fixed what held them: the match
 * worker decides afresh. Their held_at stays, so the wait still shows. Returns their ids.
 */
export async function rematchHeldChildren(
  db: Queryable,
  held: { reasons: ('no-key-adult' | 'setting-closed' | 'no-la-contact')[]; urn?: string },
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE children SET match_status = 'pending', match_enqueued_at = NULL
      WHERE match_status = 'unmatched' AND purged_at IS NULL AND match_reason = ANY($1::text[])
        AND ($2::text IS NULL OR match_urn = $2)
      RETURNING id`,
    [held.reasons, held.urn ?? null],
  )
  return rows.map((r) => r.id)
}

export async function markMatchEnqueued(db: Queryable, childIds: string[], at: Date): Promise<void> {
  await db.query('UPDATE children SET match_enqueued_at = $2 WHERE id = ANY($1::uuid[])', [childIds, at])
}

export interface IncidentView {
  id: string
  reference: string
  force: string
  policeAwareAt: Date
  occurredAt: Date | null
  incidentType: string
  riskLevel: string | null
  summary: string | null
  receivedAt: Date
  children: ChildView[]
}

export interface ChildView {
  id: string
  givenName: string | null
  familyName: string | null
  dateOfBirth: string | null
  present: boolean
  match: { status: string; urn: string | null; method: string | null; reason: string | null; matchedAt: Date | null }
  notification: {
    id: string
    status: string
    dueBy: Date
    schoolDay: string
    sentAt: Date | null
    acknowledgedAt: Date | null
  } | null
}

export async function getIncidentView(db: Queryable, id: string): Promise<IncidentView | null> {
  const { rows } = await db.query<Omit<IncidentView, 'children'>>(
    `SELECT id, reference, force_code AS force, police_aware_at AS "policeAwareAt", occurred_at AS "occurredAt",
            incident_type AS "incidentType", risk_level AS "riskLevel", summary, received_at AS "receivedAt"
       FROM incidents WHERE id = $1`,
    [id],
  )
  const incident = rows[0]
  if (!incident) return null
  const children = await db.query(
    `SELECT c.id, c.given_name, c.family_name, c.date_of_birth, c.present, c.match_status, c.match_urn,
            c.match_method, c.match_reason, c.matched_at,
            n.id AS n_id, n.status AS n_status, n.due_by, n.school_day, n.sent_at, n.acknowledged_at
       FROM children c LEFT JOIN notifications n ON n.child_id = c.id
      WHERE c.incident_id = $1 ORDER BY c.position`,
    [id],
  )
  return {
    ...incident,
    children: children.rows.map((r) => ({
      id: r.id,
      givenName: r.given_name,
      familyName: r.family_name,
      dateOfBirth: r.date_of_birth,
      present: r.present,
      match: { status: r.match_status, urn: r.match_urn, method: r.match_method, reason: r.match_reason, matchedAt: r.matched_at },
      notification: r.n_id
        ? {
            id: r.n_id,
            status: publicStatus(r.n_status),
            dueBy: r.due_by,
            schoolDay: r.school_day,
            sentAt: r.sent_at,
            acknowledgedAt: r.acknowledged_at,
          }
        : null,
    })),
  }
}

/** 'sending' is our internal claim; to everyone outside it is still scheduled. */
export function publicStatus(status: string): string {
  return status === 'sending' ? 'scheduled' : status
}
