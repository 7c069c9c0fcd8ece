// Ofsted's registered childcare providers: the provider-level CSV of the "Childcare providers and
// inspections" management information (GOV.UK, published three times a year, OGL). Its first
// rows are a title and notes; the header row starts "Web link,Provider URN,Provider type, ...".
// Headings drift between releases ('Postcode' / 'Provider postcode', 'Local authority' /
// 'Local Authority'), so columns are found by name, case- and space-insensitively.
//
// What the service takes from it: the URN (EY/SC/CH + 6 digits, or the 7-digit numbers Ofsted
// has issued since 2021), the provider's name, town, postcode and local authority, whether it is
// active, and its kind (a childminder, or childcare on domestic / non-domestic premises). Ofsted
// withholds childminders' names and addresses ('REDACTED'): such a provider is imported without
// them, found by its URN only. Pure: text in, records out.
import { parseCsv, laNameKey, normalisePostcode, type DirectoryRecord } from './gias-csv.js'
import { normaliseSettingUrn, type SettingType } from './setting-ids.js'

export interface OfstedRecord extends DirectoryRecord {
  settingType: SettingType
}

export class OfstedCsvError extends Error {
  override readonly name = 'OfstedCsvError'
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message)
  }
}

/** The headings read (any case; the first of each list that the file has). */
export const OFSTED_COLUMNS = {
  urn: ['Provider URN'],
  type: ['Provider type'],
  subtype: ['Provider subtype'],
  status: ['Provider status'],
  name: ['Provider name'],
  town: ['Provider town'],
  postcode: ['Provider postcode', 'Postcode'],
  laName: ['Local authority'],
} as const

const norm = (h: string) => h.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/\s+/g, ' ')

/** Ofsted's provider types -> the service's kinds of setting. */
export function settingTypeFromOfsted(providerType: string): SettingType {
  const t = norm(providerType)
  if (t === 'childminder') return 'childminder'
  if (t === 'childcare on non-domestic premises' || t === 'childcare on domestic premises') return 'early-years'
  return 'other' // home childcarers, childminder agencies
}

const REDACTED = 'redacted'

/**
 * Every provider in one release. A row whose URN is no setting identifier, or a file without the
 * header row, is refused with the line named: a half-read register would hide settings.
 */
export function parseOfstedChildcareCsv(
  text: string,
  opts: { source?: string; laCodesByName?: ReadonlyMap<string, string> } = {},
): OfstedRecord[] {
  const source = opts.source ?? 'Ofsted childcare CSV'
  const rows = parseCsv(text, source)
  const headerAt = rows.findIndex((r) => r.fields.some((f) => norm(f) === 'provider urn'))
  if (headerAt < 0) throw new OfstedCsvError(`${source}: no header row with "Provider URN" (not Ofsted's childcare provider-level data)`)
  const header = rows[headerAt]!.fields.map(norm)
  const col = (names: readonly string[]) => {
    for (const n of names) {
      const i = header.indexOf(norm(n))
      if (i >= 0) return i
    }
    return undefined
  }
  const idx = Object.fromEntries(Object.entries(OFSTED_COLUMNS).map(([k, names]) => [k, col(names)])) as Record<keyof typeof OFSTED_COLUMNS, number | undefined>
  const missing = (['urn', 'type', 'name', 'postcode', 'laName'] as const).filter((k) => idx[k] === undefined)
  if (missing.length > 0) {
    throw new OfstedCsvError(`${source} line ${rows[headerAt]!.line}: missing column ${missing.map((k) => `"${OFSTED_COLUMNS[k][0]}"`).join(', ')}`, rows[headerAt]!.line)
  }
  const out: OfstedRecord[] = []
  for (const { fields, line } of rows.slice(headerAt + 1)) {
    if (fields.every((f) => f.trim() === '')) continue
    const cell = (k: keyof typeof OFSTED_COLUMNS) => {
      const i = idx[k]
      const v = i === undefined ? '' : (fields[i] ?? '').trim()
      return v === '' || v.toLowerCase() === REDACTED ? undefined : v
    }
    const rawUrn = cell('urn')
    if (rawUrn === undefined) continue
    const urn = normaliseSettingUrn(rawUrn)
    if (urn === null) throw new OfstedCsvError(`${source} line ${line}: Provider URN ${JSON.stringify(rawUrn)} is not an Ofsted URN (EY, SC or CH and 6 digits) or a number of 5 to 8 digits`, line)
    const providerType = cell('type') ?? ''
    const rec: OfstedRecord = { urn, settingType: settingTypeFromOfsted(providerType) }
    if (providerType !== '') rec.type = providerType
    const name = cell('name')
    if (name !== undefined) rec.name = name
    const town = cell('town')
    if (town !== undefined) rec.town = town
    const postcode = cell('postcode')
    const pc = postcode === undefined ? undefined : normalisePostcode(postcode)
    if (pc !== undefined) rec.postcode = pc
    const laName = cell('laName')
    if (laName !== undefined) {
      rec.laName = laName
      const code = opts.laCodesByName?.get(laNameKey(laName))
      if (code !== undefined) rec.laCode = code
    }
    const status = cell('status')
    if (status !== undefined) {
      rec.status = status
      rec.open = /^active\b/i.test(status)
    }
    out.push(rec)
  }
  return out
}
