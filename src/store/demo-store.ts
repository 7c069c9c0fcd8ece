// Writes a generated demo year into the same tables the pipeline fills (incidents, children,
// notifications), in bulk. The invented Key Adults and children are clearly marked as demo data.
import { randomUUID } from 'node:crypto'
import type { DemoIncident } from '../demo/demo-year.js'
import { withTransaction, type Db, type Queryable } from './db.js'

const BATCH = 500

export async function writeDemoYear(db: Db, forceCode: string, incidents: DemoIncident[]): Promise<{ incidents: number; notifications: number }> {
  let notifications = 0
  for (let i = 0; i < incidents.length; i += BATCH) {
    const batch = incidents.slice(i, i + BATCH)
    notifications += await withTransaction(db, async (client) => {
      const ids = batch.map(() => randomUUID())
      await client.query(
        `INSERT INTO incidents (id, force_code, reference, content_hash, police_aware_at, incident_type, risk_level, received_at)
         SELECT u.id, $1, u.ref, 'demo', u.aware, u.type, u.risk, u.received
           FROM unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::timestamptz[])
                AS u(id, ref, aware, type, risk, received)`,
        [forceCode, ids, batch.map((x) => x.reference), batch.map((x) => x.policeAwareAt), batch.map((x) => x.incidentType),
          batch.map((x) => x.riskLevel), batch.map((x) => x.receivedAt)],
      )
      const rows = batch.flatMap((inc, k) => inc.children.map((c, pos) => ({ inc, c, pos, incidentId: ids[k]!, childId: randomUUID() })))
      await client.query(
        `INSERT INTO children (id, incident_id, position, given_name, family_name, date_of_birth, present, given_school_urn,
                               match_status, match_urn, match_method, match_reason, matched_at, match_enqueued_at)
         SELECT u.id, u.incident, u.pos, 'Demo', 'Child ' || u.pos, u.dob::date, u.present, u.urn,
                CASE WHEN u.matched THEN 'matched' ELSE 'unmatched' END, u.urn,
                CASE WHEN u.matched THEN 'urn' END, CASE WHEN u.matched THEN NULL ELSE 'no-school-given' END,
                CASE WHEN u.matched THEN u.matched_at END, u.matched_at
           FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::boolean[], $6::text[], $7::boolean[], $8::timestamptz[])
                AS u(id, incident, pos, dob, present, urn, matched, matched_at)`,
        [rows.map((r) => r.childId), rows.map((r) => r.incidentId), rows.map((r) => r.pos), rows.map((r) => r.c.dateOfBirth),
          rows.map((r) => r.c.present), rows.map((r) => r.c.urn), rows.map((r) => r.c.matched), rows.map((r) => r.c.matchedAt)],
      )
      const placed = rows.filter((r) => r.c.matched)
      const status = (c: DemoIncident['children'][number]) =>
        c.acknowledgedAt ? 'acknowledged' : c.deputiesAt || c.deskAt ? 'escalated' : 'sent'
      await client.query(
        `INSERT INTO notifications (id, child_id, incident_id, force_code, urn, la_code, status, police_aware_at, received_at,
           matched_at, due_by, school_day, send_after, message_id, sent_at, acknowledged_at, acknowledged_by,
           deputies_step_at, deputies_notified_at, desk_step_at, desk_alerted_at, attempts, smtp_response)
         SELECT u.id, u.child, u.incident, $1, u.urn, u.la, u.status, u.aware, u.received, u.matched, u.due, u.day::date,
                u.matched, '<' || u.id || '@encompass-notify>', u.sent, u.ack, CASE WHEN u.ack IS NOT NULL THEN 'demo' END,
                u.deputies, u.deputies, u.desk, u.desk, 1, '250 demo'
           FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::timestamptz[],
                       $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::text[], $13::timestamptz[],
                       $14::timestamptz[], $15::timestamptz[], $16::timestamptz[])
                AS u(id, child, incident, urn, la, status, aware, received, matched, due, day, sent, ack, deputies, desk)`,
        [forceCode, placed.map(() => randomUUID()), placed.map((r) => r.childId), placed.map((r) => r.incidentId),
          placed.map((r) => r.c.urn), placed.map((r) => r.c.laCode), placed.map((r) => status(r.c)),
          placed.map((r) => r.inc.policeAwareAt), placed.map((r) => r.inc.receivedAt), placed.map((r) => r.c.matchedAt),
          placed.map((r) => r.c.dueBy), placed.map((r) => r.c.schoolDay), placed.map((r) => r.c.sentAt),
          placed.map((r) => r.c.acknowledgedAt), placed.map((r) => r.c.deputiesAt), placed.map((r) => r.c.deskAt)],
      )
      return placed.length
    })
  }
  return { incidents: incidents.length, notifications }
}

/** True when the force already has demo incidents (references starting `prefix`). */
export async function demoSeeded(db: Queryable, forceCode: string, prefix: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM incidents WHERE force_code = $1 AND starts_with(reference, $2) LIMIT 1', [forceCode, prefix])
  return (rowCount ?? 0) > 0
}

/** The open settings of these LAs, by URN: the demo gives each invented Key Adults. */
export async function openSchoolsIn(db: Queryable, laCodes: string[]): Promise<{ urn: string; la_code: string; name: string }[]> {
  const { rows } = await db.query<{ urn: string; la_code: string; name: string }>(
    'SELECT urn, la_code, name FROM schools WHERE la_code = ANY($1::text[]) AND open ORDER BY urn',
    [laCodes],
  )
  return rows
}

/** The demo setting with the most notifications since `since`, and its DSL: the Key Adult the README signs in as. */
export async function busiestDemoSetting(db: Queryable, forceCode: string, since: Date): Promise<{ urn: string; name: string; dslName: string; dslEmail: string } | null> {
  const { rows } = await db.query<{ urn: string; name: string; dslName: string; dslEmail: string }>(
    `SELECT s.urn, s.name, c.name AS "dslName", c.email AS "dslEmail"
       FROM notifications n JOIN schools s ON s.urn = n.urn
       JOIN school_contacts c ON c.urn = n.urn AND c.role = 'dsl'
      WHERE n.force_code = $1 AND n.police_aware_at >= $2
      GROUP BY s.urn, s.name, c.name, c.email
      ORDER BY count(*) DESC, s.urn LIMIT 1`,
    [forceCode, since],
  )
  return rows[0] ?? null
}
