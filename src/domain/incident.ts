// What a police incident submission is, and the rules it must meet beyond its shape: the age band
// on the date the police became aware (per force, default 0–17), no timestamps in the future,
// occurrence not after awareness. Pure: takes values and a clock, returns values.
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { boundedDate, boundedInstant } from './date-bounds.js'
import { CHILD_ROLES } from './force-wording.js'
import { londonDateOf } from './london-time.js'
import { settingUrn } from './setting-ids.js'
import { NO_CONTROLS, NO_CONTROLS_BUT_LINES, plainText } from './text.js'

// Accept any RFC 3339 offset; everything is stored and returned as UTC instants. Years 1900–2100 only.
const instant = boundedInstant('must be an RFC 3339 timestamp with offset, e.g. 2026-11-20T22:14:00Z')
const name = plainText(z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'))

export const schoolRefSchema = z
  .strictObject({
    urn: settingUrn().optional(),
    name: plainText(z.string().trim().min(2, 'must be at least 2 characters').max(200, 'must be at most 200 characters')).optional(),
    postcode: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{1,2}[0-9][A-Za-z0-9]?( ?[0-9][A-Za-z]{2})?$/, 'must be a UK postcode or postcode district')
      .optional(),
  })
  .refine((s) => s.urn !== undefined || s.name !== undefined || s.postcode !== undefined, {
    message: 'must give a urn, or a name and/or postcode',
  })

/** A child in no setting: the LA where the child lives (a 3-digit DfE LA code; the flow checks it is an LA of England or Wales). */
export const noSettingSchema = z.strictObject({
  laCode: z.string().trim().regex(/^[0-9]{3}$/, 'must be a 3-digit DfE local authority code'),
})

/** The most settings one child may have (a school and a nursery, a childminder after school, ...). */
export const MAX_SETTINGS_PER_CHILD = 4

export const childSchema = z.strictObject({
  givenName: name,
  familyName: name,
  dateOfBirth: boundedDate('must be a date YYYY-MM-DD'),
  present: z.boolean({ message: 'must be true or false' }),
  /** The child's role in the incident as the police record it (domain/force-wording.ts). */
  role: z.enum(CHILD_ROLES, { message: `must be one of ${CHILD_ROLES.join(', ')}` }).optional(),
  school: schoolRefSchema.optional(),
  /** Every setting the child attends (issue 14.2), instead of `school`: one notification each. */
  settings: z.array(schoolRefSchema).min(1, 'must list at least one setting').max(MAX_SETTINGS_PER_CHILD, `must list at most ${MAX_SETTINGS_PER_CHILD} settings`).optional(),
  /** The child is in no setting (issue 14.3): the LA where the child lives, whose contact is told (domain/no-setting.ts). */
  noSetting: noSettingSchema.optional(),
}).superRefine((child, ctx) => {
  if (child.school !== undefined && child.settings !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['settings'], message: 'give either school or settings, not both' })
  }
  if (child.noSetting !== undefined && (child.school !== undefined || child.settings !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['noSetting'], message: 'a child with no setting cannot also have a school or settings; give one or the other' })
  }
  const urns = (child.settings ?? []).map((s) => s.urn?.toUpperCase()).filter((u) => u !== undefined)
  const repeated = urns.find((u, i) => urns.indexOf(u) !== i)
  if (repeated) ctx.addIssue({ code: 'custom', path: ['settings'], message: `must not list the same setting twice (${repeated})` })
})

/** A child's settings in order: `settings`, or `school` alone, or none given (one entry, null: matching looks for it). */
export function settingsOf(child: Pick<ChildInput, 'school' | 'settings'>): (SchoolRef | null)[] {
  if (child.settings && child.settings.length > 0) return child.settings
  return [child.school ?? null]
}

export const incidentSchema = z.strictObject({
  reference: z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters')
    .regex(NO_CONTROLS, 'must not contain control characters'),
  policeAwareAt: instant,
  occurredAt: instant.optional(),
  incidentType: z.enum(['crime', 'non-crime'], { message: "must be 'crime' or 'non-crime'" }),
  riskLevel: z.enum(['standard', 'medium', 'high', 'unknown'], { message: "must be 'standard', 'medium', 'high' or 'unknown'" }).optional(),
  summary: z.string().max(2000, 'must be at most 2000 characters')
    .regex(NO_CONTROLS_BUT_LINES, 'must not contain control characters other than line breaks and tabs').optional(),
  children: z.array(childSchema).min(1, 'must list at least one child').max(20, 'must list at most 20 children'),
})

export type IncidentInput = z.infer<typeof incidentSchema>
export type ChildInput = z.infer<typeof childSchema>
export type SchoolRef = z.infer<typeof schoolRefSchema>

export interface FieldError {
  path: string
  message: string
}

export interface AgeBand {
  ageMin: number
  ageMax: number
}

export const CLOCK_SKEW_MS = 5 * 60 * 1000

/** Whole years between a date of birth and a date, both YYYY-MM-DD (a 29 Feb birthday turns over on 1 Mar). */
export function ageOn(dateOfBirth: string, onDate: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number]
  const [y, m, d] = onDate.split('-').map(Number) as [number, number, number]
  let age = y - by
  if (m < bm || (m === bm && d < bd)) age -= 1
  return age
}

/** The rules a well-shaped incident must still meet. An empty list means acceptable. */
export function checkIncidentRules(input: IncidentInput, band: AgeBand, now: Date): FieldError[] {
  const errors: FieldError[] = []
  const aware = new Date(input.policeAwareAt)
  if (aware.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    errors.push({ path: '/policeAwareAt', message: 'must not be in the future' })
  }
  if (input.occurredAt !== undefined && new Date(input.occurredAt).getTime() > aware.getTime()) {
    errors.push({ path: '/occurredAt', message: 'must not be after policeAwareAt' })
  }
  const awareDate = londonDateOf(aware)
  input.children.forEach((child, i) => errors.push(...childRuleErrors(child, awareDate, band, `/children/${i}`)))
  return errors
}

/** The rules one child must meet on the London date the police became aware; paths under `at`. */
export function childRuleErrors(child: Pick<ChildInput, 'dateOfBirth'>, awareDate: string, band: AgeBand, at: string): FieldError[] {
  const path = `${at}/dateOfBirth`
  if (child.dateOfBirth > awareDate) return [{ path, message: 'must not be after the date the police became aware' }]
  const age = ageOn(child.dateOfBirth, awareDate)
  if (age < band.ageMin || age > band.ageMax) {
    return [{ path, message: `child is ${age} on ${awareDate}, outside this force's age band ${band.ageMin}–${band.ageMax}` }]
  }
  return []
}

/**
 * Two fingerprints of a submission, to tell a resubmission of the same incident (200) from another
 * incident under its reference (409). Key order, whitespace and timestamp offsets change neither.
 * `content` covers everything; `record` leaves out the children's names and dates of birth and the
 * summary, so it says nothing that the stored row does not say in clear: it is what stays once a
 * purge has removed those details (and `content` with them, which could confirm a guessed name).
 */
export function incidentFingerprints(input: IncidentInput): { content: string; record: string } {
  const normal = {
    ...input,
    policeAwareAt: new Date(input.policeAwareAt).toISOString(),
    occurredAt: input.occurredAt === undefined ? undefined : new Date(input.occurredAt).toISOString(),
  }
  const record = {
    ...normal,
    summary: undefined,
    children: normal.children.map((c) => ({ ...c, givenName: undefined, familyName: undefined, dateOfBirth: undefined })),
  }
  const sha256 = (v: unknown) => createHash('sha256').update(canonicalJson(v)).digest('hex')
  return { content: sha256(normal), record: sha256(record) }
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

// ---------------------------------------------------------------------------------------------
// Follow-ups (issue 14.4): a withdrawal's reason, and what a correction may change

export const withdrawalSchema = z.strictObject({
  reason: plainText(z.string().trim().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters')),
})

/** Fields a correction cannot change, with why: each would change whom or when the service told. */
const FIXED_FIELDS: Record<string, string> = {
  reference: 'cannot be corrected: it names the incident',
  policeAwareAt: 'cannot be corrected: every deadline was set from it; withdraw the incident and submit it again',
}

const childCorrectionSchema = z.strictObject({
  id: z.uuid('must be the id of a child of this incident'),
  givenName: name.optional(),
  familyName: name.optional(),
  dateOfBirth: boundedDate('must be a date YYYY-MM-DD').optional(),
  present: z.boolean({ message: 'must be true or false' }).optional(),
  role: z.enum(CHILD_ROLES, { message: `must be one of ${CHILD_ROLES.join(', ')}` }).optional(),
  school: z.unknown().optional(),
  settings: z.unknown().optional(),
}).superRefine((c, ctx) => {
  for (const field of ['school', 'settings'] as const) {
    if (c[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'cannot be corrected: withdraw the incident and submit it again, or add the child with the right setting' })
  }
})

export const correctionSchema = z.strictObject({
  occurredAt: instant.optional(),
  incidentType: z.enum(['crime', 'non-crime'], { message: "must be 'crime' or 'non-crime'" }).optional(),
  riskLevel: z.enum(['standard', 'medium', 'high', 'unknown'], { message: "must be 'standard', 'medium', 'high' or 'unknown'" }).optional(),
  summary: z.string().max(2000, 'must be at most 2000 characters')
    .regex(NO_CONTROLS_BUT_LINES, 'must not contain control characters other than line breaks and tabs').optional(),
  children: z.array(childCorrectionSchema).min(1, 'must list at least one child').max(20, 'must list at most 20 children').optional(),
  reference: z.unknown().optional(),
  policeAwareAt: z.unknown().optional(),
}).superRefine((body, ctx) => {
  for (const [field, message] of Object.entries(FIXED_FIELDS)) {
    if (body[field as keyof typeof body] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message })
  }
  const { reference: _r, policeAwareAt: _p, ...rest } = body
  if (Object.values(rest).every((v) => v === undefined)) ctx.addIssue({ code: 'custom', path: [], message: 'must correct at least one field' })
  const ids = (body.children ?? []).map((c) => c.id)
  const repeated = ids.findIndex((id, i) => ids.indexOf(id) !== i)
  if (repeated >= 0) ctx.addIssue({ code: 'custom', path: ['children', repeated, 'id'], message: 'must not list the same child twice' })
})

export type CorrectionInput = z.infer<typeof correctionSchema>

/**
 * The rules a correction must meet against what is stored: occurrence not after awareness, and
 * each corrected date of birth inside the force's age band on the date the police became aware.
 */
export function checkCorrection(
  fix: CorrectionInput,
  stored: { policeAwareAt: Date; children: { id: string }[] },
  band: AgeBand,
): FieldError[] {
  const errors: FieldError[] = []
  if (fix.occurredAt !== undefined && new Date(fix.occurredAt).getTime() > stored.policeAwareAt.getTime()) {
    errors.push({ path: '/occurredAt', message: 'must not be after policeAwareAt' })
  }
  const awareDate = londonDateOf(stored.policeAwareAt)
  ;(fix.children ?? []).forEach((c, i) => {
    if (c.dateOfBirth !== undefined) errors.push(...childRuleErrors({ dateOfBirth: c.dateOfBirth }, awareDate, band, `/children/${i}`))
  })
  return errors
}
