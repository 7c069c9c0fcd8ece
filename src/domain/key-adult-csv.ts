// A bulk list of Key Adults as an LA keeps it in a spreadsheet: a CSV with a header naming the
// columns urn, role, name, email, and optionally phone and trainedOn (any order, any case;
// trained_on and "trained on" too). Each row is checked with the same schema as the API's
// (domain/contacts.ts) and every problem is told by its line in the file. Pure.
import { keyAdultSchema, type KeyAdultRole } from './contacts.js'
import { GiasCsvError, parseCsv } from './gias-csv.js'
import { normaliseSettingUrn, SETTING_URN_MESSAGE } from './setting-ids.js'

export interface KeyAdultRow {
  /** The file's line the row starts on (the header is line 1). */
  line: number
  urn: string
  role: KeyAdultRole
  name: string
  email: string
  phone: string | null
  trainedOn: string | null
}

export interface KeyAdultCsvProblem {
  line: number
  field: string
  message: string
}

/** The most rows one upload may hold: every Key Adult of a large LA, several times over. */
export const MAX_KEY_ADULT_ROWS = 20_000

export const KEY_ADULT_CSV_TEMPLATE = 'urn,role,name,email,phone,trainedOn\n111234,dsl,Jo Bloggs,jo.bloggs@example.org,01642 000000,2026-09-01\n'

const COLUMNS = ['urn', 'role', 'name', 'email', 'phone', 'trainedOn'] as const
type Column = (typeof COLUMNS)[number]
const REQUIRED: Column[] = ['urn', 'role', 'name', 'email']
const key = (h: string) => h.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s_-]+/g, '')

export function parseKeyAdultCsv(text: string): { rows: KeyAdultRow[]; problems: KeyAdultCsvProblem[] } {
  let records: ReturnType<typeof parseCsv>
  try {
    records = parseCsv(text, 'Key Adults CSV')
  } catch (err) {
    if (!(err instanceof GiasCsvError)) throw err
    return { rows: [], problems: [{ line: err.line ?? 1, field: 'file', message: err.message }] }
  }
  if (records.length === 0) return { rows: [], problems: [{ line: 1, field: 'file', message: 'the file is empty: it needs a header line and a row per Key Adult' }] }
  const header = records[0]!.fields.map(key)
  const col = Object.fromEntries(COLUMNS.map((c) => [c, header.indexOf(c.toLowerCase())])) as Record<Column, number>
  const missing = REQUIRED.filter((c) => col[c] < 0)
  if (missing.length > 0) {
    return { rows: [], problems: [{ line: records[0]!.line, field: 'file', message: `the header must name the columns ${REQUIRED.join(', ')} (and may name phone, trainedOn); missing ${missing.join(', ')}` }] }
  }
  const data = records.slice(1)
  if (data.length === 0) return { rows: [], problems: [{ line: 2, field: 'file', message: 'the file has a header but no Key Adults' }] }
  if (data.length > MAX_KEY_ADULT_ROWS) return { rows: [], problems: [{ line: 1, field: 'file', message: `the file has ${data.length} rows; send at most ${MAX_KEY_ADULT_ROWS} at a time` }] }
  const rows: KeyAdultRow[] = []
  const problems: KeyAdultCsvProblem[] = []
  for (const { fields, line } of data) {
    const cell = (c: Column) => (col[c] < 0 ? '' : (fields[col[c]] ?? '').trim())
    const urn = normaliseSettingUrn(cell('urn'))
    if (urn === null) problems.push({ line, field: 'urn', message: cell('urn') === '' ? 'must be given' : SETTING_URN_MESSAGE })
    const parsed = keyAdultSchema.safeParse({
      role: cell('role').toLowerCase(),
      name: cell('name'),
      email: cell('email'),
      phone: cell('phone') || null,
      trainedOn: cell('trainedOn') || null,
    })
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? 'row')
        problems.push({ line, field, message: cell(field as Column) === '' && field !== 'row' ? 'must be given' : issue.message })
      }
      continue
    }
    if (urn !== null) {
      const p = parsed.data
      rows.push({ line, urn, role: p.role, name: p.name, email: p.email.toLowerCase(), phone: p.phone ?? null, trainedOn: p.trainedOn ?? null })
    }
  }
  return { rows, problems }
}
