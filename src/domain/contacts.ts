// Key Adults must be named, trained people (domain rule 4). A generic role inbox — office@,
// admin@, enquiries@ — is a known cause of lost notifications, so it is refused at the door, as
// is an LA team's shared inbox (the MASH, the front door, the duty desk) for children's services.
import { z } from 'zod'
import { boundedDate } from './date-bounds.js'
import { plainText } from './text.js'

const GENERIC_WORDS = new Set([
  'office', 'admin', 'administration', 'administrator', 'enquiries', 'enquiry', 'info', 'information', 'reception',
  'contact', 'contactus', 'contacts', 'mail', 'email', 'post', 'general', 'school', 'schools', 'head', 'headteacher',
  'headoffice', 'secretary', 'schooloffice', 'admissions', 'finance', 'hello', 'noreply', 'donotreply', 'safeguarding',
  'dsl', 'dsls', 'team', 'staff', 'support', 'frontoffice', 'main', 'inbox', 'welcome', 'postmaster', 'webmaster',
  'bursar', 'clerk', 'governors', 'attendance', 'pastoral', 'senco', 'sendco',
  // LA children's services teams
  'mash', 'frontdoor', 'duty', 'dutyteam', 'referrals', 'referral', 'childrensservices', 'childrenservices',
  'socialcare', 'csc', 'helpdesk', 'contactcentre', 'customerservices', 'ehe', 'education', 'earlyhelp',
])

/**
 * True for an address that names a role or a team rather than a person: its local part (any
 * +tag left out), or its first word, is a role word — office@, office1@, office+oe@,
 * office.stmarys@, admin-office@, mash.team@. jo.bloggs@ and a.head@ are people.
 */
export function isGenericRoleAddress(email: string): boolean {
  const local = email.split('@')[0]!.toLowerCase().replace(/\+.*$/, '')
  const words = local.split(/[._-]+/).map((w) => w.replace(/\d+$/, '')).filter(Boolean)
  if (words.length === 0) return true
  const squashed = words.join('')
  return GENERIC_WORDS.has(squashed) || GENERIC_WORDS.has(words[0]!)
}

// ---------------------------------------------------------------------------------------------
// Who counts as a Key Adult, a deputy, or an LA's children's services contact: the one rule that
// every door keeping the directory applies (PUT /v1/schools, PUT .../childrens-services, the CLI's
// `la-contacts set`), and the one reading of a stored contact list that the workers use.

/** A setting's Key Adults: its designated safeguarding lead(s) and deputies. */
export const KEY_ADULT_ROLES = ['dsl', 'deputy'] as const
/** An LA's children's services, told when a child has no setting: a lead and any deputies. */
export const LA_CONTACT_ROLES = ['lead', 'deputy'] as const
export const MAX_CONTACTS = 20

export type KeyAdultRole = (typeof KEY_ADULT_ROLES)[number]
export type LaContactRole = (typeof LA_CONTACT_ROLES)[number]

function personSchema<R extends readonly [string, ...string[]]>(roles: R) {
  return z.strictObject({
    role: z.enum(roles, { message: `must be ${roles.map((r) => `'${r}'`).join(' or ')}` }),
    name: plainText(z.string().trim().min(2, 'must name the person').max(200)),
    email: z.email({ message: 'must be an e-mail address' }).max(254),
    phone: z.string().trim().max(40).regex(/^[0-9 +()-]*$/, 'must be a telephone number').optional().nullable(),
  })
}

/** The date a Key Adult last completed safeguarding training (never after today: see keyAdultChanges). */
const trainedOnSchema = boundedDate('must be a date YYYY-MM-DD').optional().nullable()

/** One of a setting's Key Adults, as administrators give it. */
export const keyAdultSchema = personSchema(KEY_ADULT_ROLES).extend({ trainedOn: trainedOnSchema })
/** One named person of an LA's children's services, as administrators give it. */
export const laContactSchema = personSchema(LA_CONTACT_ROLES)

export interface ContactProblem {
  path: string
  message: string
}

/**
 * What is wrong with a contact list beyond its shape: a generic role inbox anywhere (each named
 * by its index), a training date after `today` (when given), and, for an LA's children's
 * services, no lead. Empty when the list may be kept.
 */
export function contactListProblems(
  contacts: readonly { role: string; email: string; trainedOn?: string | null | undefined }[],
  kind: 'setting' | 'la',
  today?: string,
): ContactProblem[] {
  const problems = contacts.flatMap((c, i) => [
    ...(isGenericRoleAddress(c.email) ? [{ path: `/contacts/${i}/email`, message: 'must be a named person’s address, not a generic role inbox' }] : []),
    ...(today !== undefined && c.trainedOn && c.trainedOn > today ? [{ path: `/contacts/${i}/trainedOn`, message: 'must not be in the future' }] : []),
  ])
  if (problems.length > 0) return problems
  if (kind === 'la' && !contacts.some((c) => c.role === 'lead')) {
    return [{ path: '/contacts', message: 'must name a lead (role "lead"), as well as any deputies' }]
  }
  return []
}

/**
 * An LA's lead is kept as its "setting's" DSL (la-contacts-store keeps the LA as a setting of its
 * own), so every worker reads one kind of contact list.
 */
export const storedRoleOf = (role: LaContactRole): KeyAdultRole => (role === 'lead' ? 'dsl' : 'deputy')
export const laRoleOf = (role: KeyAdultRole): LaContactRole => (role === 'dsl' ? 'lead' : 'deputy')

/** A setting (or an LA's children's services) may be sent to only with a named person on record. */
export const hasKeyAdult = (contacts: readonly unknown[]): boolean => contacts.length > 0

/** The deputies of a stored contact list. */
export function deputiesOf<C extends { role: KeyAdultRole; email: string }>(contacts: readonly C[]): string[] {
  return contacts.filter((c) => c.role === 'deputy').map((c) => c.email)
}

/** Who gets the first e-mail: the DSL(s), copying deputies when the force asks for it. */
export function firstRecipients<C extends { role: KeyAdultRole; email: string }>(
  contacts: readonly C[],
  copyDeputies: boolean,
): { to: string[]; cc: string[] } {
  const dsl = contacts.filter((c) => c.role === 'dsl').map((c) => c.email)
  const deputies = deputiesOf(contacts)
  // With no DSL on record the deputies are the Key Adults.
  if (dsl.length === 0) return { to: deputies, cc: [] }
  return { to: dsl, cc: copyDeputies ? deputies : [] }
}

// ---------------------------------------------------------------------------------------------
// Editing a setting's Key Adults in place (PATCH /v1/schools/{urn}, the settings pages, the bulk
// CSV upload): add people, change one (role, name, telephone, training date), remove people, each
// named by e-mail address, leaving the setting's register facts alone. Applied to the stored list
// under a lock (flows/edit-key-adults.ts); the same rules as a whole list (contactListProblems),
// and an address may appear once in a setting's list.

const keyAdultUpdateSchema = z.strictObject({
  email: z.email({ message: 'must be an e-mail address' }).max(254),
  role: keyAdultSchema.shape.role.optional(),
  name: keyAdultSchema.shape.name.optional(),
  phone: keyAdultSchema.shape.phone,
  trainedOn: trainedOnSchema,
})

export const keyAdultChangesSchema = z
  .strictObject({
    add: z.array(keyAdultSchema).max(MAX_CONTACTS).optional(),
    update: z.array(keyAdultUpdateSchema).max(MAX_CONTACTS).optional(),
    remove: z.array(z.email({ message: 'must be an e-mail address' }).max(254)).max(MAX_CONTACTS).optional(),
  })
  .refine((c) => (c.add?.length ?? 0) + (c.update?.length ?? 0) + (c.remove?.length ?? 0) > 0, {
    message: 'must add, update or remove at least one Key Adult',
  })

export type KeyAdultChanges = z.infer<typeof keyAdultChangesSchema>

/** A Key Adult as stored and shown (the shape GET /v1/schools/{urn} gives). */
export interface KeyAdult {
  role: KeyAdultRole
  name: string
  email: string
  phone?: string | null | undefined
  trainedOn?: string | null | undefined
}

const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

/**
 * The list after the changes (removals, then updates, then additions at the end), or what is wrong
 * with them, each problem at its JSON Pointer into the changes: an address given to change or
 * remove that is not on the list, an address added that already is (or is added twice), a generic
 * role inbox, a training date after `today`, or more than MAX_CONTACTS people. Pure.
 */
export function keyAdultChanges(
  current: readonly KeyAdult[],
  changes: KeyAdultChanges,
  today: string,
): { contacts: KeyAdult[]; problems: ContactProblem[] } {
  const problems: ContactProblem[] = []
  const onList = (email: string) => current.some((c) => sameAddress(c.email, email))
  const removed = new Set<string>()
  ;(changes.remove ?? []).forEach((email, i) => {
    if (!onList(email)) problems.push({ path: `/remove/${i}`, message: 'is not a Key Adult of this setting' })
    removed.add(email.toLowerCase())
  })
  let contacts: KeyAdult[] = current.filter((c) => !removed.has(c.email.toLowerCase())).map((c) => ({ ...c }))
  ;(changes.update ?? []).forEach((u, i) => {
    if (removed.has(u.email.toLowerCase())) return problems.push({ path: `/update/${i}/email`, message: 'is removed in the same request' })
    const target = contacts.find((c) => sameAddress(c.email, u.email))
    if (!target) return problems.push({ path: `/update/${i}/email`, message: 'is not a Key Adult of this setting' })
    if (u.trainedOn && u.trainedOn > today) problems.push({ path: `/update/${i}/trainedOn`, message: 'must not be in the future' })
    if (u.role !== undefined) target.role = u.role
    if (u.name !== undefined) target.name = u.name
    if (u.phone !== undefined) target.phone = u.phone
    if (u.trainedOn !== undefined) target.trainedOn = u.trainedOn
  })
  const added = changes.add ?? []
  for (const p of contactListProblems(added, 'setting', today)) problems.push({ ...p, path: p.path.replace(/^\/contacts/, '/add') })
  added.forEach((a, i) => {
    if (contacts.some((c) => sameAddress(c.email, a.email)) || added.slice(0, i).some((b) => sameAddress(a.email, b.email))) {
      problems.push({ path: `/add/${i}/email`, message: 'is already a Key Adult of this setting' })
    }
  })
  contacts = [...contacts, ...added.map((a) => ({ ...a, email: a.email.toLowerCase() }))]
  if (contacts.length > MAX_CONTACTS) problems.push({ path: '/add', message: `would give the setting more than ${MAX_CONTACTS} Key Adults` })
  return { contacts, problems }
}
