// Writes and reads the audit trail, seals it into a keyed hash chain, and verifies the chain.
import { createHmac } from 'node:crypto'
import pg from 'pg'
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
  /** Null until the sealer has put the row into the chain. */
  hash: string | null
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

// The chain. Each sealed row carries its place (`seq`), the previous row's hash (`prev_hash`) and
// its own: HMAC-SHA256 under AUDIT_HMAC_KEY over a canonical, length-delimited encoding of the row
// and its place. The key is held by the service's processes, never by the database, so a row
// edited, removed, re-ordered or written there (trigger off or not) cannot be made to verify.
// Rows sealed before migration 015 carry 005's unkeyed hash; they verify by that rule only as the
// chain's first rows, and only when a keyed row follows them (migration 015 writes one).

const CHAIN_LOCK = 7_316_642_003
const SEAL_BATCH = 2_000
const CHAIN_SCHEME = 'encompass-notify audit chain v2'

interface ChainRow {
  id: string
  seq: string | null
  at: string
  actor: string
  actor_role: string | null
  action: string
  subject_type: string
  subject_id: string | null
  reason: string | null
  detail: string
  prev_hash: string | null
  hash: string | null
}

// Times to the microsecond as PostgreSQL keeps them, and the detail as PostgreSQL prints jsonb
// (one canonical text for one value), so that Node hashes exactly what is stored. (Text columns
// named like the table's: an ORDER BY must name the table's column, a.id or a.seq.)
const CHAIN_COLUMNS = `id::text, seq::text, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, actor, actor_role,
  action, subject_type, subject_id, reason, detail::text AS detail, prev_hash, hash`

/** Each field as a 4-byte length and its UTF-8 bytes (absent: length 0xFFFFFFFF), so no two rows encode alike. */
function chainInput(fields: readonly (string | null)[]): Buffer {
  const parts: Buffer[] = []
  for (const f of fields) {
    const len = Buffer.alloc(4)
    if (f === null) {
      len.writeUInt32BE(0xffffffff)
      parts.push(len)
      continue
    }
    const bytes = Buffer.from(f, 'utf8')
    len.writeUInt32BE(bytes.length)
    parts.push(len, bytes)
  }
  return Buffer.concat(parts)
}

function keyedHash(key: string, prevHash: string, seq: string, r: ChainRow): string {
  const input = chainInput([CHAIN_SCHEME, prevHash, seq, r.id, r.at, r.actor, r.actor_role, r.action, r.subject_type, r.subject_id, r.reason, r.detail])
  return createHmac('sha256', key).update(input).digest('hex')
}

/** Runs fn on one connection (the chain lock is a session lock), the caller's if it passed one. */
async function onOneConnection<T>(db: Queryable, fn: (c: Queryable) => Promise<T>): Promise<T> {
  if (!(db instanceof pg.Pool)) return fn(db)
  const client = await db.connect()
  try {
    return await fn(client)
  } finally {
    client.release()
  }
}

/**
 * Chains the rows written since the last seal, oldest first: the sweeper does it each round, so a
 * row is sealed within SWEEP_INTERVAL_MS of its transaction's commit. One sealer at a time; each
 * batch is one statement, so the chain is whole after every one. Returns how many it sealed.
 */
export async function sealAuditLog(db: Queryable, key: string, maxRows = 50_000): Promise<number> {
  return onOneConnection(db, async (c) => {
    await c.query('SELECT pg_advisory_lock($1)', [CHAIN_LOCK])
    try {
      const { rows: last } = await c.query<{ seq: string; hash: string }>(
        'SELECT a.seq::text AS seq, a.hash FROM audit_log a WHERE a.seq IS NOT NULL ORDER BY a.seq DESC LIMIT 1')
      let prevHash = last[0]?.hash ?? 'genesis'
      let seq = BigInt(last[0]?.seq ?? 0)
      let sealed = 0
      while (sealed < maxRows) {
        const { rows } = await c.query<ChainRow>(
          `SELECT ${CHAIN_COLUMNS} FROM audit_log a WHERE a.seq IS NULL ORDER BY a.id LIMIT $1`, [Math.min(SEAL_BATCH, maxRows - sealed)])
        if (rows.length === 0) break
        const ids: string[] = [], seqs: string[] = [], prevs: string[] = [], hashes: string[] = []
        for (const r of rows) {
          seq += 1n
          const hash = keyedHash(key, prevHash, String(seq), r)
          ids.push(r.id), seqs.push(String(seq)), prevs.push(prevHash), hashes.push(hash)
          prevHash = hash
        }
        const { rowCount } = await c.query(
          `UPDATE audit_log a SET seq = u.seq, prev_hash = u.prev, hash = u.hash
             FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS u(id, seq, prev, hash)
            WHERE a.id = u.id AND a.seq IS NULL`,
          [ids, seqs, prevs, hashes],
        )
        if (rowCount !== rows.length) throw new Error('audit rows changed while being sealed')
        sealed += rows.length
      }
      return sealed
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [CHAIN_LOCK])
    }
  })
}

export interface ChainCheck {
  rows: number
  /** Rows sealed by the unkeyed rule before migration 015, at the head of the chain. */
  unkeyedRows: number
  brokenAt: number | null
  problem: string | null
  lastHash: string | null
}

/**
 * Seals what is waiting, then walks the whole chain in order: each row must hold its place, link
 * to the row before it, and carry the keyed hash of its content. Only a chain begun before
 * migration 015 may start with rows carrying the old unkeyed hash, and then only if a keyed row
 * (the migration's `audit.chain-keyed`) records exactly those rows. Reports the first row that fails.
 */
export async function verifyAuditChain(db: Queryable, key: string): Promise<ChainCheck> {
  await sealAuditLog(db, key)
  // The head of the chain may have been removed by the retention job (removeOldAuditRows): the
  // walk then starts at the first row kept, and a keyed record of that removal must vouch for it.
  const { rows: head } = await db.query<{ seq: string; prev_hash: string }>(
    'SELECT a.seq::text AS seq, a.prev_hash FROM audit_log a WHERE a.seq IS NOT NULL ORDER BY a.seq LIMIT 1')
  const startSeq = BigInt(head[0]?.seq ?? 1)
  const headRemovals: Record<string, unknown>[] = []
  let prevHash = startSeq > 1n ? head[0]!.prev_hash : 'genesis'
  let expected = startSeq
  let keyed = false
  let unkeyedRows = 0
  let count = 0
  let firstKeyedId: string | null = null
  let lastId: string | null = null
  const upgrades: { unkeyedRows: unknown; lastUnkeyedHash: unknown }[] = []
  let unkeyedTail: string | null = null
  const broken = (id: string, problem: string): ChainCheck => ({ rows: count, unkeyedRows, brokenAt: Number(id), problem, lastHash: null })
  for (;;) {
    const { rows } = await db.query<ChainRow & { unkeyed_ok: boolean }>(
      `SELECT ${CHAIN_COLUMNS}, hash = audit_row_hash(prev_hash, a) AS unkeyed_ok
         FROM audit_log a WHERE a.seq >= $1 ORDER BY a.seq LIMIT 5000`,
      [String(expected)],
    )
    if (rows.length === 0) break
    for (const r of rows) {
      count += 1
      if (r.prev_hash !== prevHash) return broken(r.id, `row ${r.id} does not follow the row before it (a row was removed, inserted or moved)`)
      if (r.seq !== String(expected)) return broken(r.id, `row ${r.id} is out of place (seq ${r.seq} where ${expected} was due): a row was removed or moved`)
      if (r.hash === keyedHash(key, prevHash, r.seq, r)) {
        if (!keyed) firstKeyedId = r.id
        keyed = true
        if (r.action === 'audit.chain-keyed') upgrades.push(JSON.parse(r.detail))
        if (r.action === 'audit.head-removed') headRemovals.push(JSON.parse(r.detail))
      } else if (keyed && r.unkeyed_ok) {
        return broken(r.id, `row ${r.id} carries an unkeyed hash inside the keyed chain: written without the key`)
      } else if (!r.unkeyed_ok) {
        return broken(r.id, `row ${r.id} does not match its hash (edited, or written without the key)`)
      } else {
        unkeyedRows += 1
        unkeyedTail = r.hash
      }
      prevHash = r.hash!
      expected += 1n
      lastId = r.id
    }
  }
  let unkeyedRemoved = 0
  if (startSeq > 1n) {
    const vouch = headRemovals.find((d) => d.throughSeq === String(startSeq - 1n) && d.throughHash === head[0]!.prev_hash
      && d.mac === headRemovalMac(key, String(d.throughSeq), String(d.throughHash), Number(d.unkeyedRemoved)))
    if (!vouch) {
      return { rows: count, unkeyedRows, brokenAt: null, problem: `the chain starts at seq ${startSeq} but no keyed record of the retention job removing the rows before it`, lastHash: null }
    }
    unkeyedRemoved = Number(vouch.unkeyedRemoved)
  }
  if (unkeyedRows > 0 && !upgrades.some((u) => u.unkeyedRows === unkeyedRows + unkeyedRemoved && u.lastUnkeyedHash === unkeyedTail)) {
    return broken(firstKeyedId ?? lastId!, `the first ${unkeyedRows} rows carry unkeyed hashes but no keyed row records the chain being keyed after them: rows were rewritten without the key`)
  }
  return { rows: count, unkeyedRows, brokenAt: null, problem: null, lastHash: count > 0 ? prevHash : null }
}

/** Vouches for a removal of the chain's head: only a holder of AUDIT_HMAC_KEY can write one that verifies. */
function headRemovalMac(key: string, throughSeq: string, throughHash: string, unkeyedRemoved: number): string {
  return createHmac('sha256', key).update(chainInput([`${CHAIN_SCHEME} head removed`, throughSeq, throughHash, String(unkeyedRemoved)])).digest('hex')
}

/**
 * The audit trail's retention (AUDIT_RETENTION_DAYS): sealed rows older than the cutoff are removed
 * from the head of the chain (up to the first row that is not, so none newer goes). First a keyed record of the removal (the seq and hash it removes up
 * to, with a MAC under AUDIT_HMAC_KEY) is written and sealed; then the rows go, in the same
 * transaction, under the chain lock. verifyAuditChain starts at the first row kept and requires that
 * record. Returns how many rows went.
 */
export async function removeOldAuditRows(db: Queryable, key: string, now: Date, days: number): Promise<number> {
  await sealAuditLog(db, key)
  const cutoff = new Date(now.getTime() - days * 86_400_000)
  return onOneConnection(db, async (c) => {
    await c.query('SELECT pg_advisory_lock($1)', [CHAIN_LOCK])
    try {
      const { rows } = await c.query<{ through: string | null; removed: number; unkeyed: number }>(
        `SELECT max(a.seq)::text AS through, count(*)::int AS removed,
                count(*) FILTER (WHERE a.hash = audit_row_hash(a.prev_hash, a))::int AS unkeyed
           FROM audit_log a WHERE a.seq IS NOT NULL AND a.at <= $1 AND a.seq < coalesce(
             (SELECT min(b.seq) FROM audit_log b WHERE b.seq IS NOT NULL AND b.at > $1), 9223372036854775807)`,
        [cutoff],
      )
      const through = rows[0]?.through
      if (!through) return 0
      const { rows: tip } = await c.query<{ hash: string }>('SELECT a.hash FROM audit_log a WHERE a.seq = $1', [through])
      const { rows: last } = await c.query<{ detail: { unkeyedRemoved?: number } }>(
        `SELECT a.detail FROM audit_log a WHERE a.action = 'audit.head-removed' ORDER BY a.id DESC LIMIT 1`)
      const unkeyedRemoved = Number(last[0]?.detail.unkeyedRemoved ?? 0) + rows[0]!.unkeyed
      const throughHash = tip[0]!.hash
      await c.query('BEGIN')
      try {
        await audit(c, {
          at: now,
          actor: 'system',
          action: 'audit.head-removed',
          subjectType: 'audit',
          reason: `audit rows older than ${days} days (before ${cutoff.toISOString()}) removed by the retention job`,
          detail: { throughSeq: through, throughHash, removed: rows[0]!.removed, unkeyedRemoved, mac: headRemovalMac(key, through, throughHash, unkeyedRemoved) },
        })
        await c.query("SET LOCAL encompass.audit_retention = 'on'")
        const del = await c.query('DELETE FROM audit_log a WHERE a.seq <= $1', [through])
        await c.query('COMMIT')
        return del.rowCount ?? 0
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {})
        throw err
      }
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [CHAIN_LOCK])
    }
  }).then(async (n) => {
    await sealAuditLog(db, key)
    return n
  })
}
