// Incidents as a CSV file (the officer's upload, /incidents/upload): one row per child, the rows of
// one incident sharing its police reference. Each incident read from the file is judged by the
// API's own schema (domain/incident.ts), and every problem is told by the file's line number and
// column, so an officer can fix the file. Pure: text in, incidents and problems out.
import type { ZodError } from 'zod'
import { CsvParser, GiasCsvError, type CsvRow } from './gias-csv.js'
import { incidentSchema, type IncidentInput } from './incident.js'

/** The columns, in the template's order. Incident columns repeat on every row of the incident. */
export const INCIDENT_CSV_COLUMNS = [
  'reference', 'policeAwareAt', 'occurredAt', 'incidentType', 'riskLevel', 'summary',
  'givenName', 'familyName', 'dateOfBirth', 'present', 'role', 'schoolUrn', 'schoolName', 'schoolPostcode',
  /** Optional (files made before it still read): for a child in no setting, the 3-digit code of the LA where the child lives. */
  'noSettingLa',
] as const
type Column = (typeof INCIDENT_CSV_COLUMNS)[number]
const REQUIRED: Column[] = ['reference', 'policeAwareAt', 'incidentType', 'givenName', 'familyName', 'dateOfBirth', 'present']
const INCIDENT_COLUMNS: Column[] = ['policeAwareAt', 'occurredAt', 'incidentType', 'riskLevel', 'summary']

/** Most rows one file may hold (a force's busiest month is a few thousand children). */
export const MAX_CSV_ROWS = 10_000

/** The downloadable template: the header and two example rows of one incident with two children. */
export function incidentCsvTemplate(): string {
  const rows = [
    INCIDENT_CSV_COLUMNS.join(','),
    'CLE-20261120-0001,2026-11-20T22:14:00Z,,crime,medium,Officers attended a domestic incident.,Amy,Example,2016-05-04,true,witness,111234,,,',
    'CLE-20261120-0001,2026-11-20T22:14:00Z,,crime,medium,Officers attended a domestic incident.,Ben,Example,2019-02-11,false,,,Example Nursery,TS1 2AB,',
  ]
  return rows.join('\r\n') + '\r\n'
}

export interface CsvProblem {
  /** 1-based line of the file (the header is line 1); 0 for the file as a whole. */
  line: number
  /** The column at fault, or null when the row or file is. */
  column: string | null
  message: string
}

export interface CsvIncident {
  reference: string
  /** The lines of its rows, in file order. */
  lines: number[]
  input: IncidentInput
}

export interface ReadIncidents {
  incidents: CsvIncident[]
  /** Problems of rows and incidents refused; a refused incident is refused as a whole. */
  problems: CsvProblem[]
  /** Data rows in the file (not the header). */
  rows: number
}

/** Counts the data rows, or says why the file cannot be read at all (no header, not CSV, too long). */
export function checkIncidentCsv(text: string): { rows: number } | { problem: CsvProblem } {
  const parsed = parse(text)
  if ('problem' in parsed) return parsed
  return { rows: parsed.data.length }
}

function parse(text: string): { header: Map<Column, number>; data: CsvRow[] } | { problem: CsvProblem } {
  let rows: CsvRow[]
  try {
    const p = new CsvParser('upload')
    rows = p.push(text)
    rows.push(...p.end())
  } catch (err) {
    if (err instanceof GiasCsvError) return { problem: { line: 0, column: null, message: `the file is not readable as CSV: ${err.message}` } }
    throw err
  }
  const head = rows[0]
  if (!head) return { problem: { line: 0, column: null, message: 'the file is empty: use the template, with one row per child' } }
  const header = new Map<Column, number>()
  const unknown: string[] = []
  head.fields.forEach((raw, i) => {
    const name = raw.trim()
    if ((INCIDENT_CSV_COLUMNS as readonly string[]).includes(name)) header.set(name as Column, i)
    else if (name !== '') unknown.push(name)
  })
  const missing = REQUIRED.filter((c) => !header.has(c))
  if (missing.length > 0 || unknown.length > 0) {
    const parts = [missing.length ? `missing ${missing.join(', ')}` : '', unknown.length ? `unknown ${unknown.slice(0, 5).join(', ')}` : ''].filter(Boolean)
    return { problem: { line: 1, column: null, message: `the header row does not match the template (${parts.join('; ')})` } }
  }
  const data = rows.slice(1)
  if (data.length === 0) return { problem: { line: 0, column: null, message: 'the file has a header but no rows: add one row per child' } }
  if (data.length > MAX_CSV_ROWS) return { problem: { line: 0, column: null, message: `the file has ${data.length} rows; upload at most ${MAX_CSV_ROWS} at a time` } }
  return { header, data }
}

const blank = (s: string | undefined) => s === undefined || s.trim() === ''

/** Reads every incident of the file and judges each by the API's schema. */
export function readIncidentCsv(text: string): ReadIncidents {
  const parsed = parse(text)
  if ('problem' in parsed) return { incidents: [], problems: [parsed.problem], rows: 0 }
  const { header, data } = parsed
  const cell = (r: CsvRow, c: Column) => (header.has(c) ? (r.fields[header.get(c)!] ?? '') : '')
  const problems: CsvProblem[] = []

  // Rows of one reference make one incident, in file order.
  const groups = new Map<string, CsvRow[]>()
  for (const r of data) {
    const ref = cell(r, 'reference').trim()
    if (ref === '') {
      problems.push({ line: r.line, column: 'reference', message: 'must not be empty' })
      continue
    }
    groups.set(ref, [...(groups.get(ref) ?? []), r])
  }

  const incidents: CsvIncident[] = []
  for (const [reference, rows] of groups) {
    const first = rows[0]!
    const own: CsvProblem[] = []
    // The incident's own columns must say the same on each of its rows.
    for (const r of rows.slice(1)) {
      for (const c of INCIDENT_COLUMNS) {
        if (cell(r, c).trim() !== cell(first, c).trim()) own.push({ line: r.line, column: c, message: `must be the same on every row of incident ${reference} (line ${first.line} says otherwise)` })
      }
    }
    const present = (r: CsvRow): boolean | string => {
      const v = cell(r, 'present').trim().toLowerCase()
      return v === 'true' || v === 'yes' || v === 'y' ? true : v === 'false' || v === 'no' || v === 'n' ? false : v
    }
    const optional = (r: CsvRow, c: Column) => (blank(cell(r, c)) ? undefined : cell(r, c).trim())
    const body = {
      reference,
      policeAwareAt: cell(first, 'policeAwareAt').trim(),
      ...(optional(first, 'occurredAt') ? { occurredAt: optional(first, 'occurredAt') } : {}),
      incidentType: cell(first, 'incidentType').trim(),
      ...(optional(first, 'riskLevel') ? { riskLevel: optional(first, 'riskLevel') } : {}),
      ...(blank(cell(first, 'summary')) ? {} : { summary: cell(first, 'summary') }),
      children: rows.map((r) => {
        const school = { urn: optional(r, 'schoolUrn'), name: optional(r, 'schoolName'), postcode: optional(r, 'schoolPostcode') }
        const given = Object.fromEntries(Object.entries(school).filter(([, v]) => v !== undefined))
        return {
          givenName: cell(r, 'givenName'),
          familyName: cell(r, 'familyName'),
          dateOfBirth: cell(r, 'dateOfBirth').trim(),
          present: present(r),
          ...(optional(r, 'role') ? { role: optional(r, 'role') } : {}),
          ...(Object.keys(given).length ? { school: given } : {}),
          ...(optional(r, 'noSettingLa') ? { noSetting: { laCode: optional(r, 'noSettingLa')! } } : {}),
        }
      }),
    }
    const result = incidentSchema.safeParse(body)
    if (!result.success) own.push(...problemsOfZod(result.error, rows))
    if (own.length > 0) {
      problems.push(...own)
      continue
    }
    incidents.push({ reference, lines: rows.map((r) => r.line), input: result.data! })
  }
  problems.sort((a, b) => a.line - b.line)
  return { incidents, problems, rows: data.length }
}

const CHILD_COLUMN: Record<string, Column> = { givenName: 'givenName', familyName: 'familyName', dateOfBirth: 'dateOfBirth', present: 'present', role: 'role', school: 'schoolUrn', noSetting: 'noSettingLa' }
const SCHOOL_COLUMN: Record<string, Column> = { urn: 'schoolUrn', name: 'schoolName', postcode: 'schoolPostcode' }

/** A zod error on an incident's body, told by the file's lines and columns. */
function problemsOfZod(error: ZodError, rows: CsvRow[]): CsvProblem[] {
  return error.issues.map((issue) => {
    const [top, index, field, sub] = issue.path.map(String)
    if (top === 'children' && index !== undefined && /^[0-9]+$/.test(index)) {
      const row = rows[Number(index)] ?? rows[0]!
      const column = field === 'school' && sub ? SCHOOL_COLUMN[sub] : field ? CHILD_COLUMN[field] : undefined
      return { line: row.line, column: column ?? null, message: issue.message }
    }
    if (top === 'children') return { line: rows[0]!.line, column: null, message: `incident ${rows.length > 20 ? `has ${rows.length} children: ` : ''}${issue.message}` }
    return { line: rows[0]!.line, column: top ?? null, message: issue.message }
  })
}

/** A rule broken by an accepted shape (domain/incident.ts checkIncidentRules), told by line and column. */
export function problemsOfRules(incident: CsvIncident, errors: { path: string; message: string }[]): CsvProblem[] {
  return errors.map((e) => {
    const m = /^\/children\/([0-9]+)\/([A-Za-z]+)/.exec(e.path)
    if (m) return { line: incident.lines[Number(m[1])] ?? incident.lines[0]!, column: CHILD_COLUMN[m[2]!] ?? null, message: e.message }
    const top = e.path.split('/')[1]
    return { line: incident.lines[0]!, column: top || null, message: e.message }
  })
}
