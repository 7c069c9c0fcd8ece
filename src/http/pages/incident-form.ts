// The officer's incident form (/incidents/new) as the API sees it. The form's fields are named as
// the JSON body's (`reference`, `children[0][givenName]`, `children[0][school][urn]`,
// `children[0][noSetting][laCode]` for a child in no setting: a plain select, no script), the body
// is rebuilt from them, and the API's own zod schema and rules judge it: there is one validation,
// and this module only translates, in both directions. Each zod issue or rule error (a JSON
// Pointer such as /children/0/dateOfBirth) becomes a message beside its field, worded for a person.
import { z } from 'zod'
import type { FieldError } from '../../domain/incident.js'
import { londonInstant, londonWallClock, formatHhmm } from '../../domain/london-time.js'
import type { FieldProblem, FormBody } from '../forms.js'

/** The contract's limit on children per incident. */
export const MAX_CHILDREN = 20

export interface ChildFields {
  givenName: string
  familyName: string
  dateOfBirth: string
  present: string
  role: string
  urn: string
  schoolName: string
  postcode: string
  /** The LA code chosen for a child in no setting ('' when the child has, or may have, a setting). */
  noSettingLa: string
}

/** What the officer typed, as typed: shown back on the page when something is wrong. */
export interface IncidentFields {
  reference: string
  policeAwareAt: string
  occurredAt: string
  incidentType: string
  riskLevel: string
  summary: string
  children: ChildFields[]
}

export const emptyChild = (): ChildFields => ({ givenName: '', familyName: '', dateOfBirth: '', present: '', role: '', urn: '', schoolName: '', postcode: '', noSettingLa: '' })

export function emptyIncident(): IncidentFields {
  return { reference: '', policeAwareAt: '', occurredAt: '', incidentType: '', riskLevel: '', summary: '', children: [emptyChild()] }
}

/** A child's field's form name: `children[0][givenName]`, `children[0][school][urn]`. */
export const childFieldName = (i: number, key: keyof ChildFields) =>
  key === 'urn' ? `children[${i}][school][urn]` : key === 'schoolName' ? `children[${i}][school][name]` : key === 'postcode' ? `children[${i}][school][postcode]`
    : key === 'noSettingLa' ? `children[${i}][noSetting][laCode]` : `children[${i}][${key}]`

/** The id of a field in the page (and the error summary's link to it): the pointer with dashes. */
export const fieldIdOf = (pointer: string) => pointer.replace(/^\//, '').replaceAll('/', '-') || 'reference'

/** How many child blocks the form carries (1 to MAX_CHILDREN). */
export function childCountOf(body: FormBody): number {
  const n = Number.parseInt(body.childCount ?? '1', 10)
  return Number.isFinite(n) ? Math.min(MAX_CHILDREN, Math.max(1, n)) : 1
}

export function fieldsFromForm(body: FormBody): IncidentFields {
  const v = (k: string) => body[k] ?? ''
  const children: ChildFields[] = []
  for (let i = 0; i < childCountOf(body); i++) {
    const c = emptyChild()
    for (const key of Object.keys(c) as (keyof ChildFields)[]) c[key] = v(childFieldName(i, key))
    children.push(c)
  }
  return {
    reference: v('reference'),
    policeAwareAt: v('policeAwareAt'),
    occurredAt: v('occurredAt'),
    incidentType: v('incidentType'),
    riskLevel: v('riskLevel'),
    summary: v('summary'),
    children,
  }
}

const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?$/

/**
 * A date and time as a browser's date-time field sends it ("2026-11-20T22:14", London time) as an
 * RFC 3339 instant; anything else (a timestamp with its own offset, or nonsense) is left for the
 * schema to judge.
 */
export function instantOfLocal(raw: string): string {
  const m = LOCAL_DATE_TIME.exec(raw.trim())
  if (!m) return raw.trim()
  try {
    return londonInstant(m[1]!, m[2]!).toISOString()
  } catch {
    return raw.trim()
  }
}

/** An instant as a date-time field shows it, in London time. */
export function localOfInstant(instant: Date): string {
  const w = londonWallClock(instant)
  return `${w.date}T${formatHhmm(w.minutes)}`
}

const optional = (s: string) => (s.trim() === '' ? undefined : s)

/** The JSON body the form stands for: blank optional fields left out, as an API client would. */
export function incidentBodyOf(f: IncidentFields): Record<string, unknown> {
  return {
    reference: f.reference,
    policeAwareAt: f.policeAwareAt.trim() === '' ? undefined : instantOfLocal(f.policeAwareAt),
    occurredAt: f.occurredAt.trim() === '' ? undefined : instantOfLocal(f.occurredAt),
    incidentType: optional(f.incidentType),
    riskLevel: optional(f.riskLevel),
    summary: optional(f.summary),
    children: f.children.map((c) => {
      const school = { urn: optional(c.urn.trim()), name: optional(c.schoolName), postcode: optional(c.postcode) }
      return {
        givenName: c.givenName,
        familyName: c.familyName,
        dateOfBirth: optional(c.dateOfBirth),
        present: c.present === 'true' ? true : c.present === 'false' ? false : undefined,
        role: optional(c.role),
        school: school.urn ?? school.name ?? school.postcode ? school : undefined,
        noSetting: optional(c.noSettingLa.trim()) ? { laCode: c.noSettingLa.trim() } : undefined,
      }
    }),
  }
}

/** zod's issues as the API reports them: JSON Pointers into the body. */
export function fieldErrorsOfZod(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return [] // the form cannot send an unknown field
    return [{ path: issue.path.length ? `/${issue.path.join('/')}` : '', message: issue.message }]
  })
}

const LABELS: Record<string, string> = {
  reference: 'Police reference',
  policeAwareAt: 'The date and time the police became aware',
  occurredAt: 'The date and time of the incident',
  incidentType: 'Type of incident',
  riskLevel: 'Risk level',
  summary: 'Summary',
  givenName: 'given name',
  familyName: 'family name',
  dateOfBirth: 'date of birth',
  present: 'whether the child was present',
  role: 'child’s role',
  urn: 'setting’s URN',
  name: 'setting’s name',
  postcode: 'setting’s postcode',
  school: 'setting',
  laCode: 'local authority',
}

const MISSING: Record<string, string> = {
  reference: 'Enter the police reference',
  policeAwareAt: 'Enter the date and time the police became aware',
  incidentType: 'Select the type of incident',
  givenName: 'enter the given name',
  familyName: 'enter the family name',
  dateOfBirth: 'enter the date of birth',
  present: 'select whether the child was present',
}

/** The raw value the officer gave for a pointer's field ('' when blank). */
function rawAt(f: IncidentFields, parts: string[]): string {
  if (parts[0] !== 'children') return (f as unknown as Record<string, string>)[parts[0] ?? ''] ?? ''
  const c = f.children[Number(parts[1])]
  if (!c) return ''
  const key = parts[2] === 'school' ? ({ urn: 'urn', name: 'schoolName', postcode: 'postcode' } as const)[parts[3] as 'urn'] ?? 'urn'
    : parts[2] === 'noSetting' ? 'noSettingLa' : (parts[2] as keyof ChildFields)
  return c[key] ?? ''
}

const friendly = (message: string) =>
  message
    .replace(/^must be an RFC 3339 timestamp.*$/, 'must be a real date and time')
    .replace('after policeAwareAt', 'after the police became aware')
    .replace(/^must be a date YYYY-MM-DD$/, 'must be a real date')
    .replace("must be 'crime' or 'non-crime'", 'must be crime or non-crime')

/**
 * Each error as a person reads it, tied to the field it is about: "Enter the police reference",
 * "Child 2: the date of birth must be a real date". A whole-setting error (neither URN nor name
 * nor postcode) is shown at the URN field.
 */
export function pageProblemsOf(errors: FieldError[], f: IncidentFields): FieldProblem[] {
  const seen = new Set<string>()
  // One message per field, the first: a bad timestamp that is also out of range needs saying once.
  return errors.map((e) => problemOf(e, f)).filter((p) => !seen.has(p.field) && seen.add(p.field))
}

function problemOf(e: FieldError, f: IncidentFields): FieldProblem {
  let parts = e.path.split('/').filter(Boolean)
  if (parts[0] === 'children' && parts.length === 1) parts = ['children', '0', 'givenName']
  if (parts[0] === 'children' && parts[2] === 'school' && parts.length === 3) parts = [...parts, 'urn']
  // A setting given beside "no setting": said at the no-setting choice, in the officer's words.
  if (parts[0] === 'children' && parts[2] === 'noSetting' && parts.length === 3) {
    return { field: fieldIdOf(`/${[...parts, 'laCode'].join('/')}`), text: `Child ${Number(parts[1]) + 1}: give the school or setting, or choose no setting, not both` }
  }
  const field = fieldIdOf(`/${parts.join('/')}`)
  const leaf = parts[parts.length - 1] ?? 'reference'
  const blank = rawAt(f, parts).trim() === ''
  if (parts[0] === 'children') {
    const who = `Child ${Number(parts[1]) + 1}`
    if (blank && MISSING[leaf]) return { field, text: `${who}: ${MISSING[leaf]}` }
    if (e.message.startsWith('child is ')) return { field, text: `${who}: the ${e.message}` }
    return { field, text: `${who}: the ${LABELS[leaf] ?? leaf} ${friendly(e.message)}` }
  }
  if (blank && MISSING[leaf]) return { field, text: MISSING[leaf]! }
  return { field, text: `${LABELS[leaf] ?? leaf} ${friendly(e.message)}` }
}
