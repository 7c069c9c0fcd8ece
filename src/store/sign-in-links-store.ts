// One-time sign-in links (migrations/019): created for a known address, sent by a worker, used at
// most once within their 15 minutes. Using one is a single UPDATE that succeeds once.
import type { Queryable } from './db.js'

export interface NewLink {
  id: string
  email: string
  tokenHash: Buffer
  sealed: Buffer
  returnTo: string | null
  /** The language chosen on the sign-in page ('cy': Welsh first); null: English only. */
  language: 'cy' | 'en' | null
  createdAt: Date
  expiresAt: Date
}

/** How many links were made for an address since `since` (the per-address limit). */
export async function countLinksSince(db: Queryable, email: string, since: Date): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sign_in_links WHERE email = $1 AND created_at > $2', [email, since])
  return rows[0]!.n
}

export async function createLink(db: Queryable, l: NewLink): Promise<void> {
  await db.query(
    `INSERT INTO sign_in_links (id, email, token_hash, token_sealed, return_to, language, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [l.id, l.email, l.tokenHash, l.sealed, l.returnTo, l.language, l.createdAt, l.expiresAt],
  )
}

/** A link whose e-mail is still to go: its address and sealed token; null once sent, used or expired. */
export async function linkToSend(db: Queryable, id: string, now: Date): Promise<{ id: string; email: string; sealed: Buffer; expiresAt: Date; language: 'cy' | 'en' | null } | null> {
  const { rows } = await db.query<{ id: string; email: string; sealed: Buffer; expiresAt: Date; language: 'cy' | 'en' | null }>(
    `SELECT id, email, token_sealed AS sealed, expires_at AS "expiresAt", language FROM sign_in_links
      WHERE id = $1 AND sent_at IS NULL AND used_at IS NULL AND expires_at > $2 AND token_sealed IS NOT NULL`,
    [id, now],
  )
  return rows[0] ?? null
}

/** The e-mail has gone: the sealed copy of the token is erased. */
export async function markLinkSent(db: Queryable, id: string, at: Date): Promise<void> {
  await db.query('UPDATE sign_in_links SET sent_at = $2, token_sealed = NULL WHERE id = $1', [id, at])
}

export interface LiveLink {
  id: string
  email: string
  returnTo: string | null
  language: 'cy' | 'en' | null
  expiresAt: Date
}

/** The unused, unexpired link a token names; reading it changes nothing. */
export async function findLiveLink(db: Queryable, tokenHash: Buffer, now: Date): Promise<LiveLink | null> {
  const { rows } = await db.query<LiveLink>(
    `SELECT id, email, return_to AS "returnTo", language, expires_at AS "expiresAt" FROM sign_in_links
      WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`,
    [tokenHash, now],
  )
  return rows[0] ?? null
}

/** Uses a link: succeeds once, within its time. */
export async function consumeLink(db: Queryable, tokenHash: Buffer, now: Date): Promise<LiveLink | null> {
  const { rows } = await db.query<LiveLink>(
    `UPDATE sign_in_links SET used_at = $2, token_sealed = NULL
      WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
      RETURNING id, email, return_to AS "returnTo", language, expires_at AS "expiresAt"`,
    [tokenHash, now],
  )
  return rows[0] ?? null
}

/** Links still to be e-mailed, asked for before `olderThan` and not yet expired: the sweeper re-enqueues them. */
export async function unsentLinks(db: Queryable, now: Date, olderThan: Date, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM sign_in_links WHERE sent_at IS NULL AND used_at IS NULL AND token_sealed IS NOT NULL
        AND expires_at > $1 AND created_at < $2 ORDER BY created_at LIMIT $3`,
    [now, olderThan, limit],
  )
  return rows.map((r) => r.id)
}
