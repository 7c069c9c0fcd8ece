// A follow-up: one more child on an incident already received (an officer finds a second child
// next morning). The child meets the intake's own rules on the date the police became aware, is
// stored under the incident's lock (the same child again is the child already there: idempotent),
// and is handed to the match queue like any child at intake.
import { childRuleErrors, type ChildInput, type FieldError } from '../domain/incident.js'
import { londonDateOf } from '../domain/london-time.js'
import type { Services } from '../services.js'
import { addChildToIncident, incidentAwareness } from '../store/incidents-store.js'
import { handOffMatch } from './hand-off.js'
import { noSettingLaErrors } from './receive-incident.js'

/** The contract's limit on children per incident, follow-ups included. */
export const MAX_CHILDREN_PER_INCIDENT = 20

export type ChildAdded =
  | { kind: 'not-found' }
  | { kind: 'rejected'; errors: FieldError[] }
  | { kind: 'same' | 'added'; childId: string }

export async function addChild(
  services: Services,
  from: { forceCode: string; ageBand: { ageMin: number; ageMax: number } },
  incidentId: string,
  child: ChildInput,
): Promise<ChildAdded> {
  const { db, clock, queues, metrics } = services
  const aware = await incidentAwareness(db, incidentId, from.forceCode)
  if (!aware) return { kind: 'not-found' }
  const errors = [...childRuleErrors(child, londonDateOf(aware), from.ageBand, ''), ...noSettingLaErrors(child, '')]
  if (errors.length > 0) return { kind: 'rejected', errors }
  const added = await addChildToIncident(db, incidentId, from.forceCode, child, MAX_CHILDREN_PER_INCIDENT, clock.now())
  if (added.kind === 'no-incident') return { kind: 'not-found' }
  if (added.kind === 'withdrawn') return { kind: 'rejected', errors: [{ path: '', message: 'the incident has been withdrawn: it takes no more children' }] }
  if (added.kind === 'full') return { kind: 'rejected', errors: [{ path: '', message: `the incident already has ${added.children} children, the most one incident may have` }] }
  if (added.kind === 'added') {
    metrics.incidentsReceived.inc({ outcome: 'child-added' })
    await handOffMatch(db, queues, added.rowIds)
    return { kind: 'added', childId: added.childId }
  }
  return added
}
