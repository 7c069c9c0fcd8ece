// People on file (migrations/019) and who an e-mail address may sign in as. A Key Adult's
// settings are read from the directory's contacts at the moment they are needed (sign-in, every
// page), never copied: a contact removed from a setting loses access at once.
import { accessRoleOf, type NewPerson, type PersonRole } from '../domain/people.js'
import type { Queryable } from './db.js'

export interface Person {
  id: string
  email: string
  name: string
  role: PersonRole
  forceCode: string | null
  laCodes: string[]
  urn: string | null
  source: 'registered' | 'contacts'
  createdAt: Date
  disabledAt: Date | null
  lastSignedInAt: Date | null
}

const PERSON_COLUMNS = `id, email, name, role, force_code AS "forceCode", la_codes AS "laCodes", urn, source,
  created_at AS "createdAt", disabled_at AS "disabledAt", last_signed_in_at AS "lastSignedInAt"`

/** Registers a person; `conflict` when the address already has that role. */
export async function registerPerson(
  db: Queryable,
  p: NewPerson,
  createdBy: string,
  now: Date,
): Promise<{ person: Person } | { conflict: string }> {
  const { rows } = await db.query<Person>(
    `INSERT INTO people (email, name, role, force_code, la_codes, urn, source, created_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, 'registered', $7, $8)
     ON CONFLICT (email, role) DO NOTHING
     RETURNING ${PERSON_COLUMNS}`,
    [p.email, p.name, p.role, p.force ?? null, p.laCodes ?? [], p.urn ?? null, now, createdBy],
  )
  if (rows[0]) return { person: rows[0] }
  const { rows: existing } = await db.query<{ id: string }>('SELECT id FROM people WHERE email = $1 AND role = $2', [p.email, p.role])
  return { conflict: existing[0]?.id ?? '' }
}

/** Disables a person: their sessions end at their next request and no link is sent to them. Null when unknown. */
export async function disablePerson(db: Queryable, id: string, at: Date): Promise<Person | null> {
  await db.query('UPDATE people SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL', [id, at])
  await db.query('UPDATE sessions SET revoked_at = $2 WHERE person_id = $1 AND revoked_at IS NULL', [id, at])
  return getPerson(db, id)
}

export async function getPerson(db: Queryable, id: string): Promise<Person | null> {
  const { rows } = await db.query<Person>(`SELECT ${PERSON_COLUMNS} FROM people WHERE id = $1`, [id])
  return rows[0] ?? null
}

/** People on file, newest first; for an LA administrator only those of its LA codes. */
export async function listPeople(db: Queryable, filter: { laCodes?: string[] | undefined; limit: number }): Promise<Person[]> {
  const params: unknown[] = [filter.limit]
  const where = filter.laCodes ? `WHERE la_codes && $${params.push(filter.laCodes)}::text[]
      OR urn IN (SELECT urn FROM schools WHERE la_code = ANY($${params.length}::text[]))` : ''
  const { rows } = await db.query<Person>(`SELECT ${PERSON_COLUMNS} FROM people ${where} ORDER BY created_at DESC, email LIMIT $1`, params)
  return rows
}

/** Who an address may sign in as. */
export interface Identity {
  role: PersonRole
  /** The person's row, when there is one (a Key Adult known only from contacts gets one at sign-in). */
  personId: string | null
  name: string
  forceCode: string | null
  laCodes: string[]
}

/**
 * Every identity an address has now: its registered roles (not disabled), and Key Adult when a
 * setting's contacts name it (unless an administrator disabled that address's Key Adult role). A
 * Key Adult's row written at an earlier sign-in counts only while a setting still lists them.
 */
export async function identitiesOf(db: Queryable, email: string): Promise<Identity[]> {
  const { rows } = await db.query<Identity & { disabled: boolean; live: boolean }>(
    `SELECT p.role, p.id AS "personId", p.name, p.force_code AS "forceCode", p.la_codes AS "laCodes", p.disabled_at IS NOT NULL AS disabled,
            (p.role <> 'key-adult' OR p.urn IS NOT NULL OR EXISTS (SELECT 1 FROM school_contacts c WHERE lower(c.email) = p.email)) AS live
       FROM people p WHERE p.email = $1
     UNION ALL
     SELECT 'key-adult', NULL, c.name, NULL, '{}', false, true
       FROM (SELECT name FROM school_contacts WHERE lower(email) = $1 ORDER BY position LIMIT 1) c
      WHERE NOT EXISTS (SELECT 1 FROM people WHERE email = $1 AND role = 'key-adult')`,
    [email],
  )
  return rows
    .filter((r) => !r.disabled && r.live)
    .map(({ role, personId, name, forceCode, laCodes }) => ({ role, personId, name, forceCode, laCodes }))
}

/** The person row of a Key Adult known from contacts, written at their first sign-in. */
export async function ensureContactPerson(db: Queryable, email: string, name: string, now: Date): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO people (email, name, role, source, created_at, created_by) VALUES ($1, $2, 'key-adult', 'contacts', $3, 'sign-in')
     ON CONFLICT (email, role) DO UPDATE SET name = CASE WHEN people.source = 'contacts' THEN EXCLUDED.name ELSE people.name END
     RETURNING id`,
    [email, name.slice(0, 200), now],
  )
  return rows[0]!.id
}

export async function markSignedIn(db: Queryable, personId: string, at: Date): Promise<void> {
  await db.query('UPDATE people SET last_signed_in_at = $2 WHERE id = $1', [personId, at])
}

/**
 * The settings a Key Adult may see now: each setting whose contacts name the address, and the one
 * an administrator registered them for. Empty for anyone else.
 */
export async function keyAdultSettings(db: Queryable, personId: string): Promise<string[]> {
  const { rows } = await db.query<{ urn: string }>(
    `SELECT c.urn FROM people p JOIN school_contacts c ON lower(c.email) = p.email
      WHERE p.id = $1 AND p.role = 'key-adult' AND p.disabled_at IS NULL
     UNION
     SELECT p.urn FROM people p WHERE p.id = $1 AND p.role = 'key-adult' AND p.disabled_at IS NULL AND p.urn IS NOT NULL`,
    [personId],
  )
  return rows.map((r) => r.urn).sort()
}

/** The page roles a person row stands for (for the session). */
export const accessOf = (role: PersonRole) => accessRoleOf[role]
