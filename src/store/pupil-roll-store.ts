// Local authorities' pupil rolls: given name, family name, date of birth and URN of each pupil
// (a blank URN: known to the LA with no setting, e.g. electively home educated). An import
// replaces the LA's whole roll in one transaction; a rejected file stores nothing. The roll is
// personal data: it is read by date of birth only, and never logged or put on a queue.
import type { FieldError } from '../domain/incident.js'
import { GiasCsvError, parseCsv } from '../domain/gias-csv.js'
import type { RollEntry } from '../domain/pupil-names.js'
import { NO_CONTROLS } from '../domain/text.js'
import { normaliseSettingUrn, SETTING_URN_MESSAGE } from '../domain/setting-ids.js'
import { plainDateProblem } from '../domain/date-bounds.js'
import { withTransaction, type Db, type Queryable } from './db.js'
import { isLaContactUrn } from './la-contacts-store.js'

export interface RollRow {
  givenName: string
  familyName: string
  /** YYYY-MM-DD */
  dateOfBirth: string
  urn: string | null
}

/** What a roll row may arrive as: the JSON API's shape (`urn` absent, null or '' for no setting). */
export interface RollRowInput {
  givenName?: unknown
  familyName?: unknown
  dateOfBirth?: unknown
  urn?: unknown
}

const MAX_NAME = 100
/** A pupil roll holds children and young people: nobody born more than 25 years ago. */
const MAX_AGE_YEARS = 25
/** Spellings of "no setting" an LA's export may use in the URN column. */
const NO_SETTING = new Set(['', 'none', 'ehe', 'home', 'home educated', 'elective home education', 'no setting'])

/** 'YYYY-MM-DD' or 'DD/MM/YYYY' (as UK systems export) -> 'YYYY-MM-DD', or null when not a real date. */
export function parseRollDate(raw: string): string | null {
  const s = raw.trim()
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  let iso: string | null = null
  if (m) iso = `${m[1]}-${m[2]}-${m[3]}`
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s)
  if (m) iso = `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`
  if (iso === null) return null
  const d = new Date(`${iso}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : null
}

/**
 * Checks every row; returns the clean rows, or every problem found with a JSON Pointer to the
 * row and field (`/12/dateOfBirth`; for a CSV the row is counted from the first line after the
 * header, and the message names the file line).
 */
export function validateRoll(
  rows: RollRowInput[],
  today: string,
  lineOf: (i: number) => number | null = () => null,
): { rows: RollRow[]; errors: FieldError[] } {
  const errors: FieldError[] = []
  const out: RollRow[] = []
  rows.forEach((r, i) => {
    const at = lineOf(i)
    const err = (field: string, message: string) => errors.push({ path: `/${i}/${field}`, message: at === null ? message : `line ${at}: ${message}` })
    const before = errors.length
    const name = (v: unknown, field: string): string => {
      if (typeof v !== 'string' || v.trim() === '') {
        err(field, 'must not be empty')
        return ''
      }
      if (v.trim().length > MAX_NAME) err(field, `must be at most ${MAX_NAME} characters`)
      if (!NO_CONTROLS.test(v)) err(field, 'must not contain control characters')
      return v.trim()
    }
    const givenName = name(r.givenName, 'givenName')
    const familyName = name(r.familyName, 'familyName')
    const dob = typeof r.dateOfBirth === 'string' ? parseRollDate(r.dateOfBirth) : null
    const earliest = `${Number(today.slice(0, 4)) - MAX_AGE_YEARS}${today.slice(4)}`
    const outOfBounds = dob === null ? null : plainDateProblem(dob)
    if (dob === null) err('dateOfBirth', 'must be a date YYYY-MM-DD or DD/MM/YYYY')
    else if (outOfBounds) err('dateOfBirth', outOfBounds)
    else if (dob > today) err('dateOfBirth', 'must not be in the future')
    else if (dob < earliest) err('dateOfBirth', `must be a pupil's date of birth (not before ${earliest})`)
    let urn: string | null = null
    // The URN must be given for every pupil, blank only for a child with no setting: a roll whose
    // URN column went missing would otherwise send every child's notification to children's services.
    if (r.urn === undefined) err('urn', 'must be given: the setting’s URN, or null / empty for a child with no setting')
    else if (r.urn !== null) {
      const u = typeof r.urn === 'number' ? String(r.urn) : typeof r.urn === 'string' ? r.urn.trim() : null
      if (u === null || (!NO_SETTING.has(u.toLowerCase()) && normaliseSettingUrn(u) === null)) {
        err('urn', `${SETTING_URN_MESSAGE}, or empty for a child with no setting`)
      } else if (isLaContactUrn(u)) {
        err('urn', "is in a range reserved for an LA's children's services or health visiting; leave it empty for a child with no setting")
      } else if (!NO_SETTING.has(u.toLowerCase())) {
        urn = normaliseSettingUrn(u)
      }
    }
    if (errors.length === before) out.push({ givenName, familyName, dateOfBirth: dob!, urn })
  })
  return { rows: out, errors }
}

const HEADERS: Record<keyof RollRow, string[]> = {
  givenName: ['given_name', 'givenname', 'given name', 'forename', 'first_name', 'first name', 'firstname', 'legal forename'],
  familyName: ['family_name', 'familyname', 'family name', 'surname', 'last_name', 'last name', 'lastname', 'legal surname'],
  dateOfBirth: ['date_of_birth', 'dateofbirth', 'date of birth', 'dob', 'birth_date'],
  urn: ['urn', 'school_urn', 'school urn', 'setting urn', 'establishment urn', 'establishment_urn', 'school_establishment_urn', 'urn of school', 'current urn', 'setting_urn'],
}

/** A roll as CSV (header row naming the columns, as LA systems export them) -> rows to validate. */
export function parseRollCsv(text: string): { rows: RollRowInput[]; lineOf: (i: number) => number | null; errors: FieldError[] } {
  let records: ReturnType<typeof parseCsv>
  try {
    records = parseCsv(text, 'pupil roll')
  } catch (err) {
    if (!(err instanceof GiasCsvError)) throw err
    return { rows: [], lineOf: () => null, errors: [{ path: '', message: err.line ? `line ${err.line}: ${err.message}` : err.message }] }
  }
  const header = (records[0]?.fields ?? []).map((h) => h.replace(/^\uFEFF/, '').trim().toLowerCase())
  const col = Object.fromEntries(
    (Object.keys(HEADERS) as (keyof RollRow)[]).map((k) => [k, header.findIndex((h) => HEADERS[k].includes(h))]),
  ) as Record<keyof RollRow, number>
  const missing = (['givenName', 'familyName', 'dateOfBirth', 'urn'] as const).filter((k) => col[k] < 0)
  if (missing.length > 0) {
    return {
      rows: [],
      lineOf: () => null,
      errors: missing.map((k) => ({ path: '', message: `CSV header must name a ${HEADERS[k][0]} column (or ${HEADERS[k].slice(1, 4).join(', ')})` })),
    }
  }
  const data = records.slice(1)
  const at = (fields: string[], i: number) => (i < 0 ? undefined : fields[i])
  return {
    rows: data.map(({ fields }) => ({
      givenName: at(fields, col.givenName),
      familyName: at(fields, col.familyName),
      dateOfBirth: at(fields, col.dateOfBirth),
      urn: at(fields, col.urn), // a row too short to have the cell: "must be given"
    })),
    lineOf: (i) => data[i]?.line ?? null,
    errors: [],
  }
}

/**
 * An import that would empty an LA's roll, or cut it to less than half, without `replaceAll`. A
 * roll shrinks by a year group a year, not by half: an empty or much shorter file is far more often
 * a failed export or a truncated copy than the truth, and would leave children unplaced.
 */
export class RollShrinkRefused extends Error {
  override name = 'RollShrinkRefused'
  constructor(
    readonly laCode: string,
    readonly current: number,
    readonly offered: number,
  ) {
    super(
      offered === 0
        ? `the roll has no pupils${current > 0 ? `; LA ${laCode}'s roll of ${current} pupils is kept` : ''}. Nothing was imported`
        : `the roll has ${offered} pupils, less than half of LA ${laCode}'s current ${current}; it is kept. Nothing was imported`,
    )
  }
}

/**
 * Replaces an LA's roll in one transaction. Refuses (RollShrinkRefused, nothing changed) a roll with
 * no rows, or with fewer than half the pupils of the current one, unless `replaceAll` is set.
 */
export async function replaceRoll(
  db: Db,
  laCode: string,
  rows: RollRow[],
  at: Date,
  source: string | null,
  opts: { replaceAll?: boolean } = {},
): Promise<{ pupils: number; noSetting: number; replaced: number }> {
  return withTransaction(db, async (client) => {
    // Serialise imports of one LA so the count compared is the one replaced.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`pupil-roll:${laCode}`])
    const { rows: cur } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pupil_roll WHERE la_code = $1', [laCode])
    const current = cur[0]!.n
    if (!opts.replaceAll && (rows.length === 0 || rows.length * 2 < current)) throw new RollShrinkRefused(laCode, current, rows.length)
    await client.query('DELETE FROM pupil_roll WHERE la_code = $1', [laCode])
    const BATCH = 5000
    for (let i = 0; i < rows.length; i += BATCH) {
      const b = rows.slice(i, i + BATCH)
      await client.query(
        `INSERT INTO pupil_roll (la_code, given_name, family_name, date_of_birth, urn)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::date[], $5::text[])`,
        [laCode, b.map((r) => r.givenName), b.map((r) => r.familyName), b.map((r) => r.dateOfBirth), b.map((r) => r.urn)],
      )
    }
    const noSetting = rows.filter((r) => r.urn === null).length
    await client.query(
      `INSERT INTO pupil_roll_imports (la_code, imported_at, pupils, no_setting, source) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (la_code) DO UPDATE SET imported_at = $2, pupils = $3, no_setting = $4, source = $5`,
      [laCode, at, rows.length, noSetting, source],
    )
    return { pupils: rows.length, noSetting, replaced: current }
  })
}

/** Every roll entry, in any LA, for a date of birth (children cross LA borders to school). */
export async function rollEntriesBornOn(db: Queryable, dateOfBirth: string): Promise<RollEntry[]> {
  const { rows } = await db.query<RollEntry>(
    `SELECT la_code AS "laCode", given_name AS "givenName", family_name AS "familyName", urn
       FROM pupil_roll WHERE date_of_birth = $1`,
    [dateOfBirth],
  )
  return rows
}

/** URNs on a roll that the directory does not know (reported back to the LA after an import). */
export async function unknownRollUrns(db: Queryable, laCode: string): Promise<string[]> {
  const { rows } = await db.query<{ urn: string }>(
    `SELECT DISTINCT r.urn FROM pupil_roll r LEFT JOIN schools s ON s.urn = r.urn
      WHERE r.la_code = $1 AND r.urn IS NOT NULL AND s.urn IS NULL ORDER BY r.urn LIMIT 100`,
    [laCode],
  )
  return rows.map((r) => r.urn)
}
