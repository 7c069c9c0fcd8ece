// The Key Adult forms of the settings pages translated to and from the API's bodies: the fields
// (role, name, email, phone, and the training date as GOV.UK's day, month and year boxes) become a
// PATCH change, and each API problem becomes a sentence beside its field. Pure.
import type { ZodError } from 'zod'
import type { ContactProblem } from '../../domain/contacts.js'
import { plainDateProblem } from '../../domain/date-bounds.js'
import type { FieldProblem } from '../forms.js'

export interface KeyAdultFields {
  role: string
  name: string
  email: string
  phone: string
  'trainedOn-day': string
  'trainedOn-month': string
  'trainedOn-year': string
}

export const emptyKeyAdult = (): KeyAdultFields => ({ role: '', name: '', email: '', phone: '', 'trainedOn-day': '', 'trainedOn-month': '', 'trainedOn-year': '' })

export function keyAdultFieldsOf(body: unknown): KeyAdultFields {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  const s = (k: keyof KeyAdultFields) => (typeof b[k] === 'string' ? (b[k] as string) : '')
  return { role: s('role'), name: s('name'), email: s('email').trim(), phone: s('phone'), 'trainedOn-day': s('trainedOn-day').trim(), 'trainedOn-month': s('trainedOn-month').trim(), 'trainedOn-year': s('trainedOn-year').trim() }
}

/** A stored person's fields, for the change form. */
export function fieldsOfKeyAdult(c: { role: string; name: string; email: string; phone?: string | null | undefined; trainedOn?: string | null | undefined }): KeyAdultFields {
  const [y = '', m = '', d = ''] = c.trainedOn ? c.trainedOn.split('-') : []
  return { role: c.role, name: c.name, email: c.email, phone: c.phone ?? '', 'trainedOn-day': d ? String(Number(d)) : '', 'trainedOn-month': m ? String(Number(m)) : '', 'trainedOn-year': y }
}

/**
 * The training date typed in three boxes: null when all are blank, a YYYY-MM-DD date, or a
 * problem for the form. The schema checks the bounds again; this only assembles the date.
 */
export function trainedOnOf(f: KeyAdultFields): { value: string | null } | { problem: FieldProblem } {
  const [d, m, y] = [f['trainedOn-day'], f['trainedOn-month'], f['trainedOn-year']]
  if (d === '' && m === '' && y === '') return { value: null }
  const field = d === '' ? 'trainedOn-day' : m === '' ? 'trainedOn-month' : y === '' ? 'trainedOn-year' : 'trainedOn-day'
  if (d === '' || m === '' || y === '') return { problem: { field, text: `The training date must include a ${d === '' ? 'day' : m === '' ? 'month' : 'year'}` } }
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) {
    return { problem: { field: 'trainedOn-day', text: 'The training date must be a real date, for example 1 9 2026' } }
  }
  const date = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`
  if (plainDateProblem(date)) return { problem: { field: 'trainedOn-day', text: 'The training date must be a real date, for example 1 9 2026' } }
  return { value: date }
}

const FIELD_OF: Record<string, string> = { role: 'role', name: 'name', email: 'email', phone: 'phone', trainedOn: 'trainedOn-day' }

/** How each field's refusal reads on the page. */
function sentence(field: string, message: string): string {
  if (message === 'must be a named person’s address, not a generic role inbox') return 'Enter a named person’s e-mail address, not a shared inbox such as office@'
  if (message === 'is already a Key Adult of this setting') return 'This person is already a Key Adult of this setting: change their details instead'
  if (message === 'is not a Key Adult of this setting') return 'This person is no longer a Key Adult of this setting: someone may have changed the list; reload the page'
  if (message === 'must not be in the future') return 'The training date must be today or in the past'
  if (message.startsWith('would give the setting more than')) return 'A setting may have at most 20 Key Adults: remove someone first'
  switch (field) {
    case 'role': return 'Select whether they are the designated safeguarding lead or a deputy'
    case 'name': return 'Enter the person’s full name'
    case 'email': return 'Enter an e-mail address in the correct format, like name@example.org'
    case 'phone': return 'Enter a telephone number, like 01642 000000'
    case 'trainedOn-day': return 'The training date must be a real date, for example 1 9 2026'
    default: return `Check this: ${message}`
  }
}

/** The schema's field errors for a person, as the form shows them. */
export function problemsOfZod(error: ZodError): FieldProblem[] {
  const seen = new Set<string>()
  return error.issues.flatMap((i) => {
    const field = FIELD_OF[String(i.path[i.path.length - 1] ?? '')] ?? 'name'
    if (seen.has(field)) return []
    seen.add(field)
    return [{ field, text: sentence(field, i.message) }]
  })
}

/** The flow's rule problems (paths into a PATCH body) as the form shows them. */
export function problemsOfRules(problems: ContactProblem[]): FieldProblem[] {
  return problems.map((p) => {
    const last = p.path.split('/').filter(Boolean).pop() ?? ''
    const field = FIELD_OF[last] ?? 'email'
    return { field, text: sentence(field, p.message) }
  })
}
