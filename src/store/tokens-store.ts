// Bearer tokens: 256 random bits shown once, stored only as a SHA-256 hash. A lookup by hash
// is a unique-index probe, so the secret itself is never compared byte by byte in our code.
import { createHash, randomBytes } from 'node:crypto'
import type { Queryable } from './db.js'
import { ensureForce } from './forces-store.js'

export type Role = 'police' | 'dsl' | 'auditor' | 'admin'
export const ROLES: readonly Role[] = ['police', 'dsl', 'auditor', 'admin']

export interface Principal {
  tokenId: string
  role: Role
  forceCode: string | null
  urn: string | null
  name: string | null
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

/** The principal behind a secret, or null when unknown, revoked or expired. Records last use (at most once a minute). */
export async function authenticate(db: Queryable, secret: string): Promise<Principal | null> {
  const { rows } = await db.query<Principal & { stale: boolean }>(
    `SELECT id AS "tokenId", role, force_code AS "forceCode", urn, name,
            (last_used_at IS NULL OR last_used_at < now() - interval '1 minute') AS stale
       FROM api_tokens
      WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
    [hashToken(secret)],
  )
  const row = rows[0]
  if (!row) return null
  if (row.stale) await db.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [row.tokenId])
  const { stale: _stale, ...principal } = row
  return principal
}

export async function revokeToken(db: Queryable, id: string): Promise<boolean> {
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
