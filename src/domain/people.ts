// People who sign in to the pages (issue 13): their roles, what each role may do on the pages, and
// the rule for registering one. A person's role on the pages maps onto the access roles the
// routes already check (tokens-store's Role): officers and desk staff act as their force's
// `police`, Key Adults as `dsl` (their settings read from the directory at each request), LA
// administrators as `auditor` (figures only) until their own pages exist, auditors and
// administrators as themselves.
import { z } from 'zod'
import { isGenericRoleAddress } from './contacts.js'
import { settingUrn } from './setting-ids.js'
import { plainText } from './text.js'

export const PERSON_ROLES = ['key-adult', 'officer', 'desk', 'la-admin', 'auditor', 'admin'] as const
export type PersonRole = (typeof PERSON_ROLES)[number]
export type AccessRole = 'police' | 'dsl' | 'auditor' | 'admin'

export const accessRoleOf: Record<PersonRole, AccessRole> = {
  'key-adult': 'dsl',
  officer: 'police',
  desk: 'police',
  'la-admin': 'auditor',
  auditor: 'auditor',
  admin: 'admin',
}

/** How each role is named to people (the sign-in choice, the people list). */
export const PERSON_ROLE_LABEL: Record<PersonRole, string> = {
  'key-adult': 'Key Adult (designated safeguarding lead or deputy)',
  officer: 'Police Encompass officer',
  desk: 'Police Encompass desk',
  'la-admin': 'Local authority administrator',
  auditor: 'Safeguarding board (figures only)',
  admin: 'Administrator',
}

/** An e-mail address as people type it: trimmed and lower-cased, so one person is one address. */
export const normaliseEmail = (raw: string): string => raw.normalize('NFC').trim().toLowerCase()

export const emailSchema = z
  .string()
  .transform(normaliseEmail)
  .pipe(z.email({ message: 'must be an e-mail address' }).max(254, 'must be 254 characters or fewer'))

/** The body of POST /v1/people (and the admin page's form). */
export const newPersonSchema = z
  .strictObject({
    email: emailSchema,
    name: plainText(z.string().trim().min(2, 'must name the person').max(200, 'must be 200 characters or fewer')),
    role: z.enum(PERSON_ROLES, { message: `must be one of ${PERSON_ROLES.map((r) => `'${r}'`).join(', ')}` }),
    force: z.string().trim().regex(/^[a-z0-9-]{2,40}$/, 'must be a force code such as cleveland').optional(),
    urn: settingUrn().optional(),
    laCodes: z.array(z.string().trim().regex(/^[0-9]{3}$/, 'must be a three-digit LA code')).min(1, 'must name at least one LA code').max(50).optional(),
  })
  .superRefine((p, ctx) => {
    const officer = p.role === 'officer' || p.role === 'desk'
    if (officer && !p.force) ctx.addIssue({ code: 'custom', path: ['force'], message: 'is required for an officer or desk' })
    if (!officer && p.force) ctx.addIssue({ code: 'custom', path: ['force'], message: 'is only for an officer or desk' })
    if (p.role === 'la-admin' && !p.laCodes) ctx.addIssue({ code: 'custom', path: ['laCodes'], message: 'is required for an LA administrator' })
    if (p.role !== 'la-admin' && p.laCodes) ctx.addIssue({ code: 'custom', path: ['laCodes'], message: 'is only for an LA administrator' })
    if (p.role === 'key-adult' && !p.urn) {
      ctx.addIssue({ code: 'custom', path: ['urn'], message: 'is required for a Key Adult (one named in a setting’s contacts needs no registration)' })
    }
    if (p.role !== 'key-adult' && p.urn) ctx.addIssue({ code: 'custom', path: ['urn'], message: 'is only for a Key Adult' })
    // Sign-in links go to the person: a shared inbox would let everyone reading it sign in.
    if (isGenericRoleAddress(p.email)) ctx.addIssue({ code: 'custom', path: ['email'], message: 'must be a named person’s address, not a shared inbox' })
  })

export type NewPerson = z.infer<typeof newPersonSchema>

/**
 * Where to go after signing in: a path on this site only ("/notifications/…"), never another site
 * ("//evil.example", "https://…", "/\evil"), never a query (it might carry a search for a child).
 * Anything else is dropped (null: the role's home page).
 */
export function safeReturnTo(raw: unknown): string | null {
  if (typeof raw !== 'string') return null
  return /^\/(?![/\\])[A-Za-z0-9/_-]{0,200}$/.test(raw) && !raw.includes('//') ? raw : null
}
