// Incidents and their children. An incident, its children and their "to match" state
// (match_status = 'pending') are written in one transaction; the queue only learns ids afterwards,
// and the sweeper re-reads pending children if that never happened.
import type { ChildRole } from '../domain/force-wording.js'
import { settingsOf, type ChildInput, type IncidentInput, type SchoolRef } from '../domain/incident.js'
import type { MatchCandidate } from '../domain/matching.js'
import { prepared, withTransaction, type Db, type Queryable } from './db.js'
import { forceJson, type Force } from './forces-store.js'
import { directoryAlertSql } from './la-contacts-store.js'

export interface AcceptedIncident {
  id: string
  reference: string
  status: 'accepted'
  children: { id: string }[]
}

export type SubmitOutcome =
  /** toMatch: every children row written (one per child and setting), for the match queue. */
  | { kind: 'created'; incident: AcceptedIncident; toMatch: string[] }
  | { kind: 'replayed'; incident: AcceptedIncident }
  | { kind: 'conflict'; existingId: string; comparable: boolean }

/**
 * Writes an incident and its children in one statement (so one round trip, and atomic: nothing
 * half-written). Each child is marked as handed to the match queue at `receivedAt`, optimistically:
 * the caller enqueues right after and clears the mark if Redis could not take the ids
 * (unmarkMatchEnqueued), so the sweeper picks them up on its next round; a process that dies in
 * between leaves children the sweeper re-queues once the mark is CLAIM_TIMEOUT_MS old.
 */
const SUBMIT_INCIDENT = prepared('submit-incident', `WITH incident AS (
       INSERT INTO incidents (force_code, reference, content_hash, police_aware_at, occurred_at, incident_type,
                              risk_level, summary, received_at, record_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $18)
       ON CONFLICT (force_code, reference) DO NOTHING
       RETURNING id
     ), kids AS (
       INSERT INTO children (incident_id, position, given_name, family_name, date_of_birth, present,
                             given_school_urn, given_school_name, given_school_postcode, match_enqueued_at, role, setting_position, no_setting_la)
       SELECT incident.id, u.pos, u.given, u.family, u.dob::date, u.present, u.urn, u.sname, u.postcode, $9, u.role, u.spos, u.nsla
         FROM incident,
              unnest($10::int[], $11::text[], $12::text[], $13::text[], $14::boolean[], $15::text[], $16::text[], $17::text[], $19::text[], $20::int[], $21::text[])
                AS u(pos, given, family, dob, present, urn, sname, postcode, role, spos, nsla)
       RETURNING id, position, setting_position
     )
     SELECT (SELECT id FROM incident) AS incident_id,
            COALESCE((SELECT array_agg(id ORDER BY position) FROM kids WHERE setting_position = 0), '{}') AS child_ids,
            COALESCE((SELECT array_agg(id ORDER BY position, setting_position) FROM kids), '{}') AS row_ids`)

/** One children row per child and setting (migration 023): the child's details beside each setting given. */
function childRows(children: ChildInput[]): (ChildInput & { pos: number; spos: number; setting: SchoolRef | null })[] {
  return children.flatMap((c, pos) => settingsOf(c).map((setting, spos) => ({ ...c, pos, spos, setting })))
}

export async function submitIncident(
  db: Db,
  forceCode: string,
  input: IncidentInput,
  fingerprints: { content: string; record: string },
  receivedAt: Date,
): Promise<SubmitOutcome> {
  const c = childRows(input.children)
  const { rows } = await db.query<{ incident_id: string | null; child_ids: string[]; row_ids: string[] }>(SUBMIT_INCIDENT([forceCode, input.reference, fingerprints.content, input.policeAwareAt, input.occurredAt ?? null, input.incidentType,
      input.riskLevel ?? null, input.summary ?? null, receivedAt,
      c.map((x) => x.pos), c.map((x) => x.givenName), c.map((x) => x.familyName),
      c.map((x) => x.dateOfBirth), c.map((x) => x.present), c.map((x) => x.setting?.urn?.toUpperCase() ?? null),
      c.map((x) => x.setting?.name ?? null), c.map((x) => x.setting?.postcode?.toUpperCase() ?? null), fingerprints.record,
      c.map((x) => x.role ?? null), c.map((x) => x.spos), c.map((x) => x.noSetting?.laCode ?? null)]))
  const created = rows[0]!
  if (created.incident_id !== null) {
    return {
      kind: 'created',
      incident: { id: created.incident_id, reference: input.reference, status: 'accepted', children: created.child_ids.map((id) => ({ id })) },
      toMatch: created.row_ids,
    }
  }
  // The reference is taken: the same incident again, or a different one under its reference. Once
  // a purge has begun on it only the record fingerprint is left to compare (docs/purge.md).
  const existing = await db.query<{ id: string; content_hash: string | null; record_hash: string | null }>(
    'SELECT id, content_hash, record_hash FROM incidents WHERE force_code = $1 AND reference = $2',
    [forceCode, input.reference],
  )
  const row = existing.rows[0]!
  const same = row.content_hash !== null ? row.content_hash === fingerprints.content : row.record_hash === fingerprints.record
  if (!same) return { kind: 'conflict', existingId: row.id, comparable: row.content_hash !== null || row.record_hash !== null }
  return { kind: 'replayed', incident: await acceptedBody(db, row.id, input.reference) }
}

async function acceptedBody(db: Queryable, id: string, reference: string): Promise<AcceptedIncident> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM children WHERE incident_id = $1 AND setting_position = 0 ORDER BY position',
    [id],
  )
  return { id, reference, status: 'accepted', children: rows.map((r) => ({ id: r.id })) }
}

/**
 * Holds a child for review (unmatched, with the reason, the settings considered and since when it
 * has waited), only while it is still in one of `from`; and, when the directory is what holds it,
 * raises the administrators' alert (one open alert per kind and subject, counting each hold) in
 * the same statement. Register facts only in `candidates`.
 */
export async function holdChild(
  db: Queryable,
  childId: string,
  h: {
    reason: string
    urn: string | null
    confidence: number | null
    candidates: unknown[]
    now: Date
    from: readonly string[]
    alert?: { kind: string; urn: string | null; laCode: string | null } | undefined
  },
): Promise<{ held: boolean; alertOpened: boolean }> {
  const { rows } = await db.query<{ held: boolean; opened: boolean | null }>(
    `WITH held AS (
       UPDATE children SET match_status = 'unmatched', match_urn = $2, match_reason = $3, matched_at = NULL,
              match_confidence = $4, match_candidates = $5, held_at = COALESCE(held_at, $6)
        WHERE id = $1 AND match_status = ANY($7::text[])
        RETURNING id
     ), alert AS (
       ${directoryAlertSql({ source: 'held WHERE $8::text IS NOT NULL', kind: '$8', urn: '$9', laCode: '$10', at: '$6' })}
     )
     SELECT EXISTS (SELECT 1 FROM held) AS held, (SELECT inserted FROM alert) AS opened`,
    [childId, h.urn, h.reason, h.confidence, JSON.stringify(h.candidates), h.now, h.from,
      h.alert?.kind ?? null, h.alert?.urn ?? null, h.alert?.laCode ?? null],
  )
  return { held: rows[0]!.held, alertOpened: rows[0]!.opened === true }
}

/**
 * Holds a child whose match job gave up (it kept failing, or failed in a way retrying cannot
 * mend) for its force's officers, as 'match-failed' with a summary of why that names no child;
 * only while it is still pending. Returns whether it was held, and its force (for the alert).
 */
export async function holdFailedMatch(db: Queryable, childId: string, error: string, now: Date): Promise<{ held: boolean; forceCode: string | null }> {
  const { rows } = await db.query<{ held: boolean; force_code: string | null }>(
    `WITH held AS (
       UPDATE children SET match_status = 'unmatched', match_reason = 'match-failed', match_error = $2, match_urn = NULL,
              matched_at = NULL, match_confidence = NULL, match_candidates = '[]'::jsonb, held_at = COALESCE(held_at, $3)
        WHERE id = $1 AND match_status = 'pending'
        RETURNING id
     )
     SELECT EXISTS (SELECT 1 FROM held) AS held,
            (SELECT i.force_code FROM children c JOIN incidents i ON i.id = c.incident_id WHERE c.id = $1) AS force_code`,
    [childId, error.slice(0, 500), now],
  )
  return { held: rows[0]!.held, forceCode: rows[0]!.force_code }
}

/**
 * Children still pending, and queued before `stale`, after the sweeper has put them on the match
 * queue `limit` times: their match never finishes (nor reports a failure), so they are given up
 * rather than re-queued again.
 */
export async function childrenRequeuedTooOften(db: Queryable, limit: number, stale: Date, batch: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM children WHERE match_status = 'pending' AND match_requeues >= $1
        AND (match_enqueued_at IS NULL OR match_enqueued_at < $2) LIMIT $3`,
    [limit, stale, batch],
  )
  return rows.map((r) => r.id)
}

/**
 * Puts children that the directory held back (no named Key Adult, a closed setting, no children's
 * services contact) back to be matched, once an administrator has fixed what held them: the match
 * worker decides afresh. Their held_at stays, so the wait still shows. Returns their ids.
 */
export async function rematchHeldChildren(
  db: Queryable,
  held: { reasons: ('no-key-adult' | 'setting-closed' | 'no-la-contact')[]; urn?: string },
  /** When they are handed to the match queue (flows/hand-off.ts); null: left for the sweeper. */
  enqueuedAt: Date | null = null,
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE children SET match_status = 'pending', match_enqueued_at = $3, match_requeues = 0
      WHERE match_status = 'unmatched' AND purged_at IS NULL AND match_reason = ANY($1::text[])
        AND ($2::text IS NULL OR match_urn = $2)
      RETURNING id`,
    [held.reasons, held.urn ?? null, enqueuedAt],
  )
  return rows.map((r) => r.id)
}

/**
 * Pending children that should be on the match queue and may not be: never handed over, or handed
 * over before `stale` (lost in Redis, their worker died, or only waiting behind a long backlog), and
 * re-queued fewer than `maxRequeues` times. The sweeper asks Redis which of them are really lost,
 * then marks them (markChildrenRequeued), under its lock.
 */
export async function childrenMaybeLost(db: Queryable, stale: Date, maxRequeues: number, batch: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM children WHERE match_status = 'pending' AND (match_enqueued_at IS NULL OR match_enqueued_at < $1)
        AND match_requeues < $2
      ORDER BY match_enqueued_at NULLS FIRST LIMIT $3`,
    [stale, maxRequeues, batch],
  )
  return rows.map((r) => r.id)
}

/**
 * Marks pending children as handed to the match queue at `at`. Those in `lost` (their job is gone
 * from Redis) count one more re-queue, and are returned for the hand-off; the others (their job is
 * still there, waiting or running) only have the time renewed: a long backlog never counts
 * against a child.
 */
export async function markChildrenRequeued(db: Queryable, at: Date, childIds: string[], lost: string[]): Promise<string[]> {
  if (childIds.length === 0) return []
  const { rows } = await db.query<{ id: string; lost: boolean }>(
    `UPDATE children SET match_enqueued_at = $1, match_requeues = match_requeues + (id = ANY($3::uuid[]))::int
      WHERE id = ANY($2::uuid[]) AND match_status = 'pending'
      RETURNING id, id = ANY($3::uuid[]) AS lost`,
    [at, childIds, lost],
  )
  return rows.filter((r) => r.lost).map((r) => r.id)
}

/**
 * Redis did not take these children's ids: the sweeper's next round enqueues them. `requeued`:
 * the sweeper had counted this as a re-queue, which did not happen after all.
 */
export async function unmarkMatchEnqueued(db: Queryable, childIds: string[], opts: { requeued?: boolean } = {}): Promise<void> {
  await db.query(
    `UPDATE children SET match_enqueued_at = NULL${opts.requeued ? ', match_requeues = greatest(match_requeues - 1, 0)' : ''}
      WHERE id = ANY($1::uuid[])`,
    [childIds],
  )
}

export interface IncidentView {
  id: string
  reference: string
  force: string
  /** 'accepted' while the incident stands; 'withdrawn' once the police have withdrawn it. */
  status: 'accepted' | 'withdrawn'
  withdrawnAt: Date | null
  withdrawnReason: string | null
  /** How many times the police have corrected it (0: never), and when last. */
  revision: number
  correctedAt: Date | null
  policeAwareAt: Date
  occurredAt: Date | null
  incidentType: string
  riskLevel: string | null
  summary: string | null
  receivedAt: Date
  children: ChildView[]
}

export interface IncidentNotificationView {
  id: string
  urn: string
  status: string
  dueBy: Date
  schoolDay: string
  sentAt: Date | null
  acknowledgedAt: Date | null
}

export interface ChildView {
  id: string
  givenName: string | null
  familyName: string | null
  dateOfBirth: string | null
  present: boolean
  /** The child's role in the incident (domain/force-wording.ts CHILD_ROLES), or null when not given. */
  role: ChildRole | null
  /** The first setting's match (a child with several settings: see notifications). */
  match: { status: string; urn: string | null; method: string | null; reason: string | null; matchedAt: Date | null }
  /** The first setting's notification, kept for clients that know one. */
  notification: IncidentNotificationView | null
  /** One per setting placed so far, in the order the settings were given. */
  notifications: IncidentNotificationView[]
}

export async function getIncidentView(db: Queryable, id: string): Promise<IncidentView | null> {
  const { rows } = await db.query<Omit<IncidentView, 'children' | 'status'> & { withdrawnAt: Date | null }>(
    `SELECT id, reference, force_code AS force, police_aware_at AS "policeAwareAt", occurred_at AS "occurredAt",
            incident_type AS "incidentType", risk_level AS "riskLevel", summary, received_at AS "receivedAt",
            withdrawn_at AS "withdrawnAt", withdrawn_reason AS "withdrawnReason", revision, corrected_at AS "correctedAt"
       FROM incidents WHERE id = $1`,
    [id],
  )
  const incident = rows[0]
  if (!incident) return null
  const children = await db.query(
    `SELECT c.id, c.position, c.setting_position, c.given_name, c.family_name, c.date_of_birth, c.present, c.role, c.match_status, c.match_urn,
            c.match_method, c.match_reason, c.matched_at,
            n.id AS n_id, n.urn AS n_urn, n.status AS n_status, n.due_by, n.school_day, n.sent_at, n.acknowledged_at
       FROM children c LEFT JOIN notifications n ON n.child_id = c.id
      WHERE c.incident_id = $1 ORDER BY c.position, c.setting_position`,
    [id],
  )
  // A child is its rows, one per setting (migration 023): the first row speaks for the child.
  const byPosition = new Map<number, ChildView>()
  for (const r of children.rows) {
    const notification: IncidentNotificationView | null = r.n_id
      ? { id: r.n_id, urn: r.n_urn, status: publicStatus(r.n_status), dueBy: r.due_by, schoolDay: r.school_day, sentAt: r.sent_at, acknowledgedAt: r.acknowledged_at }
      : null
    const seen = byPosition.get(r.position)
    if (seen) {
      if (notification) seen.notifications.push(notification)
      continue
    }
    byPosition.set(r.position, {
      id: r.id,
      givenName: r.given_name,
      familyName: r.family_name,
      dateOfBirth: r.date_of_birth,
      present: r.present,
      role: r.role,
      match: { status: r.match_status, urn: r.match_urn, method: r.match_method, reason: r.match_reason, matchedAt: r.matched_at },
      notification,
      notifications: notification ? [notification] : [],
    })
  }
  return { ...incident, status: incident.withdrawnAt ? 'withdrawn' : 'accepted', children: [...byPosition.values()] }
}

/** 'sending' is our internal claim; to everyone outside it is still scheduled. */
export function publicStatus(status: string): string {
  return status === 'sending' ? 'scheduled' : status
}

// ---------------------------------------------------------------------------------------------
// A child to match and place (flows/match-child.ts)

/** A child as matching and placement read it: what was given, its incident's times, its force. */
export interface ChildToPlace {
  id: string
  incidentId: string
  matchStatus: string
  givenUrn: string | null
  givenSchoolName: string | null
  givenSchoolPostcode: string | null
  givenName: string | null
  familyName: string | null
  dateOfBirth: string | null
  /** The LA the police gave for a child with no setting (issue 14.3); null otherwise. */
  noSettingLa: string | null
  forceCode: string
  policeAwareAt: Date
  receivedAt: Date
  purged: boolean
  force: Force
}

const CHILD_SELECT = `SELECT c.id, c.incident_id AS "incidentId", c.match_status AS "matchStatus", c.given_school_urn AS "givenUrn",
        c.given_school_name AS "givenSchoolName", c.given_school_postcode AS "givenSchoolPostcode",
        c.given_name AS "givenName", c.family_name AS "familyName", c.date_of_birth::text AS "dateOfBirth",
        c.no_setting_la AS "noSettingLa", i.force_code AS "forceCode", i.police_aware_at AS "policeAwareAt", i.received_at AS "receivedAt",
        c.purged_at IS NOT NULL AS purged, ${forceJson('f')} AS force
   FROM children c JOIN incidents i ON i.id = c.incident_id JOIN forces f ON f.code = i.force_code`

const MATCH_CHILD = prepared('match-child', `${CHILD_SELECT} WHERE c.id = $1`)

export async function childToPlace(db: Queryable, childId: string): Promise<ChildToPlace | null> {
  const { rows } = await db.query<ChildToPlace>(MATCH_CHILD([childId]))
  return rows[0] ?? null
}

/** The child, locked until the transaction ends (a person placing it), when it belongs to the incident. */
export async function lockChildToPlace(client: Queryable, childId: string, incidentId: string): Promise<ChildToPlace | null> {
  const { rows } = await client.query<ChildToPlace>(`${CHILD_SELECT} WHERE c.id = $1 AND c.incident_id = $2 FOR UPDATE OF c`, [childId, incidentId])
  return rows[0] ?? null
}

// ---------------------------------------------------------------------------------------------
// The review queue (GET /v1/incidents?match=unmatched)

/** A child waiting in its force's review queue, with what was given and the settings considered. */
export interface HeldRow {
  incident_id: string
  reference: string
  force_code: string
  police_aware_at: Date
  received_at: Date
  child_id: string
  given_name: string | null
  family_name: string | null
  date_of_birth: string | null
  present: boolean
  given_school_urn: string | null
  given_school_name: string | null
  given_school_postcode: string | null
  match_urn: string | null
  match_reason: string | null
  match_error: string | null
  match_confidence: number | null
  match_candidates: MatchCandidate[] | null
  held_at: Date | null
}

/** Children waiting for a person to place them, oldest hold first; one force's, or every force's (null). */
export async function listHeldChildren(db: Queryable, opts: { forceCode: string | null; limit: number }): Promise<HeldRow[]> {
  const { rows } = await db.query<HeldRow>(
    `SELECT i.id AS incident_id, i.reference, i.force_code, i.police_aware_at, i.received_at,
            c.id AS child_id, c.given_name, c.family_name, c.date_of_birth, c.present,
            c.given_school_urn, c.given_school_name, c.given_school_postcode,
            c.match_urn, c.match_reason, c.match_error, c.match_confidence, c.match_candidates, c.held_at
       FROM children c JOIN incidents i ON i.id = c.incident_id
      WHERE c.match_status = 'unmatched' AND c.purged_at IS NULL AND ($1::text IS NULL OR i.force_code = $1)
      ORDER BY c.held_at NULLS FIRST, i.received_at, c.position
      LIMIT $2`,
    [opts.forceCode, opts.limit],
  )
  return rows
}

export type AddedChild =
  | { kind: 'no-incident' }
  | { kind: 'withdrawn' }
  | { kind: 'full'; children: number }
  | { kind: 'same'; childId: string }
  /** rowIds: the child's rows, one per setting, for the match queue. */
  | { kind: 'added'; childId: string; rowIds: string[] }

/**
 * One more child on an incident (a follow-up: a child found next morning), under the incident's
 * lock: the same child again (same names in any case, same date of birth) is the child already
 * there; a full incident (`max` children) takes no more, nor does a withdrawn one. The new child's
 * rows (one per setting) are marked as handed to the match queue, as at intake, so the sweeper
 * finds them if the enqueue after this fails.
 */
export async function addChildToIncident(db: Db, incidentId: string, forceCode: string, child: ChildInput, max: number, now: Date): Promise<AddedChild> {
  return withTransaction(db, async (c) => {
    const incident = await c.query<{ withdrawn: boolean }>(
      'SELECT withdrawn_at IS NOT NULL AS withdrawn FROM incidents WHERE id = $1 AND force_code = $2 FOR UPDATE', [incidentId, forceCode])
    if (incident.rowCount === 0) return { kind: 'no-incident' }
    if (incident.rows[0]!.withdrawn) return { kind: 'withdrawn' }
    const same = await c.query<{ id: string }>(
      `SELECT id FROM children WHERE incident_id = $1 AND lower(given_name) = lower($2) AND lower(family_name) = lower($3) AND date_of_birth = $4::date
        ORDER BY position, setting_position LIMIT 1`,
      [incidentId, child.givenName, child.familyName, child.dateOfBirth],
    )
    if (same.rows[0]) return { kind: 'same', childId: same.rows[0].id }
    const { rows: [n] } = await c.query<{ k: number; pos: number }>(
      'SELECT count(DISTINCT position)::int AS k, coalesce(max(position), -1) + 1 AS pos FROM children WHERE incident_id = $1', [incidentId])
    if (n!.k >= max) return { kind: 'full', children: n!.k }
    const settings = settingsOf(child)
    const { rows } = await c.query<{ id: string; setting_position: number }>(
      `INSERT INTO children (incident_id, position, given_name, family_name, date_of_birth, present, role,
                             given_school_urn, given_school_name, given_school_postcode, match_enqueued_at, setting_position, no_setting_la)
       SELECT $1, $2, $3, $4, $5::date, $6, $7, u.urn, u.sname, u.postcode, $11, u.spos, $13
         FROM unnest($8::text[], $9::text[], $10::text[], $12::int[]) AS u(urn, sname, postcode, spos)
       RETURNING id, setting_position`,
      [incidentId, n!.pos, child.givenName, child.familyName, child.dateOfBirth, child.present, child.role ?? null,
        settings.map((s) => s?.urn?.toUpperCase() ?? null), settings.map((s) => s?.name ?? null), settings.map((s) => s?.postcode?.toUpperCase() ?? null), now,
        settings.map((_, i) => i), child.noSetting?.laCode ?? null],
    )
    const ordered = [...rows].sort((x, y) => x.setting_position - y.setting_position)
    return { kind: 'added', childId: ordered[0]!.id, rowIds: ordered.map((r) => r.id) }
  })
}

/** What the follow-up rules need of an incident: when the police knew. Null for another force's or none. */
export async function incidentAwareness(db: Queryable, incidentId: string, forceCode: string): Promise<Date | null> {
  const { rows } = await db.query<{ police_aware_at: Date }>('SELECT police_aware_at FROM incidents WHERE id = $1 AND force_code = $2', [incidentId, forceCode])
  return rows[0]?.police_aware_at ?? null
}

// ---------------------------------------------------------------------------------------------
// Follow-ups: withdrawal and correction (issue 14.4)

export type WithdrawOutcome =
  | { kind: 'not-found' }
  | { kind: 'already' }
  /** stopped: notifications that will now never be sent; toTell: those whose Key Adults were (or may just have been) told. */
  | { kind: 'withdrawn'; stopped: number; toTell: string[] }

/**
 * Withdraws an incident of `forceCode`, under its lock, in one transaction: the incident marked
 * withdrawn with the reason; its children not yet placed end 'withdrawn' (off the match queue and
 * the review queue); its notifications not yet sent end 'withdrawn' with the step recorded; every
 * notification is marked withdrawn, so no send, escalation or reminder is taken from here on. A
 * send in flight is left to finish: if it went, its Key Adults are owed the notice like those told
 * before. Withdrawing again changes nothing.
 */
export async function withdrawIncident(db: Db, incidentId: string, forceCode: string, reason: string, now: Date): Promise<WithdrawOutcome> {
  return withTransaction(db, async (c) => {
    const { rows: [incident] } = await c.query<{ withdrawn_at: Date | null }>(
      'SELECT withdrawn_at FROM incidents WHERE id = $1 AND force_code = $2 FOR UPDATE', [incidentId, forceCode])
    if (!incident) return { kind: 'not-found' }
    if (incident.withdrawn_at) return { kind: 'already' }
    await c.query('UPDATE incidents SET withdrawn_at = $2, withdrawn_reason = $3 WHERE id = $1', [incidentId, now, reason])
    await c.query(
      `UPDATE children SET match_status = 'withdrawn', match_enqueued_at = NULL, match_reason = 'withdrawn by the police'
        WHERE incident_id = $1 AND match_status IN ('pending', 'unmatched')`,
      [incidentId],
    )
    const { rows: stopped } = await c.query<{ id: string }>(
      `WITH target AS (
         UPDATE notifications SET status = 'withdrawn', withdrawn_at = $2, retry_at = NULL, enqueued_at = NULL
          WHERE incident_id = $1 AND sent_at IS NULL AND status = 'scheduled'
          RETURNING id
       ), event AS (
         INSERT INTO notification_events (notification_id, kind, at, detail)
         SELECT id, 'withdrawn', $2, 'the police withdrew the incident before the e-mail went' FROM target
       )
       SELECT id FROM target`,
      [incidentId, now],
    )
    // Every other notification is marked too; those sent, or on their way, are owed the notice (a
    // failed one that never went is not).
    const { rows: marked } = await c.query<{ id: string; owed: boolean }>(
      `UPDATE notifications SET withdrawn_at = $2 WHERE incident_id = $1 AND withdrawn_at IS NULL
       RETURNING id, (sent_at IS NOT NULL OR status = 'sending') AS owed`,
      [incidentId, now],
    )
    return { kind: 'withdrawn', stopped: stopped.length, toTell: marked.filter((r) => r.owed).map((r) => r.id) }
  })
}

/** What a correction may change: the incident's facts and each child's details (never policeAwareAt or a setting). */
export interface IncidentCorrection {
  occurredAt?: string | undefined
  incidentType?: 'crime' | 'non-crime' | undefined
  riskLevel?: 'standard' | 'medium' | 'high' | 'unknown' | undefined
  summary?: string | undefined
  children?: { id: string; givenName?: string | undefined; familyName?: string | undefined; dateOfBirth?: string | undefined; present?: boolean | undefined; role?: ChildRole | undefined }[] | undefined
}

export type CorrectOutcome =
  | { kind: 'not-found' }
  | { kind: 'withdrawn' }
  | { kind: 'unknown-child'; index: number }
  | { kind: 'unchanged' }
  /** changed: the fields that changed (names only); toTell: notifications whose Key Adults were told. */
  | { kind: 'corrected'; revision: number; changed: string[]; toTell: string[] }

/** The facts a correction compares and checks, read under the incident's lock. */
export interface CorrectionBase {
  policeAwareAt: Date
  occurredAt: Date | null
  incidentType: string
  riskLevel: string | null
  summary: string | null
  children: { id: string; position: number; givenName: string | null; familyName: string | null; dateOfBirth: string | null; present: boolean; role: string | null }[]
}

/**
 * Corrects an incident of `forceCode` under its lock, in one transaction. `check` sees what is
 * stored and returns the rule problems (nothing is written when there are any); a correction that
 * changes nothing is 'unchanged' (a retry of the same PATCH is idempotent). A child's details are
 * corrected on each of its rows (one per setting). The incident's revision rises by one; every
 * notification already sent is owed a correction e-mail (its told_revision is behind).
 */
export async function correctIncident<P>(
  db: Db,
  incidentId: string,
  forceCode: string,
  fix: IncidentCorrection,
  now: Date,
  check: (base: CorrectionBase) => P[],
): Promise<CorrectOutcome | { kind: 'rejected'; problems: P[] }> {
  return withTransaction(db, async (c) => {
    const { rows: [i] } = await c.query<{ police_aware_at: Date; occurred_at: Date | null; incident_type: string; risk_level: string | null; summary: string | null; withdrawn_at: Date | null; purged_at: Date | null }>(
      `SELECT police_aware_at, occurred_at, incident_type, risk_level, summary, withdrawn_at, purged_at
         FROM incidents WHERE id = $1 AND force_code = $2 FOR UPDATE`, [incidentId, forceCode])
    if (!i || i.purged_at) return { kind: 'not-found' }
    if (i.withdrawn_at) return { kind: 'withdrawn' }
    const { rows: kids } = await c.query<CorrectionBase['children'][number]>(
      `SELECT id, position, given_name AS "givenName", family_name AS "familyName", date_of_birth::text AS "dateOfBirth", present, role
         FROM children WHERE incident_id = $1 AND setting_position = 0 AND purged_at IS NULL ORDER BY position`, [incidentId])
    const base: CorrectionBase = { policeAwareAt: i.police_aware_at, occurredAt: i.occurred_at, incidentType: i.incident_type, riskLevel: i.risk_level, summary: i.summary, children: kids }
    const unknown = (fix.children ?? []).findIndex((f) => !kids.some((k) => k.id === f.id))
    if (unknown >= 0) return { kind: 'unknown-child', index: unknown }
    const problems = check(base)
    if (problems.length > 0) return { kind: 'rejected', problems }

    const changed: string[] = []
    const same = (a: unknown, b: unknown) => (a instanceof Date && typeof b === 'string' ? a.getTime() === new Date(b).getTime() : a === b)
    const facts = { occurredAt: ['occurred_at', i.occurred_at], incidentType: ['incident_type', i.incident_type], riskLevel: ['risk_level', i.risk_level], summary: ['summary', i.summary] } as const
    const sets: string[] = []
    const values: unknown[] = [incidentId]
    for (const [field, [column, stored]] of Object.entries(facts)) {
      const v = fix[field as keyof typeof facts]
      if (v === undefined || same(stored, v)) continue
      values.push(v)
      sets.push(`${column} = $${values.length}`)
      changed.push(field)
    }
    if (sets.length > 0) await c.query(`UPDATE incidents SET ${sets.join(', ')} WHERE id = $1`, values)
    for (const [index, f] of (fix.children ?? []).entries()) {
      const k = kids.find((x) => x.id === f.id)!
      const childFacts = { givenName: ['given_name', k.givenName], familyName: ['family_name', k.familyName], dateOfBirth: ['date_of_birth', k.dateOfBirth], present: ['present', k.present], role: ['role', k.role] } as const
      const childSets: string[] = []
      const childValues: unknown[] = [incidentId, k.position]
      for (const [field, [column, stored]] of Object.entries(childFacts)) {
        const v = f[field as keyof typeof childFacts]
        if (v === undefined || same(stored, v)) continue
        childValues.push(v)
        childSets.push(`${column} = $${childValues.length}${column === 'date_of_birth' ? '::date' : ''}`)
        changed.push(`children/${index}/${field}`)
      }
      if (childSets.length > 0) await c.query(`UPDATE children SET ${childSets.join(', ')} WHERE incident_id = $1 AND position = $2`, childValues)
    }
    if (changed.length === 0) return { kind: 'unchanged' }
    const { rows: [r] } = await c.query<{ revision: number }>(
      'UPDATE incidents SET revision = revision + 1, corrected_at = $2 WHERE id = $1 RETURNING revision', [incidentId, now])
    const { rows: toTell } = await c.query<{ id: string }>(
      'SELECT id FROM notifications WHERE incident_id = $1 AND sent_at IS NOT NULL AND withdrawn_at IS NULL', [incidentId])
    return { kind: 'corrected', revision: r!.revision, changed, toTell: toTell.map((x) => x.id) }
  })
}
