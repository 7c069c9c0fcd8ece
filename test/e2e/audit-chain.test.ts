// An audit trail that cannot be forged: the chain is keyed with AUDIT_HMAC_KEY, which the database
// never holds, so whoever can write to the table (triggers off, even) cannot edit, remove, insert or
// re-order a row without `audit verify` naming it. A chain sealed by the old unkeyed rule carries on
// under the key after migration 015.
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import t from 'tap'
import { runCli } from '../../src/cli.js'
import { loadConfig } from '../../src/config.js'
import { migrationsDir } from '../../src/paths.js'
import { audit, sealAuditLog, verifyAuditChain } from '../../src/store/audit-store.js'
import { createPool, type Db, type Queryable } from '../../src/store/db.js'
import { migrate } from '../../src/store/migrate.js'
import { ADMIN_DATABASE_URL, createTestDatabase } from '../helpers/harness.js'

// The key `cli audit verify` uses in this process.
const KEY = loadConfig().AUDIT_HMAC_KEY

const database = await createTestDatabase()
t.teardown(() => database.drop())
const db = database.db

async function writeRows(target: Queryable, n: number, from = 0): Promise<void> {
  for (let i = from; i < from + n; i++) {
    await audit(target, { actor: `token:${i}`, actorRole: 'admin', action: 'test.row', subjectType: 'test', subjectId: String(i), reason: 'a|b', detail: { i } })
  }
}
await writeRows(db, 12)
await sealAuditLog(db, KEY)

/** Runs fn as someone who can switch the table's triggers off, and undoes it all afterwards. */
async function asIntruder(fn: (c: pg.PoolClient) => Promise<void>, target: Db = db): Promise<void> {
  const c = await target.connect()
  try {
    await c.query('BEGIN')
    await c.query('ALTER TABLE audit_log DISABLE TRIGGER USER')
    await fn(c)
  } finally {
    await c.query('ROLLBACK')
    c.release()
  }
}

/** A row written straight into the chain after the last one, hashed by the old unkeyed rule. */
const FORGE_AT_TAIL = `
  WITH last AS (SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1),
       forged AS (
         INSERT INTO audit_log (actor, actor_role, action, subject_type, subject_id, reason, detail, seq, prev_hash, hash)
         SELECT 'token:nobody', 'admin', 'incident.read', 'incident', 'made-up', 'looks genuine', '{}', last.seq + 1, last.hash, 'placeholder'
           FROM last RETURNING id)
  SELECT id FROM forged`
const HASH_BY_OLD_RULE = 'UPDATE audit_log a SET hash = audit_row_hash(a.prev_hash, a) WHERE id = $1'

t.test('an intact chain verifies, and the CLI says so', async (t) => {
  const r = await verifyAuditChain(db, KEY)
  t.match(r, { brokenAt: null, unkeyedRows: 0 })
  t.ok(r.rows >= 12)
  const out: string[] = []
  await runCli(['audit', 'verify'], db, (l) => out.push(l))
  t.match(out[0], /^audit chain intact: \d+ rows; last hash [0-9a-f]{64}/)
})

t.test('an edited row is named', async (t) => {
  await asIntruder(async (c) => {
    await c.query("UPDATE audit_log SET reason = 'quietly changed' WHERE id = 4")
    t.match(await verifyAuditChain(c, KEY), { brokenAt: 4, problem: /row 4 does not match its hash/ })
  })
  await asIntruder(async (c) => {
    // The old input joined fields with '|': moving a separator between two fields kept the hash.
    await c.query("UPDATE audit_log SET subject_id = subject_id || '|a', reason = 'b' WHERE id = 5")
    t.match(await verifyAuditChain(c, KEY), { brokenAt: 5 }, 'moving a field boundary is an edit too')
  })
})

t.test('a removed row is named by the row after it', async (t) => {
  await asIntruder(async (c) => {
    await c.query('DELETE FROM audit_log WHERE id = 6')
    t.match(await verifyAuditChain(c, KEY), { brokenAt: 7, problem: /row 7 does not follow/ })
  })
})

t.test('a row inserted with the triggers off, with a correct-looking unkeyed hash, is named', async (t) => {
  await asIntruder(async (c) => {
    const { rows } = await c.query<{ id: number }>(FORGE_AT_TAIL)
    await c.query(HASH_BY_OLD_RULE, [rows[0]!.id])
    const r = await verifyAuditChain(c, KEY)
    t.equal(r.brokenAt, Number(rows[0]!.id))
    t.match(r.problem, /unkeyed hash inside the keyed chain/)
    await t.rejects(runCli(['audit', 'verify'], c as unknown as Db, () => {}), /audit chain BROKEN/, 'the CLI fails')
  })
})

t.test('a row sealed under another key is named', async (t) => {
  await writeRows(db, 1, 100)
  const c = await db.connect()
  try {
    await c.query('BEGIN')
    await sealAuditLog(c, 'a-key-the-service-does-not-hold-0123456789')
    const { rows } = await c.query<{ id: number }>("SELECT id FROM audit_log WHERE subject_id = '100'")
    t.match(await verifyAuditChain(c, KEY), { brokenAt: Number(rows[0]!.id), problem: /does not match its hash/ })
  } finally {
    await c.query('ROLLBACK')
    c.release()
  }
})

t.test('re-ordered rows are named', async (t) => {
  await asIntruder(async (c) => {
    await c.query('UPDATE audit_log SET seq = -seq WHERE id IN (8, 9)')
    await c.query('UPDATE audit_log SET seq = CASE WHEN id = 8 THEN 9 ELSE 8 END WHERE id IN (8, 9)')
    t.match(await verifyAuditChain(c, KEY), { brokenAt: 9 })
  })
  await asIntruder(async (c) => {
    // Swapping two rows' contents, places and links kept intact: the keyed hash covers the place.
    await c.query(`UPDATE audit_log a SET actor = b.actor, subject_id = b.subject_id, detail = b.detail
                     FROM audit_log b WHERE (a.id, b.id) IN ((10, 11), (11, 10))`)
    t.match(await verifyAuditChain(c, KEY), { brokenAt: 10 })
  })
})

t.test('the whole chain rewritten by the unkeyed rule does not verify', async (t) => {
  await asIntruder(async (c) => {
    await c.query(`DO $$ DECLARE r audit_log; prev text := 'genesis'; BEGIN
      FOR r IN SELECT * FROM audit_log WHERE seq IS NOT NULL ORDER BY seq LOOP
        UPDATE audit_log a SET prev_hash = prev, hash = audit_row_hash(prev, a) WHERE id = r.id RETURNING hash INTO prev;
      END LOOP; END $$`)
    t.match(await verifyAuditChain(c, KEY), { problem: /no keyed row records the chain being keyed/ })
  })
})

t.test('rows are written unsealed: a sealed row cannot be inserted while the triggers are on', async (t) => {
  await t.rejects(db.query(FORGE_AT_TAIL), /written unsealed/)
  t.equal((await verifyAuditChain(db, KEY)).brokenAt, null, 'and the chain is untouched by all of the above')
})

t.test('a chain sealed by the old unkeyed rule carries on under the key after migration 015', async (t) => {
  const name = `enc_test_upgrade_${process.pid}`
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${name}`)
  await admin.query(`CREATE DATABASE ${name}`)
  const url = new URL(ADMIN_DATABASE_URL)
  url.pathname = `/${name}`
  const old = createPool(url.toString(), { max: 3 })
  const dir = await mkdtemp(join(tmpdir(), 'enc-migrations-'))
  t.teardown(async () => {
    await old.end()
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
    await rm(dir, { recursive: true })
  })
  // The schema as it was before 015, with a chain sealed by its SQL sealer.
  for (const f of await readdir(migrationsDir)) if (/^\d+_.+\.sql$/.test(f) && f < '015') await copyFile(join(migrationsDir, f), join(dir, f))
  await migrate(old, dir)
  await writeRows(old, 5)
  await old.query('SELECT seal_audit_log()')
  await writeRows(old, 2, 5) // written, not yet sealed, when the upgrade comes
  t.equal((await migrate(old)).filter((f) => f >= '015').length > 0, true, 'migration 015 applied')

  const r = await verifyAuditChain(old, KEY)
  t.match(r, { brokenAt: null, unkeyedRows: 5, rows: 8 }, 'the 5 old rows verify by the old rule, the rest by the key')
  const { rows: anchor } = await old.query("SELECT seq, detail FROM audit_log WHERE action = 'audit.chain-keyed'")
  t.match(anchor[0], { detail: { unkeyedRows: 5 } }, 'the upgrade is itself in the chain')
  const out: string[] = []
  await runCli(['audit', 'verify'], old, (l) => out.push(l))
  t.match(out[0], /intact: 8 rows \(the first 5 sealed before the chain was keyed\)/)
  await t.rejects(old.query('SELECT seal_audit_log()'), /does not exist/, 'nothing can seal by the old rule any more')

  await asIntruder(async (c) => {
    await c.query("UPDATE audit_log SET reason = 'changed' WHERE id = 2")
    t.match(await verifyAuditChain(c, KEY), { brokenAt: 2 }, 'an old row edited is still named')
  }, old)
  await asIntruder(async (c) => {
    const { rows } = await c.query<{ id: number }>(FORGE_AT_TAIL)
    await c.query(HASH_BY_OLD_RULE, [rows[0]!.id])
    t.match(await verifyAuditChain(c, KEY), { brokenAt: Number(rows[0]!.id), problem: /unkeyed hash inside the keyed chain/ },
      'an unkeyed row after the upgrade is named')
  }, old)
  await asIntruder(async (c) => {
    // Declaring the keyed rows old: rewriting them by the unkeyed rule.
    await c.query(`DO $$ DECLARE r audit_log; prev text; BEGIN
      SELECT hash INTO prev FROM audit_log WHERE seq = 5;
      FOR r IN SELECT * FROM audit_log WHERE seq > 5 ORDER BY seq LOOP
        UPDATE audit_log a SET prev_hash = prev, hash = audit_row_hash(prev, a) WHERE id = r.id RETURNING hash INTO prev;
      END LOOP; END $$`)
    t.match(await verifyAuditChain(c, KEY), { problem: /no keyed row records the chain being keyed/ }, 'the boundary cannot be moved')
  }, old)
})

t.test('AUDIT_HMAC_KEY is required in production, and a development default is marked as such', async (t) => {
  const prod = { NODE_ENV: 'production', ACK_LINK_SECRET: 'a'.repeat(32) }
  t.throws(() => loadConfig(prod), /AUDIT_HMAC_KEY: required in production/)
  t.throws(() => loadConfig({ ...prod, AUDIT_HMAC_KEY: 'too-short' }), /AUDIT_HMAC_KEY: must be at least 32 characters/)
  t.equal(loadConfig({ ...prod, AUDIT_HMAC_KEY: 'k'.repeat(32) }).AUDIT_HMAC_KEY, 'k'.repeat(32))
  const dev = loadConfig({})
  t.match(dev.AUDIT_HMAC_KEY, /^development-only/)
  t.ok(dev.defaultsInUse.some((d) => /AUDIT_HMAC_KEY unset: a development-only/.test(d)))
})
