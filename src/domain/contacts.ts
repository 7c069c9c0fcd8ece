// Key Adults must be named, trained people (domain rule 4). A generic role inbox — office@,
// admin@, enquiries@ — is a known cause of lost notifications, so it is refused at the door, as
// is an LA team's shared inbox (the MASH, the front door, the duty desk) for children's services.
import { z } from 'zod'
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

/** One of a setting's Key Adults, as administrators give it. */
export const keyAdultSchema = personSchema(KEY_ADULT_ROLES)
/** One named person of an LA's children's services, as administrators give it. */
export const laContactSchema = personSchema(LA_CONTACT_ROLES)

export interface ContactProblem {
  path: string
  message: string
}

/**
 * What is wrong with a contact list beyond its shape: a generic role inbox anywhere (each named
 * by its index), and, for an LA's children's services, no lead. Empty when the list may be kept.
 */
export function contactListProblems(contacts: readonly { role: string; email: string }[], kind: 'setting' | 'la'): ContactProblem[] {
  const generic = contacts.flatMap((c, i) =>
    isGenericRoleAddress(c.email) ? [{ path: `/contacts/${i}/email`, message: 'must be a named person’s address, not a generic role inbox' }] : [],
  )
  if (generic.length > 0) return generic
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
