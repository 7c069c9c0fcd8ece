// Receiving a police incident: the rules checked against the caller's force (age band, dates),
// then the incident, its children and their "to match" state written in one statement, then the
// children's ids handed to the match queue (flows/hand-off.ts). A resubmission of the same
// reference with the same content is the same incident (nothing new); with different content it
// is a conflict naming the existing one. A child the police say is in no setting must name an LA
// of England or Wales (its contact is told: domain/no-setting.ts).
import { checkIncidentRules, incidentFingerprints, type ChildInput, type FieldError, type IncidentInput } from '../domain/incident.js'
import type { Services } from '../services.js'
import { submitIncident, type AcceptedIncident } from '../store/incidents-store.js'
import { isKnownLa } from '../store/la-contacts-store.js'
import { handOffMatch } from './hand-off.js'

export type Received =
  | { kind: 'rejected'; errors: ReturnType<typeof checkIncidentRules> }
  | { kind: 'conflict'; existingId: string; comparable: boolean }
  | { kind: 'replayed'; incident: AcceptedIncident }
  | { kind: 'accepted'; incident: AcceptedIncident }

export async function receiveIncident(
  services: Services,
  from: { forceCode: string; ageBand: Parameters<typeof checkIncidentRules>[1] },
  input: IncidentInput,
): Promise<Received> {
  const { db, clock, metrics, queues } = services
  const now = clock.now()
  const errors = [
    ...checkIncidentRules(input, from.ageBand, now),
    ...input.children.flatMap((c, i) => noSettingLaErrors(c, `/children/${i}`)),
  ]
  if (errors.length > 0) {
    metrics.incidentsReceived.inc({ outcome: 'rejected' })
    return { kind: 'rejected', errors }
  }
  const outcome = await submitIncident(db, from.forceCode, input, incidentFingerprints(input), now)
  if (outcome.kind === 'conflict') {
    metrics.incidentsReceived.inc({ outcome: 'conflict' })
    return outcome
  }
  if (outcome.kind === 'replayed') {
    metrics.incidentsReceived.inc({ outcome: 'replayed' })
    return outcome
  }
  metrics.incidentsReceived.inc({ outcome: 'accepted' })
  // Postgres has it all now. If Redis is away the sweeper enqueues these children later.
  await handOffMatch(db, queues, outcome.toMatch)
  return { kind: 'accepted', incident: outcome.incident }
}

/** A child in no setting must name an LA the directory knows, in England or Wales; paths under `at`. */
export function noSettingLaErrors(child: Pick<ChildInput, 'noSetting'>, at: string): FieldError[] {
  if (!child.noSetting || isKnownLa(child.noSetting.laCode)) return []
  return [{ path: `${at}/noSetting/laCode`, message: `${child.noSetting.laCode} is not a local authority of England or Wales` }]
}
