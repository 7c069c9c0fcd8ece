// Retention (domain rule 12): the service is a conduit. Once a child's notification is closed —
// acknowledged, escalated to the force desk, or failed — and the retention period has passed, the
// child's name and date of birth and the incident's summary are removed, and with the first of them
// the incident's content fingerprint, from which they could be guessed back. Timings, match facts,
// the audit trail and so every report stay exactly as they were. Column by column: docs/purge.md.
import { audit } from './audit-store.js'
import { withTransaction, type Db } from './db.js'

export async function purgeExpiredPersonalData(db: Db, now: Date, retentionDays: number): Promise<{ children: number; incidents: number }> {
  return withTransaction(db, async (client) => {
    const cutoff = new Date(now.getTime() - retentionDays * 86_400_000)
    // A child is closed when its notification is closed, or when it never could be placed and
    // the incident itself is older than the period (unmatched children wait for review until then).
    const children = await client.query<{ id: string; incident_id: string }>(
      `UPDATE children c SET given_name = NULL, family_name = NULL, date_of_birth = NULL, purged_at = $1
         FROM incidents i
        WHERE i.id = c.incident_id AND c.purged_at IS NULL
          AND (EXISTS (SELECT 1 FROM notifications n WHERE n.child_id = c.id
                        AND GREATEST(n.acknowledged_at, n.desk_step_at, n.failed_at) <= $2)
               OR (NOT EXISTS (SELECT 1 FROM notifications n WHERE n.child_id = c.id) AND i.received_at <= $2))
        RETURNING c.id, c.incident_id`,
      [now, cutoff],
    )
    // The whole-content fingerprint covers every child's name and date of birth: it goes with the
    // first child purged. The record fingerprint (no personal fields) still tells a resubmission.
    if (children.rows.length > 0) {
      await client.query('UPDATE incidents SET content_hash = NULL WHERE id = ANY($1::uuid[]) AND content_hash IS NOT NULL',
        [[...new Set(children.rows.map((c) => c.incident_id))]])
    }
    // An incident's summary goes once none of its children still needs it.
    const incidents = await client.query<{ id: string }>(
      `UPDATE incidents i SET summary = NULL, content_hash = NULL, purged_at = $1
        WHERE i.purged_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM children c WHERE c.incident_id = i.id AND c.purged_at IS NULL)
          AND EXISTS (SELECT 1 FROM children c WHERE c.incident_id = i.id)
        RETURNING i.id`,
      [now],
    )
    if (children.rowCount || incidents.rowCount) {
      await audit(client, {
        at: now,
        actor: 'system',
        action: 'retention.purge',
        subjectType: 'children',
        reason: `personal details past ${retentionDays} days after closure`,
        detail: { children: children.rowCount, incidents: incidents.rowCount },
      })
    }
    return { children: children.rowCount ?? 0, incidents: incidents.rowCount ?? 0 }
  })
}
