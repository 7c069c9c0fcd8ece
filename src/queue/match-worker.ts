// The match job: find the child's setting and its Key Adults. A child who cannot be placed is
// marked unmatched with the reason, visible to the force's officers, never dropped.
import { decideByUrn } from '../domain/matching.js'
import type { Services } from '../services.js'
import { withTransaction } from '../store/db.js'
import { getForce } from '../store/forces-store.js'
import { getSchool } from '../store/schools-store.js'
import { placeChild, scheduleTimers, type Placed } from './placement.js'

export async function processMatch(services: Services, childId: string): Promise<void> {
  const now = services.clock.now()
  const placed = await withTransaction(services.db, async (client): Promise<Placed | null> => {
    const { rows } = await client.query(
      `SELECT c.id, c.incident_id AS "incidentId", c.match_status AS "matchStatus", c.given_school_urn AS "givenUrn",
              i.force_code AS "forceCode", i.police_aware_at AS "policeAwareAt", i.received_at AS "receivedAt"
         FROM children c JOIN incidents i ON i.id = c.incident_id
        WHERE c.id = $1 FOR UPDATE OF c`,
      [childId],
    )
    const child = rows[0]
    if (!child || child.matchStatus !== 'pending') return null // done already, or by someone else
    const school = child.givenUrn ? await getSchool(client, child.givenUrn) : null
    const decision = decideByUrn(child.givenUrn, school)
    if (decision.status === 'unmatched') {
      await client.query(
        `UPDATE children SET match_status = 'unmatched', match_urn = $2, match_reason = $3, matched_at = NULL
          WHERE id = $1`,
        [childId, decision.urn, decision.reason],
      )
      services.metrics.matches.inc({ status: 'unmatched', how: decision.reason })
      services.logger.info({ childId, reason: decision.reason }, 'child held for review: no setting to notify')
      return null
    }
    const force = (await getForce(client, child.forceCode))!
    const p = await placeChild(client, child, school!, force, decision.method, now)
    services.metrics.matches.inc({ status: 'matched', how: decision.method })
    services.logger.info({ childId, notificationId: p.notificationId, urn: school!.urn, dueBy: p.dueBy }, 'child matched')
    return p
  })
  if (placed) await scheduleTimers(services, placed)
}
