// The directory of settings and their Key Adults. Imported register rows and administrators'
// edits meet here: an import refreshes the register's facts (name, LA, status, postcode) and never
// touches the contacts or the school's own start time.
import type { DirectoryRecord } from '../domain/gias-csv.js'
import type { Language } from '../domain/languages.js'
import { settingTypeFromGias, type SettingType } from '../domain/setting-ids.js'
import { prepared, withTransaction, type Db, type Queryable, type TxClient } from './db.js'

export interface Contact {
  role: 'dsl' | 'deputy'
  name: string
  email: string
  phone?: string | null | undefined
  /** When the person last completed safeguarding training, YYYY-MM-DD; null when not recorded. */
  trainedOn?: string | null | undefined
}

export interface School {
  urn: string
  name: string
  laCode: string | null
  laName: string | null
  phase: string | null
  /** What kind of setting (school, early-years, childminder, college, other): decides its calendar. */
  type: SettingType
  /** The register's wording ('Community school', 'Childminder'), null for settings an administrator added. */
  establishmentType: string | null
  status: string | null
  open: boolean
  postcode: string | null
  town: string | null
  dayStartsAt: string | null
  /** The language its e-mails and pages put first; null: the default for its LA (domain/languages.ts). */
  firstLanguage: Language | null
  contacts: Contact[]
}

export interface SchoolPut {
  name: string
  /** Omitted: a new setting is a school, an existing one keeps its type. */
  type?: SettingType | undefined
  laCode?: string | null | undefined
  dayStartsAt?: string | null | undefined
  contacts: Contact[]
}

export async function putSchool(db: Db, urn: string, s: SchoolPut): Promise<{ created: boolean }> {
  return withTransaction(db, async (client) => {
    const { rows } = await client.query<{ created: boolean }>(
      `INSERT INTO schools (urn, name, la_code, day_starts_at, setting_type, source)
       VALUES ($1, $2, $3, $4, COALESCE($5, 'school'), 'admin')
       ON CONFLICT (urn) DO UPDATE SET name = $2, la_code = COALESCE($3, schools.la_code),
         day_starts_at = $4, setting_type = COALESCE($5, schools.setting_type), updated_at = now()
       RETURNING (xmax = 0) AS created`,
      [urn, s.name, s.laCode ?? null, s.dayStartsAt ?? null, s.type ?? null],
    )
    await replaceSchoolContacts(client, urn, s.contacts)
    return { created: rows[0]!.created }
  })
}

/** Writes a setting's whole contact list in its order (inside the caller's transaction). */
export async function replaceSchoolContacts(client: TxClient, urn: string, contacts: readonly Contact[]): Promise<void> {
  await client.query('DELETE FROM school_contacts WHERE urn = $1', [urn])
  if (contacts.length === 0) return
  await client.query(
    `INSERT INTO school_contacts (urn, role, name, email, phone, trained_on, position)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::int[])`,
    [urn, contacts.map((c) => c.role), contacts.map((c) => c.name), contacts.map((c) => c.email.toLowerCase()),
      contacts.map((c) => c.phone ?? null), contacts.map((c) => c.trainedOn ?? null), contacts.map((_c, i) => i)],
  )
}

/**
 * Many settings' Key Adults at once, their rows locked (in URN order, so two uploads touching the
 * same settings cannot deadlock) until the transaction ends. A URN with no setting is absent.
 */
export async function lockManySchoolContacts(client: TxClient, urns: readonly string[]): Promise<Map<string, Contact[]>> {
  const { rows } = await client.query<{ urn: string; contacts: Contact[] }>(
    `WITH locked AS (SELECT urn FROM schools WHERE urn = ANY($1::text[]) ORDER BY urn FOR UPDATE)
     SELECT l.urn, coalesce((SELECT json_agg(json_build_object('role', c.role, 'name', c.name, 'email', c.email, 'phone', c.phone, 'trainedOn', c.trained_on) ORDER BY c.position)
                               FROM school_contacts c WHERE c.urn = l.urn), '[]') AS contacts
       FROM locked l`,
    [urns],
  )
  return new Map(rows.map((r) => [r.urn, r.contacts]))
}

/** Writes many settings' whole contact lists (inside the caller's transaction), in two statements. */
export async function replaceManySchoolContacts(client: TxClient, lists: ReadonlyMap<string, readonly Contact[]>): Promise<void> {
  const urns = [...lists.keys()]
  await client.query('DELETE FROM school_contacts WHERE urn = ANY($1::text[])', [urns])
  const rows = [...lists].flatMap(([urn, contacts]) => contacts.map((c, i) => ({ urn, c, i })))
  if (rows.length === 0) return
  await client.query(
    `INSERT INTO school_contacts (urn, role, name, email, phone, trained_on, position)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::int[])`,
    [rows.map((r) => r.urn), rows.map((r) => r.c.role), rows.map((r) => r.c.name), rows.map((r) => r.c.email.toLowerCase()),
      rows.map((r) => r.c.phone ?? null), rows.map((r) => r.c.trainedOn ?? null), rows.map((r) => r.i)],
  )
}

/**
 * A setting's Key Adults, its row locked until the transaction ends, so two edits of one setting
 * apply one after the other rather than one losing the other's change. Null for no such setting.
 */
export async function lockSchoolContacts(client: TxClient, urn: string): Promise<Contact[] | null> {
  const { rows } = await client.query<{ contacts: Contact[] }>(
    `SELECT (SELECT coalesce(json_agg(json_build_object('role', c.role, 'name', c.name, 'email', c.email, 'phone', c.phone, 'trainedOn', c.trained_on) ORDER BY c.position), '[]')
               FROM school_contacts c WHERE c.urn = s.urn) AS contacts
       FROM schools s WHERE s.urn = $1 FOR UPDATE`,
    [urn],
  )
  return rows[0]?.contacts ?? null
}

const GET_SCHOOL = prepared('get-school', `SELECT s.urn, s.name, s.la_code AS "laCode", s.la_name AS "laName", s.phase, s.setting_type AS type, s.type AS "establishmentType", s.status, s.open, s.postcode, s.town,
            s.day_starts_at AS "dayStartsAt", s.first_language AS "firstLanguage",
            (SELECT coalesce(json_agg(json_build_object('role', c.role, 'name', c.name, 'email', c.email, 'phone', c.phone, 'trainedOn', c.trained_on) ORDER BY c.position), '[]')
               FROM school_contacts c WHERE c.urn = s.urn) AS contacts
       FROM schools s WHERE s.urn = $1`)

export async function getSchool(db: Queryable, urn: string): Promise<School | null> {
  const { rows } = await db.query<School>(GET_SCHOOL([urn]))
  return rows[0] ?? null
}


const IMPORT_BATCH = 1000

/**
 * Loads register rows in batches, all in one transaction: the match workers see the register
 * before or after an import, never half of it, and rebuild their indexes once, not once a batch.
 * A column the file's format lacks arrives as undefined and keeps the stored value, so several
 * GIAS files can be layered (the full register, then postcodes). A file that fails part-way
 * changes nothing.
 */
export async function importDirectory(
  db: Db,
  records: AsyncIterable<ImportRecord> | Iterable<ImportRecord>,
  onProgress?: (count: number) => void,
  /** Which register the rows come from: 'gias' (DfE) or 'ofsted' (registered childcare). */
  source: 'gias' | 'ofsted' = 'gias',
): Promise<{ count: number }> {
  return withTransaction(db, async (client) => {
    let batch: ImportRecord[] = []
    let count = 0
    const flush = async () => {
      if (batch.length === 0) return
      await upsertBatch(client, batch, source)
      count += batch.length
      batch = []
      onProgress?.(count)
    }
    for await (const r of records) {
      batch.push(r)
      if (batch.length >= IMPORT_BATCH) await flush()
    }
    await flush()
    return { count }
  })
}

/** A register row; `settingType` when the register says it outright (Ofsted), else taken from the GIAS phase and type. */
export type ImportRecord = DirectoryRecord & { settingType?: SettingType }

async function upsertBatch(db: Queryable, batch: ImportRecord[], source: 'gias' | 'ofsted'): Promise<void> {
  // Later rows for the same URN win within a batch (ON CONFLICT cannot touch a row twice).
  const byUrn = new Map(batch.map((r) => [r.urn, r]))
  const rows = [...byUrn.values()]
  const col = <K extends keyof DirectoryRecord>(k: K) => rows.map((r) => (r[k] === undefined ? null : String(r[k])))
  const settingTypes = rows.map((r) => r.settingType ?? settingTypeFromGias(r.phase, r.type) ?? null)
  await db.query(
    `INSERT INTO schools AS s (urn, name, la_code, la_name, phase, type, status, open, postcode, town, setting_type, source)
     SELECT u.urn, COALESCE(u.name, 'URN ' || u.urn), u.la_code, u.la_name, u.phase, u.type, u.status,
            COALESCE(u.open::boolean, true), u.postcode, u.town, COALESCE(u.setting_type, 'school'), $12
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                   $8::text[], $9::text[], $10::text[], $11::text[])
            AS u(urn, name, la_code, la_name, phase, type, status, open, postcode, town, setting_type)
     ON CONFLICT (urn) DO UPDATE SET
       name = CASE WHEN EXCLUDED.name = 'URN ' || EXCLUDED.urn THEN s.name ELSE EXCLUDED.name END,
       la_code = COALESCE(EXCLUDED.la_code, s.la_code),
       la_name = COALESCE(EXCLUDED.la_name, s.la_name),
       phase = COALESCE(EXCLUDED.phase, s.phase),
       type = COALESCE(EXCLUDED.type, s.type),
       status = COALESCE(EXCLUDED.status, s.status),
       open = CASE WHEN EXCLUDED.status IS NULL THEN s.open ELSE EXCLUDED.open END,
       postcode = COALESCE(EXCLUDED.postcode, s.postcode),
       town = COALESCE(EXCLUDED.town, s.town),
       -- The register says what kind of setting a row is, unless an administrator has said so.
       setting_type = CASE WHEN s.source = 'admin' OR (EXCLUDED.phase IS NULL AND EXCLUDED.type IS NULL)
                           THEN s.setting_type ELSE EXCLUDED.setting_type END,
       updated_at = now()`,
    [col('urn'), col('name'), col('laCode'), col('laName'), col('phase'), col('type'), col('status'),
      col('open'), col('postcode'), col('town'), settingTypes, source],
  )
}
