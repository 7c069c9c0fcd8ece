// Bearer tokens: 256 random bits shown once, stored only as a SHA-256 hash. A lookup by hash
// is a unique-index probe, so the secret itself is never compared byte by byte in our code.
import { createHash, randomBytes } from 'node:crypto'
import type { PersonRole } from '../domain/people.js'
import { prepared, type Queryable } from './db.js'
import { ensureForce } from './forces-store.js'

export type Role = 'police' | 'dsl' | 'auditor' | 'admin'
export const ROLES: readonly Role[] = ['police', 'dsl', 'auditor', 'admin']

/** A person signed in by e-mailed link (people-store.ts), as the pages see them. */
export interface PersonPrincipal {
  id: string
  email: string
  name: string
  role: PersonRole
  laCodes: string[]
}

export interface Principal {
  /** The bearer token (or the token a session was started with); null for a person's session. */
  tokenId: string | null
  role: Role
  forceCode: string | null
  urn: string | null
  name: string | null
  /** For a police token, its force's age band, read with the token: intake needs it every time. */
  ageBand: { ageMin: number; ageMax: number } | null
  /** Set when the caller is a person in a signed-in session (the pages), not a bearer token. */
  sessionId?: string
  /** Set when the session is a person's, signed in by e-mailed link. */
  person?: PersonPrincipal
}

export function hashToken(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest()
}

export function newTokenSecret(): string {
  return `enc_${randomBytes(32).toString('base64url')}`
}

export interface NewToken {
  role: Role
  forceCode?: string | null
  urn?: string | null
  name?: string | null
  expiresAt?: Date | null
}

export async function createToken(db: Queryable, t: NewToken): Promise<{ id: string; secret: string }> {
  if (t.role === 'police' && !t.forceCode) throw new Error('a police token needs a force code')
  if (t.role === 'dsl' && !t.urn) throw new Error('a dsl token needs a school URN')
  if (t.forceCode) await ensureForce(db, t.forceCode)
  const secret = newTokenSecret()
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO api_tokens (token_hash, role, force_code, urn, name, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [hashToken(secret), t.role, t.role === 'police' ? t.forceCode : null, t.role === 'dsl' ? t.urn : null,
      t.name ?? null, t.expiresAt ?? null],
  )
  return { id: rows[0]!.id, secret }
}

/**
 * How long a token that was found valid is taken on trust before Postgres is asked again. A force
 * system sends every request with one token; asking each time was a third of the API's work on
 * this machine (each query is a system call both ways). A token revoked or expired in another
 * process therefore stops working within this time; in this process at once.
 */
export const PRINCIPAL_CACHE_MS = 2_000
const PRINCIPAL_CACHE_MAX = 10_000
const principals = new Map<string, { principal: Principal; until: number; expiresAt: number | null }>()

const AUTHENTICATE = prepared('authenticate', `SELECT t.id AS "tokenId", t.role, t.force_code AS "forceCode", t.urn, t.name, f.age_min, f.age_max, t.expires_at,
            (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute') AS stale
       FROM api_tokens t LEFT JOIN forces f ON f.code = t.force_code
      WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())`)

/** The principal behind a secret, or null when unknown, revoked or expired. Records last use (at most once a minute). */
export async function authenticate(db: Queryable, secret: string): Promise<Principal | null> {
  const hash = hashToken(secret)
  const key = hash.toString('hex')
  const now = Date.now()
  const hit = principals.get(key)
  if (hit && hit.until > now && (hit.expiresAt === null || hit.expiresAt > now)) return hit.principal
  principals.delete(key)
  const { rows } = await db.query<Omit<Principal, 'ageBand'> & { stale: boolean; age_min: number | null; age_max: number | null; expires_at: Date | null }>(AUTHENTICATE([hash]))
  const row = rows[0]
  if (!row) return null // an unknown token is never remembered: a new one works at once
  if (row.stale) await db.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [row.tokenId])
  const { stale: _stale, age_min, age_max, expires_at, ...rest } = row
  const principal: Principal = { ...rest, ageBand: age_min !== null && age_max !== null ? { ageMin: age_min, ageMax: age_max } : null }
  if (principals.size >= PRINCIPAL_CACHE_MAX) principals.clear()
  principals.set(key, { principal, until: now + PRINCIPAL_CACHE_MS, expiresAt: expires_at?.getTime() ?? null })
  return principal
}

/** Forgets what this process remembers of tokens (a force's age band has changed, say). */
export function forgetPrincipals(): void {
  principals.clear()
}

export async function revokeToken(db: Queryable, id: string): Promise<boolean> {
  for (const [key, v] of principals) if (v.principal.tokenId === id) principals.delete(key)
  const { rowCount } = await db.query(
    'UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL',
    [id],
  )
  return rowCount === 1
}

export async function listTokens(db: Queryable) {
  const { rows } = await db.query(
    `SELECT id, role, force_code AS "forceCode", urn, name, created_at AS "createdAt", expires_at AS "expiresAt",
            revoked_at AS "revokedAt", last_used_at AS "lastUsedAt" FROM api_tokens ORDER BY created_at`,
  )
  return rows
}
