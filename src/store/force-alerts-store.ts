// The never-silent monitor's reads and its alerts (queue/monitor.ts): per force, how long its feed
// has been quiet, how many notifications are overdue, how many children wait for a setting; and
// one open alert per force and kind (the `alerts` table), raised once per episode and cleared when
// the condition ends. Counts only, never a child.
import type { Queryable } from './db.js'

export interface ForceFeedState {
  code: string
  desk_email: string | null
  quiet_period_minutes: number
  last_received: Date | null
  overdue: number
  held: number
  held_long: number
  held_alert_open: boolean
}

export async function forceFeedStates(db: Queryable, now: Date, heldAlertMinutes: number): Promise<ForceFeedState[]> {
  const { rows } = await db.query<ForceFeedState>(
    `SELECT f.code, f.desk_email, f.quiet_period_minutes,
            (SELECT max(received_at) FROM incidents i WHERE i.force_code = f.code) AS last_received,
            (SELECT count(*) FROM notifications n
              WHERE n.force_code = f.code AND n.sent_at IS NULL AND n.status <> 'failed' AND n.due_by < $1)::int AS overdue,
            (SELECT count(*) FROM children c JOIN incidents i ON i.id = c.incident_id
              WHERE i.force_code = f.code AND c.match_status = 'unmatched' AND c.purged_at IS NULL)::int AS held,
            (SELECT count(*) FROM children c JOIN incidents i ON i.id = c.incident_id
              WHERE i.force_code = f.code AND c.match_status = 'unmatched' AND c.purged_at IS NULL
                AND c.held_at <= $1::timestamptz - make_interval(mins => $2))::int AS held_long,
            EXISTS (SELECT 1 FROM alerts a WHERE a.force_code = f.code AND a.kind = 'children-held' AND a.cleared_at IS NULL) AS held_alert_open
       FROM forces f`,
    [now, heldAlertMinutes],
  )
  return rows
}

/** Opens the force's alert of this kind; true when it was not open already (a new episode). */
export async function raiseForceAlert(db: Queryable, forceCode: string, kind: string, at: Date, detail: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO alerts (force_code, kind, raised_at, detail) VALUES ($1, $2, $3, $4)
     ON CONFLICT (force_code, kind) WHERE cleared_at IS NULL DO NOTHING`,
    [forceCode, kind, at, detail],
  )
  return rowCount === 1
}

/** Clears the force's open alert of this kind; true when one was open. */
export async function clearForceAlert(db: Queryable, forceCode: string, kind: string, at: Date): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE alerts SET cleared_at = $3 WHERE force_code = $1 AND kind = $2 AND cleared_at IS NULL', [forceCode, kind, at])
  return rowCount === 1
}
