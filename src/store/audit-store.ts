// Writes and reads the audit trail. Rows are chained by hash inside Postgres (see
// migrations/005_audit.sql); verifyAuditChain recomputes the chain and reports the first break.
import type { Queryable } from './db.js'

export interface AuditEntry {
  actor: string
  actorRole?: string | null
  action: string
  subjectType: string
  subjectId?: string | null
  reason?: string | null
  detail?: Record<string, unknown>
  at?: Date
}

export async function audit(db: Queryable, e: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (at, actor, actor_role, action, subject_type, subject_id, reason, detail)
     VALUES (COALESCE($1, now()), $2, $3, $4, $5, $6, $7, $8)`,
    [e.at ?? null, e.actor, e.actorRole ?? null, e.action, e.subjectType, e.subjectId ?? null, e.reason ?? null,
      JSON.stringify(e.detail ?? {})],
  )
}

export interface AuditRow {
  id: number
  at: Date
  actor: string
  actorRole: string | null
  action: string
  subjectType: string
  subjectId: string | null
  reason: string | null
  detail: Record<string, unknown>
  hash: string
}

export async function listAudit(
  db: Queryable,
  f: { from?: string | undefined; to?: string | undefined; action?: string | undefined; subjectId?: string | undefined; limit: number; afterId?: number | undefined },
): Promise<AuditRow[]> {
  const where: string[] = []
  const params: unknown[] = []
  if (f.from) where.push(`at >= ($${params.push(f.from)}::date)::timestamp AT TIME ZONE 'Europe/London'`)
  if (f.to) where.push(`at < (($${params.push(f.to)}::date + 1)::timestamp AT TIME ZONE 'Europe/London')`)
  if (f.action) where.push(`action = $${params.push(f.action)}`)
  if (f.subjectId) where.push(`subject_id = $${params.push(f.subjectId)}`)
  if (f.afterId) where.push(`id > $${params.push(f.afterId)}`)
  const { rows } = await db.query<AuditRow>(
    `SELECT id, at, actor, actor_role AS "actorRole", action, subject_type AS "subjectType", subject_id AS "subjectId",
            reason, detail, hash
       FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id LIMIT $${params.push(f.limit)}`,
    params,
  )
  return rows
}

/**
 * Chains the rows written since the last seal into the hash chain (migrations/011): the sweeper
 * does it each round, so a row is sealed within SWEEP_INTERVAL_MS of its transaction's commit.
 */
export async function sealAuditLog(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT seal_audit_log() AS n')
  return rows[0]!.n
}

/**
 * Seals what is waiting, then recomputes every sealed row's hash and link in chain order. Returns
 * the number of rows checked and the first broken row's id, if any.
 */
export async function verifyAuditChain(db: Queryable): Promise<{ rows: number; brokenAt: number | null; problem: string | null; lastHash: string | null }> {
  await sealAuditLog(db)
  const { rows } = await db.query<{ id: number; ok_hash: boolean; ok_link: boolean; hash: string }>(
    `SELECT id, hash,
            hash = audit_row_hash(prev_hash, a) AS ok_hash,
            prev_hash = COALESCE(lag(hash) OVER (ORDER BY seq), 'genesis') AS ok_link
       FROM audit_log a WHERE seq IS NOT NULL ORDER BY seq`,
  )
  for (const r of rows) {
    if (!r.ok_hash) return { rows: rows.length, brokenAt: r.id, problem: `row ${r.id} does not match its hash (edited)`, lastHash: null }
    if (!r.ok_link) return { rows: rows.length, brokenAt: r.id, problem: `row ${r.id} does not follow the row before it (a row was removed or inserted)`, lastHash: null }
  }
  return { rows: rows.length, brokenAt: null, problem: null, lastHash: rows.at(-1)?.hash ?? null }
}
