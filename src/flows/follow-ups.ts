// The police's follow-ups on an incident already received (issue 14.4): withdrawing it, and
// correcting it. Each is one transaction in the store under the incident's lock; then the
// Key Adults already told are owed an e-mail (a withdrawal notice, or a correction), taken as a
// step on the escalate queue under the step's claim (flows/escalate.ts). If Redis is away the
// sweeper finds what is owed in Postgres. Adding a child is flows/add-child.ts.
import { checkCorrection, type CorrectionInput, type FieldError } from '../domain/incident.js'
import { bestEffort } from '../queue/queues.js'
import type { Services } from '../services.js'
import { correctIncident, withdrawIncident } from '../store/incidents-store.js'

export type Withdrawn = { kind: 'not-found' } | { kind: 'already' } | { kind: 'withdrawn'; stopped: number; toTell: number }

export async function withdraw(services: Services, forceCode: string, incidentId: string, reason: string): Promise<Withdrawn> {
  const { db, clock, queues, logger } = services
  const outcome = await withdrawIncident(db, incidentId, forceCode, reason, clock.now())
  if (outcome.kind !== 'withdrawn') return outcome
  for (const id of outcome.toTell) await bestEffort(() => queues.addEscalation(id, 'withdrawal', 0))
  logger.info({ incidentId, stopped: outcome.stopped, toTell: outcome.toTell.length }, 'incident withdrawn by the police')
  return { kind: 'withdrawn', stopped: outcome.stopped, toTell: outcome.toTell.length }
}

export type Corrected =
  | { kind: 'not-found' }
  | { kind: 'withdrawn' }
  | { kind: 'rejected'; errors: FieldError[] }
  | { kind: 'unchanged' }
  | { kind: 'corrected'; revision: number; changed: string[]; toTell: number }

export async function correct(
  services: Services,
  from: { forceCode: string; ageBand: { ageMin: number; ageMax: number } },
  incidentId: string,
  fix: CorrectionInput,
): Promise<Corrected> {
  const { db, clock, queues, logger } = services
  const now = clock.now()
  const outcome = await correctIncident(db, incidentId, from.forceCode, fix, now, (base) => checkCorrection(fix, base, from.ageBand))
  if (outcome.kind === 'unknown-child') {
    return { kind: 'rejected', errors: [{ path: `/children/${outcome.index}/id`, message: 'is not a child of this incident' }] }
  }
  if (outcome.kind === 'rejected') return { kind: 'rejected', errors: outcome.problems }
  if (outcome.kind !== 'corrected') return outcome
  for (const id of outcome.toTell) await bestEffort(() => queues.addEscalation(id, 'correction', 0))
  logger.info({ incidentId, revision: outcome.revision, fields: outcome.changed, toTell: outcome.toTell.length }, 'incident corrected by the police')
  return { kind: 'corrected', revision: outcome.revision, changed: outcome.changed, toTell: outcome.toTell.length }
}
