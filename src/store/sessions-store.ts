// Server-side sessions for the pages (migrations/013). The cookie carries a random 256-bit secret;
// only its SHA-256 is stored. A session is looked up and its idle deadline moved on in one
// statement, which also refuses it if it was signed out, idled out, reached its absolute end, or
// its token was revoked or expired since (or, for a person signed in by e-mailed link, the person
// was disabled): an ended session is refused at once, in every process, and stays ended.
import { createHash, randomBytes } from 'node:crypto'
import type { Queryable } from './db.js'
import type { PersonPrincipal, Principal, Role } from './tokens-store.js'

export interface SessionLimits {
  idleMinutes: number
  absoluteHours: number
}

/** A session's secret as the cookie carries it: 43 characters of base64url. */
export const SESSION_SECRET_RE = /^[A-Za-z0-9_-]{43}$/

const hashOf = (secret: string) => createHash('sha256').update(secret, 'utf8').digest()

export interface NewSession {
  id: string
  secret: string
  expiresAt: Date
}

/** Starts a session for a principal that has just proved who it is (a token, or a person's link). */
export async function createSession(db: Queryable, who: Principal, now: Date, limits: SessionLimits): Promise<NewSession> {
  const secret = randomBytes(32).toString('base64url')
  const expiresAt = new Date(now.getTime() + limits.absoluteHours * 3_600_000)
  const idleAt = new Date(Math.min(expiresAt.getTime(), now.getTime() + limits.idleMinutes * 60_000))
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO sessions (secret_hash, token_id, person_id, role, force_code, urn, created_at, last_seen_at, idle_expires_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9) RETURNING id`,
    [hashOf(secret), who.person ? null : who.tokenId, who.person?.id ?? null, who.role, who.forceCode, who.urn, now, idleAt, expiresAt],
  )
  // Rows of sessions that ended long ago serve no one; clearing them here keeps the table small
  // without a job of its own. (Sign-ins and sign-outs stay in the audit trail.)
  await db.query(`DELETE FROM sessions WHERE expires_at < $1::timestamptz - interval '30 days'`, [now])
  return { id: rows[0]!.id, secret, expiresAt }
}

/**
 * The principal of a live session, moving its idle deadline on; null when the secret is unknown
 * or the session has ended for any reason.
 */
export async function touchSession(db: Queryable, secret: string, now: Date, limits: SessionLimits): Promise<Principal | null> {
  if (!SESSION_SECRET_RE.test(secret)) return null
  const { rows } = await db.query<{
    sessionId: string; tokenId: string | null; role: Role; forceCode: string | null; urn: string | null; name: string | null
    age_min: number | null; age_max: number | null; person: PersonPrincipal | null
  }>(
    `UPDATE sessions s
        SET last_seen_at = $2,
            idle_expires_at = least(s.expires_at, $2::timestamptz + make_interval(mins => $3::int))
       FROM sessions live
       LEFT JOIN api_tokens t ON t.id = live.token_id
       LEFT JOIN people p ON p.id = live.person_id
       LEFT JOIN forces f ON f.code = live.force_code
      WHERE s.secret_hash = $1 AND live.id = s.id
        AND s.revoked_at IS NULL AND s.idle_expires_at > $2 AND s.expires_at > $2
        AND ((t.id IS NOT NULL AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()))
          OR (p.id IS NOT NULL AND p.disabled_at IS NULL))
    RETURNING s.id AS "sessionId", s.token_id AS "tokenId", s.role, s.force_code AS "forceCode", s.urn,
              coalesce(t.name, p.name) AS name, f.age_min, f.age_max,
              CASE WHEN p.id IS NULL THEN NULL
                   ELSE json_build_object('id', p.id, 'email', p.email, 'name', p.name, 'role', p.role, 'laCodes', p.la_codes) END AS person`,
    [hashOf(secret), now, limits.idleMinutes],
  )
  const r = rows[0]
  if (!r) {
    // Ended for one reason or another: make that final, so no clock correction or token
    // reinstatement can bring it back.
    await db.query('UPDATE sessions SET revoked_at = $2 WHERE secret_hash = $1 AND revoked_at IS NULL', [hashOf(secret), now])
    return null
  }
  return {
    tokenId: r.tokenId,
    role: r.role,
    forceCode: r.forceCode,
    urn: r.urn,
    name: r.name,
    ageBand: r.age_min !== null && r.age_max !== null ? { ageMin: r.age_min, ageMax: r.age_max } : null,
    sessionId: r.sessionId,
    ...(r.person ? { person: r.person } : {}),
  }
}

/** Signs a session out. Returns its id when it was live, so the sign-out can be audited. */
export async function revokeSession(db: Queryable, secret: string, now: Date): Promise<string | null> {
  if (!SESSION_SECRET_RE.test(secret)) return null
  const { rows } = await db.query<{ id: string }>(
    'UPDATE sessions SET revoked_at = $2 WHERE secret_hash = $1 AND revoked_at IS NULL RETURNING id',
    [hashOf(secret), now],
  )
  return rows[0]?.id ?? null
}
