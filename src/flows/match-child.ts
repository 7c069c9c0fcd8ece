// Matching a child (the match job): find the child's setting and its Key Adults. The strategies run in order —
// the URN given, the name and/or postcode given (searched over the whole register), the local
// authority's pupil roll — and each match records its method, its confidence and the candidates
// considered (register facts only). A child who cannot be placed is held as unmatched with the
// reason, for the force's officers to settle in the review queue; never guessed, never dropped.
// A child with no setting goes to one of its LA's contacts instead: health visiting for an
// under-5, else children's services (domain/no-setting.ts). A child the police said is in no
// setting is still looked for on the pupil roll: an open setting the roll names for the child is
// told (the LA's current record may know of a nursery the officer did not); anything else the roll
// says (no setting, not found, unsure) leaves the child with the contact of the LA the police gave.
// When the directory is what holds a child back (a closed setting, no named Key Adult, no LA
// contact) administrators are alerted. An officer's assignment (assignSetting) places a child the
// same way.
import { childToPlace, holdChild, holdFailedMatch, lockChildToPlace, rematchHeldChildren, type ChildToPlace } from '../store/incidents-store.js'
import { hasKeyAdult } from '../domain/contacts.js'
import { decideByUrn, DIRECTORY_REASONS, type MatchCandidate, type MatchMethod, type UnmatchedReason } from '../domain/matching.js'
import { routeNoSetting, type LaService } from '../domain/no-setting.js'
import { decidePupilRoll } from '../domain/pupil-names.js'
import { CalendarError } from '../domain/school-calendar.js'
import { MIN_NAME_SCORE, type ScoredCandidate } from '../domain/school-names.js'
import type { Services } from '../services.js'
import { withTransaction, type Queryable, type TxClient } from '../store/db.js'
import { currentDirectoryIndex, inEnglandOrWales, type DirectoryIndex } from '../store/directory-search.js'
import {
  clearResolvedDirectoryAlerts,
  getLaContacts,
  isLaContactUrn,
  isKnownLa,
  raiseDirectoryAlert,
  type DirectoryAlertKind,
  type LaServiceContact,
} from '../store/la-contacts-store.js'
import { rollEntriesBornOn } from '../store/pupil-roll-store.js'
import { getSchool, type School } from '../store/schools-store.js'
import { handOffMatch } from './hand-off.js'
import { placeChild, scheduleDelivery, type Placed, type Placement } from './place-child.js'

type ChildRow = ChildToPlace

/** The settings a match looks at, each read once per match. */
type SchoolLookup = (urn: string) => Promise<School | null>
function schoolLookup(client: Queryable): SchoolLookup {
  const seen = new Map<string, Promise<School | null>>()
  return (urn) => {
    let s = seen.get(urn)
    if (!s) seen.set(urn, (s = getSchool(client, urn)))
    return s
  }
}

/** What the strategies found. */
type Finding =
  | { kind: 'setting'; urn: string; method: Exclude<MatchMethod, 'manual'>; confidence: number }
  | { kind: 'no-setting'; laCode: string; method: 'pupil-roll' | 'manual' | 'no-setting-given'; confidence: number }
  | { kind: 'none'; reason: UnmatchedReason; urn: string | null }

type HeldAlert = { kind: DirectoryAlertKind; urn: string | null; laCode: string | null }

interface Outcome {
  placed: Placed | null
  /** A directory alert this hold raised (written with the hold); opened: a new one. */
  alert: (HeldAlert & { opened: boolean }) | null
  log: Record<string, unknown>
}

export async function matchChild(services: Services, childId: string): Promise<void> {
  const { db } = services
  const now = services.clock.now()
  // No transaction: every read goes to the pool, and the one write that settles the child (placed
  // with its notification, or held) is a single statement that applies only while the child is
  // still pending, so two jobs racing for one child settle it once.
  const child = await childToPlace(db, childId)
  if (!child || child.matchStatus !== 'pending') return // done already, or by someone else
  const candidates: MatchCandidate[] = []
  const schoolOf = schoolLookup(db)
  const finding = await findSetting(db, schoolOf, () => currentDirectoryIndex(db), child, candidates)
  const outcome = await settle(services, db, schoolOf, child, finding, candidates, now, ['pending'])
  if (!outcome) return
  await afterSettled(services, childId, outcome)
}

async function findSetting(
  client: Queryable,
  schoolOf: SchoolLookup,
  index: () => Promise<DirectoryIndex>,
  child: ChildRow,
  candidates: MatchCandidate[],
): Promise<Finding> {
  let found: Finding | null = null
  let reason: UnmatchedReason = 'no-school-given'
  let reasonUrn: string | null = null
  const named = { name: child.givenSchoolName, postcode: child.givenSchoolPostcode }
  const hasNameOrPostcode = Boolean(child.givenSchoolName || child.givenSchoolPostcode)

  // 1. The URN given, when the directory holds it (any LA in England or Wales) and agrees with
  //    any name or postcode typed beside it: a slipped digit lands on another real school, which
  //    must not be told about this child.
  if (child.givenUrn) {
    const school = isLaContactUrn(child.givenUrn) ? null : await schoolOf(child.givenUrn)
    if (school && inEnglandOrWales(school.laCode)) {
      if (!hasNameOrPostcode) {
        candidates.push(candidateOf(school, 1, 'urn'))
        found = { kind: 'setting', urn: school.urn, method: 'urn', confidence: 1 }
      } else {
        const idx = await index()
        const a = idx.agreement(school, named)
        candidates.push(candidateOf(school, a.score, 'urn'))
        const disagrees = child.givenSchoolName ? a.nameScore < MIN_NAME_SCORE : a.location === 'conflict'
        if (!disagrees) {
          found = { kind: 'setting', urn: school.urn, method: 'urn', confidence: 1 }
        } else {
          // Show the officer what the name and postcode point to as well; decide nothing.
          const d = idx.decide(named)
          candidates.push(...d.candidates.filter((c) => c.urn !== school.urn).map(scoredCandidateOf))
          return { kind: 'none', reason: 'urn-disagrees', urn: school.urn }
        }
      }
    } else {
      reason = 'unknown-urn'
      reasonUrn = child.givenUrn
    }
  }

  // 2. A name and/or postcode, over the whole register, open and closed.
  if (!found && hasNameOrPostcode) {
    const d = (await index()).decide(named)
    candidates.push(...d.candidates.map((c) => scoredCandidateOf(c)))
    if (d.kind === 'identified') found = { kind: 'setting', urn: d.candidate.urn, method: 'name-postcode', confidence: d.candidate.score }
    else if (reason !== 'unknown-urn' || d.reason !== 'name-postcode-not-found') reason = d.reason
  }

  // 3. The pupil roll: when nothing was found, or what was found has closed (the roll is the LA's
  //    current record of where the child is).
  const isOpen = async (urn: string) => (await schoolOf(urn))?.open ?? false
  const closedFind = found?.kind === 'setting' && !(await isOpen(found.urn))
  if ((!found || closedFind) && child.givenName && child.familyName && child.dateOfBirth) {
    const r = decidePupilRoll({ givenName: child.givenName, familyName: child.familyName }, await rollEntriesBornOn(client, child.dateOfBirth))
    if (r.kind !== 'none') {
      for (const m of r.matches) {
        if (m.urn === null || candidates.some((c) => c.urn === m.urn && c.method === 'pupil-roll')) continue
        const s = await schoolOf(m.urn)
        candidates.push(s ? candidateOf(s, m.score, 'pupil-roll') : { urn: m.urn, name: null, postcode: null, laCode: null, open: null, score: m.score, method: 'pupil-roll' })
      }
    }
    if (r.kind === 'identified') {
      const roll: Finding =
        r.match.urn === null
          ? { kind: 'no-setting', laCode: r.match.laCode, method: 'pupil-roll', confidence: r.match.score }
          : { kind: 'setting', urn: r.match.urn, method: 'pupil-roll', confidence: r.match.score }
      if (!found || roll.kind === 'no-setting' || (roll.kind === 'setting' && (await isOpen(roll.urn)))) found = roll
    } else if (r.kind === 'ambiguous' && !found) {
      reason = 'pupil-roll-ambiguous'
    } else if (r.kind === 'uncertain' && !found) {
      reason = 'pupil-roll-low-confidence'
    }
  }
  // 4. The police said the child is in no setting: unless the roll found an open setting, the
  //    contact of the LA the police gave (where the child lives) is told.
  if (child.noSettingLa && !(found?.kind === 'setting' && (await isOpen(found.urn)))) {
    return { kind: 'no-setting', laCode: child.noSettingLa, method: 'no-setting-given', confidence: 1 }
  }
  return found ?? { kind: 'none', reason, urn: reasonUrn }
}


const candidateOf = (s: School, score: number, method: MatchCandidate['method']): MatchCandidate => ({
  urn: s.urn,
  name: s.name,
  postcode: s.postcode,
  laCode: s.laCode,
  open: s.open,
  score,
  method,
})

const scoredCandidateOf = (c: ScoredCandidate): MatchCandidate => ({
  urn: c.urn,
  name: c.name,
  postcode: c.postcode,
  laCode: c.laCode,
  open: c.open,
  score: c.score,
  method: 'name-postcode',
})

/**
 * Places the child as found, or holds it for review with the reason. Null when another job settled
 * the child first (the write found it no longer in one of `from`).
 */
async function settle(
  services: Services,
  db: Queryable,
  schoolOf: SchoolLookup,
  child: ChildRow,
  finding: Finding,
  candidates: MatchCandidate[],
  now: Date,
  from: Placement['from'],
): Promise<Outcome | null> {
  const { force } = child
  if (finding.kind === 'none') return hold(db, child, { reason: finding.reason, urn: finding.urn, confidence: null, candidates, now, from })

  if (finding.kind === 'no-setting') {
    const la = await laContactFor(db, child, finding.laCode)
    if (!la) {
      return hold(db, child, {
        reason: 'no-la-contact', urn: null, confidence: finding.confidence, candidates, now, from,
        alert: { kind: 'no-la-contact', urn: null, laCode: finding.laCode },
      })
    }
    const placed = await placeChild(db, child, { urn: la.contact.urn, laCode: finding.laCode, dayStartsAt: null }, force, {
      method: finding.method, from, now, confidence: finding.confidence, candidates, reason: la.reason, status: 'no-setting',
    })
    if (!placed) return null
    services.metrics.matches.inc({ status: 'no-setting', how: finding.method })
    return { placed, alert: null, log: { status: 'no-setting', method: finding.method, laCode: finding.laCode, service: la.service, confidence: finding.confidence, notificationId: placed.notificationId } }
  }

  const school = await schoolOf(finding.urn)
  const decision = decideByUrn(finding.urn, school, finding.method)
  if (decision.status === 'unmatched') {
    const alert = DIRECTORY_REASONS.includes(decision.reason)
      ? { kind: decision.reason as DirectoryAlertKind, urn: finding.urn, laCode: school?.laCode ?? null }
      : undefined
    return hold(db, child, { reason: decision.reason, urn: finding.urn, confidence: finding.confidence, candidates, now, from, alert })
  }
  const placed = await placeChild(db, child, school!, force, { method: finding.method, from, now, confidence: finding.confidence, candidates })
  if (!placed) return null
  services.metrics.matches.inc({ status: 'matched', how: finding.method })
  return { placed, alert: null, log: { status: 'matched', method: finding.method, urn: finding.urn, confidence: finding.confidence, notificationId: placed.notificationId, dueBy: placed.dueBy } }
}

/**
 * The LA contact a child with no setting goes to (domain/no-setting.ts), with the reason its match
 * records; null when the LA has no contact that fits (the child is held and administrators alerted).
 */
async function laContactFor(
  db: Queryable,
  child: Pick<ChildRow, 'dateOfBirth' | 'policeAwareAt'>,
  laCode: string,
): Promise<{ service: LaService; contact: LaServiceContact; reason: string } | null> {
  const contacts = await getLaContacts(db, laCode)
  const configured = new Set(
    (Object.entries(contacts) as [LaService, LaServiceContact | null][]).filter(([, c]) => c && hasKeyAdult(c.contacts)).map(([s]) => s),
  )
  const route = routeNoSetting(child, laCode, configured)
  if (route.kind === 'none') return null
  return { service: route.service, contact: contacts[route.service]!, reason: route.reason }
}

/**
 * Holds the child for review, with the reason, the candidates and when it was first held; and,
 * when the directory is what holds it, the administrators' alert, in the same statement (a crash
 * cannot leave one without the other). Null when the child was no longer in one of `from`.
 */
async function hold(
  db: Queryable,
  child: ChildRow,
  h: { reason: UnmatchedReason; urn: string | null; confidence: number | null; candidates: MatchCandidate[]; now: Date; from: Placement['from']; alert?: HeldAlert | undefined },
): Promise<Outcome | null> {
  const r = await holdChild(db, child.id, h)
  if (!r.held) return null
  return {
    placed: null,
    alert: h.alert ? { ...h.alert, opened: r.alertOpened } : null,
    log: { status: 'unmatched', reason: h.reason, urn: h.urn, confidence: h.confidence, candidates: h.candidates.length },
  }
}

/** Timers on the queues, administrators told; logs carry ids, methods and scores, never names. */
async function afterSettled(services: Services, childId: string, outcome: Outcome): Promise<void> {
  const { logger, metrics } = services
  if (outcome.placed) {
    logger.info({ childId, ...outcome.log }, outcome.log.status === 'no-setting' ? `child has no setting: the LA's ${String(outcome.log.service).replace('-', ' ')} contact to be told` : 'child matched')
    await scheduleDelivery(services, outcome.placed, { sendNow: true })
    return
  }
  metrics.matches.inc({ status: 'unmatched', how: String(outcome.log.reason) })
  logger.info({ childId, ...outcome.log }, 'child held for review: no setting to notify')
  if (outcome.alert) announceAlert(services, outcome.alert)
}

/** Log line and metric for a directory alert a transaction has just opened. */
function announceAlert(services: Services, alert: HeldAlert & { opened: boolean }): void {
  if (!alert.opened) return
  const { opened: _, ...subject } = alert
  services.metrics.alerts.inc({ kind: alert.kind })
  services.logger.error({ ...subject }, 'ALERT: the directory is holding a child back; an administrator must fix the setting or its Key Adults')
}

/**
 * The match job gave up (queue/job-failures.ts): the child waits in its force's review queue as
 * 'match-failed' with the reason, for an officer to place by hand. Returns the child's force.
 */
export async function giveUpMatch(services: Services, childId: string, reason: string): Promise<string | null> {
  const { held, forceCode } = await holdFailedMatch(services.db, childId, reason, services.clock.now())
  if (held) services.metrics.matches.inc({ status: 'unmatched', how: 'match-failed' })
  return forceCode
}

/**
 * Once an administrator has fixed what held them (a named Key Adult, a children's services
 * contact), the children the directory held go back to be matched: marked pending in Postgres,
 * then their ids to the queue (if Redis is away, the sweeper enqueues them). Returns how many.
 */
export async function rematchHeld(services: Services, held: Parameters<typeof rematchHeldChildren>[1]): Promise<number> {
  const ids = await rematchHeldChildren(services.db, held, services.clock.now())
  await handOffMatch(services.db, services.queues, ids)
  return ids.length
}

// ---------------------------------------------------------------------------------------------
// An officer's (or administrator's) assignment from the review queue

export type Assignment = { urn: string } | { noSetting: { laCode: string } }

/** A person may place a child the service held, or one it has not matched yet. */
const ASSIGNABLE = ['pending', 'unmatched'] as const

export type AssignResult =
  | { kind: 'placed'; status: 'matched' | 'no-setting'; urn: string; notificationId: string; dueBy: Date; matchedAt: Date }
  | { kind: 'not-found' }
  | { kind: 'already'; status: string }
  | { kind: 'purged' }
  | { kind: 'refused'; reason: UnmatchedReason | 'unknown-la' | 'calendar'; detail: string }

/**
 * Places a child where a person says. `forceCode` limits it to that force's incidents (police);
 * null for an administrator. A setting that is closed or has no named Key Adult is refused and
 * the child stays held, unchanged; a missing Key Adult (or children's services contact) alerts
 * administrators. `record` runs in the same transaction once the outcome is known (the audit
 * entry), so a placement is never left without its record, nor a record without its placement.
 */
export async function assignSetting(
  services: Services,
  target: { incidentId: string; childId: string; forceCode: string | null },
  assignment: Assignment,
  record: (client: TxClient, result: AssignResult) => Promise<void> = async () => {},
): Promise<AssignResult> {
  const now = services.clock.now()
  const result = await withTransaction(services.db, async (client) => {
    const r = await decideAssignment(client, target, assignment, now).catch((err: unknown) => {
      // No deadline can be computed (the police date is out of range, the setting's calendar has
      // no pupil day): nothing was written; the officer is told why.
      if (!(err instanceof CalendarError)) throw err
      return { result: { kind: 'refused', reason: 'calendar', detail: err.message } as AssignResult, placed: null, alert: null }
    })
    if (r.result.kind !== 'not-found') await record(client, r.result)
    return r
  })
  if (result.placed) {
    services.metrics.matches.inc({ status: result.result.kind === 'placed' ? result.result.status : 'matched', how: 'manual' })
    services.logger.info({ childId: target.childId, notificationId: result.placed.notificationId, method: 'manual' }, 'child placed by an officer')
    // A person's request: the send goes to the notify queue, never out of the request itself.
    await scheduleDelivery(services, result.placed, { sendNow: false })
    await clearResolvedDirectoryAlerts(services.db, now)
  }
  if (result.alert) announceAlert(services, result.alert)
  return result.result
}

/** The directory alert, in the transaction that refuses the assignment. */
async function raise(client: Queryable, alert: HeldAlert, now: Date): Promise<HeldAlert & { opened: boolean }> {
  return { ...alert, opened: await raiseDirectoryAlert(client, alert, now) }
}

async function decideAssignment(
  client: TxClient,
  target: { incidentId: string; childId: string; forceCode: string | null },
  assignment: Assignment,
  now: Date,
): Promise<{ result: AssignResult; placed: Placed | null; alert: Outcome['alert'] }> {
  const none = { placed: null, alert: null }
  const child = await lockChildToPlace(client, target.childId, target.incidentId)
  if (!child || (target.forceCode !== null && child.forceCode !== target.forceCode)) return { result: { kind: 'not-found' }, ...none }
  if (child.matchStatus === 'matched' || child.matchStatus === 'no-setting') return { result: { kind: 'already', status: child.matchStatus }, ...none }
  // Past retention the child's name and date of birth are gone: nothing a Key Adult could act on.
  if (child.purged) return { result: { kind: 'purged' }, ...none }
  const { force } = child

  if ('noSetting' in assignment) {
    const { laCode } = assignment.noSetting
    if (!isKnownLa(laCode)) {
      return { result: { kind: 'refused', reason: 'unknown-la', detail: `${laCode} is not a local authority of England or Wales` }, ...none }
    }
    const la = await laContactFor(client, child, laCode)
    if (!la) {
      const alert = await raise(client, { kind: 'no-la-contact', urn: null, laCode }, now)
      const detail = `LA ${laCode} has no children's services contact on record (nor health visiting, for a child under 5); an administrator has been alerted`
      return { result: { kind: 'refused', reason: 'no-la-contact', detail }, placed: null, alert }
    }
    const placed = (await placeChild(client, child, { urn: la.contact.urn, laCode, dayStartsAt: null }, force, {
      method: 'manual', from: ASSIGNABLE, now, confidence: 1, reason: la.reason, status: 'no-setting',
    }))! // the child is locked FOR UPDATE and was checked to be waiting
    return { result: { kind: 'placed', status: 'no-setting', urn: la.contact.urn, notificationId: placed.notificationId, dueBy: placed.dueBy, matchedAt: now }, placed, alert: null }
  }

  const school = isLaContactUrn(assignment.urn) ? null : await getSchool(client, assignment.urn)
  const decision = decideByUrn(assignment.urn, school && inEnglandOrWales(school.laCode) ? school : null, 'manual')
  if (decision.status === 'unmatched') {
    // The officer has found the setting; if only its Key Adults are missing, administrators must act.
    const alert = decision.reason === 'no-key-adult' ? await raise(client, { kind: 'no-key-adult', urn: assignment.urn, laCode: school?.laCode ?? null }, now) : null
    const detail: Record<string, string> = {
      'unknown-urn': `URN ${assignment.urn} is not in the directory of settings in England and Wales`,
      'setting-closed': `URN ${assignment.urn} is a closed setting`,
      'no-key-adult': `URN ${assignment.urn} has no named Key Adult on record; an administrator has been alerted`,
    }
    return { result: { kind: 'refused', reason: decision.reason, detail: detail[decision.reason] ?? decision.reason }, placed: null, alert }
  }
  const placed = (await placeChild(client, child, school!, force, { method: 'manual', from: ASSIGNABLE, now, confidence: 1 }))!
  return { result: { kind: 'placed', status: 'matched', urn: school!.urn, notificationId: placed.notificationId, dueBy: placed.dueBy, matchedAt: now }, placed, alert: null }
}
