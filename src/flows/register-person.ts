// Registering a person who signs in by e-mailed link: POST /v1/people (administrators) and the
// /people page (administrators, and LA administrators within their own LA codes). The shape is
// domain/people.ts's; this adds what needs the database: the force and the setting must exist,
// an LA administrator may register only LA administrators of their own LA codes and Key Adults of
// their own LAs' settings, and an address has each role once. Audited against whoever registered.
import type { NewPerson } from '../domain/people.js'
import type { Services } from '../services.js'
import { audit } from '../store/audit-store.js'
import { withTransaction } from '../store/db.js'
import { getForce } from '../store/forces-store.js'
import { disablePerson, getPerson, registerPerson, type Person } from '../store/people-store.js'
import { getSchool } from '../store/schools-store.js'

export interface Registrar {
  actor: string
  actorRole: string
  /** An LA administrator's LA codes; undefined for an administrator (no limit). */
  laCodes?: string[] | undefined
  requestId: string
}

export type Registration = { person: Person } | { problems: { path: string; message: string }[] } | { conflict: string }

export async function registerPersonChecked(services: Services, p: NewPerson, by: Registrar): Promise<Registration> {
  const { db, clock } = services
  const problems: { path: string; message: string }[] = []
  if (p.force && !(await getForce(db, p.force))) problems.push({ path: '/force', message: 'is not a force on file (add it with PUT /v1/forces/{code})' })
  const school = p.urn ? await getSchool(db, p.urn) : null
  if (p.urn && !school) problems.push({ path: '/urn', message: 'is not a setting on file' })
  if (by.laCodes) {
    const own = new Set(by.laCodes)
    if (p.role !== 'la-admin' && p.role !== 'key-adult') problems.push({ path: '/role', message: 'an LA administrator may register LA administrators and Key Adults only' })
    for (const [i, code] of (p.laCodes ?? []).entries()) {
      if (!own.has(code)) problems.push({ path: `/laCodes/${i}`, message: 'is not one of your LA codes' })
    }
    if (school && (!school.laCode || !own.has(school.laCode))) problems.push({ path: '/urn', message: 'is not a setting in your LA' })
  }
  if (problems.length) return { problems }
  return withTransaction(db, async (client) => {
    const now = clock.now()
    const r = await registerPerson(client, p, by.actor, now)
    if ('conflict' in r) return r
    await audit(client, {
      at: now, actor: by.actor, actorRole: by.actorRole, action: 'person.register', subjectType: 'person', subjectId: r.person.id,
      reason: 'registered a person to sign in', detail: { requestId: by.requestId, role: p.role, force: p.force ?? null, urn: p.urn ?? null, laCodes: p.laCodes ?? [] },
    })
    return r
  })
}

/**
 * Disables a person (their sessions end at once, no more links); an LA administrator only people of
 * their own LA codes or settings. Null when the person is unknown or outside the caller's LA.
 */
export async function disablePersonChecked(services: Services, personId: string, by: Registrar): Promise<Person | null> {
  const { db, clock } = services
  const person = await getPerson(db, personId)
  if (!person) return null
  if (by.laCodes) {
    const own = new Set(by.laCodes)
    const school = person.urn ? await getSchool(db, person.urn) : null
    const inLa = (person.role === 'la-admin' && person.laCodes.every((c) => own.has(c))) || (school?.laCode != null && own.has(school.laCode))
    if (!inLa) return null
  }
  return withTransaction(db, async (client) => {
    const now = clock.now()
    const disabled = await disablePerson(client, personId, now)
    await audit(client, {
      at: now, actor: by.actor, actorRole: by.actorRole, action: 'person.disable', subjectType: 'person', subjectId: personId,
      reason: 'disabled a person: their sessions end and no sign-in link is sent', detail: { requestId: by.requestId, role: person.role },
    })
    return disabled
  })
}
