// Reads DfE "Get Information About Schools" (GIAS) establishment CSVs into directory records.
// Why hand-written: no CSV dependency may be added, the full register (51k rows, 3.6 MB; the real
// edubasealldata is ~60 MB) must stream rather than be read whole, and the five file shapes we hold
// name the same facts differently. The parser is a single-pass RFC 4180 state machine that survives
// chunk boundaries anywhere (inside quotes, between CR and LF, inside a UTF-8 sequence).
// Fields are mapped by column name, not by format, so a column the file lacks stays undefined and an
// import can merge several files without blanking values another file supplied.
// Pure: it reads what it is given (chunks, texts); opening files and loading the LA table the
// service ships is store/gias-files.ts.
import { BomAwareDecoder, TextEncodingError, type TextEncodingName } from './text-encoding.js'

export interface DirectoryRecord {
  urn: string
  name?: string
  laCode?: string
  laName?: string
  phase?: string
  type?: string
  /** GIAS wording, whatever the file's case: one of GIAS_STATUSES. */
  status?: string
  /** status !== 'Closed' (undefined when the status is unknown). */
  open?: boolean
  /** Upper case with one space before the inward code, e.g. 'TS18 1AB'. */
  postcode?: string
  town?: string
  statutoryLowAge?: number
  statutoryHighAge?: number
}

export type GiasFormat = 'establishments-all' | 'target-las-joined' | 'statefunded' | 'edubasealldata' | 'trainee-register'

export interface ReadGiasOptions {
  /**
   * LA name key (see laNameKey) -> GIAS LA code, for files that carry LA names but no codes (needed
   * for those: store/gias-files.ts gives the table in data/la-codes.csv).
   */
  laCodesByName?: Map<string, string>
  /**
   * Byte encoding of Buffer chunks. Raw DfE downloads are Windows-1252; the copies in data/gias are
   * UTF-8 (the default). A byte-order mark at the start overrides it.
   */
  encoding?: TextEncodingName
  /** Named in error messages, e.g. the file name. */
  source?: string
}

/** A malformed file or row; `line` is the 1-based physical line where the offending record starts. */
export class GiasCsvError extends Error {
  readonly line: number | undefined
  constructor(message: string, line?: number) {
    super(message)
    this.name = 'GiasCsvError'
    this.line = line
  }
}

// ---------------------------------------------------------------------------------------------
// RFC 4180 parser

const COMMA = 44
const QUOTE = 34
const LF = 10
const CR = 13

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted, // saw '"' inside a quoted field: closing quote or the first of a doubled pair
  AfterCr, // saw CR ending a record: swallow one LF
}

export interface CsvRow {
  fields: string[]
  /** 1-based physical line on which the record starts. */
  line: number
}

/**
 * Incremental RFC 4180 parser: quoted fields, doubled quotes, commas and line breaks inside quotes,
 * CRLF / LF / CR record ends, leading BOM. Completely empty lines are skipped. Feed text with push();
 * call end() once at the end of input.
 */
export class CsvParser {
  private state: State = State.FieldStart
  private field = ''
  private row: string[] = []
  private line = 1
  private rowLine = 1
  private rowHasContent = false
  private atStart = true
  /** Where the pending slice of the current field starts in the text being pushed. */
  private start = 0

  constructor(private readonly source = 'CSV') {}

  /** Physical line the parser has reached (1-based). */
  get currentLine(): number {
    return this.line
  }

  push(text: string): CsvRow[] {
    const out: CsvRow[] = []
    let s = text
    if (this.atStart && s.length > 0) {
      this.atStart = false
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1)
    }
    this.start = 0
    let i = 0
    while (i < s.length) i = this.step(s, i, out)
    return out
  }

  /** One state's work from s[i]: returns where the next state starts reading. */
  private step(s: string, i: number, out: CsvRow[]): number {
    switch (this.state) {
      case State.AfterCr:
        if (s.charCodeAt(i) === LF) i++
        this.state = State.FieldStart
        return i
      case State.FieldStart:
        return this.fieldStart(s, i, out)
      case State.Unquoted:
        return this.unquoted(s, i, out)
      case State.Quoted:
        return this.quoted(s, i)
      case State.QuoteInQuoted:
        return this.quoteInQuoted(s, i, out)
    }
  }

  private fieldStart(s: string, i: number, out: CsvRow[]): number {
    if (this.row.length === 0 && !this.rowHasContent) {
      const next = this.wholeLine(s, i, out)
      if (next !== -1) return next
    }
    if (s.charCodeAt(i) === QUOTE) {
      this.rowHasContent = true
      this.state = State.Quoted
      this.start = i + 1
      return i + 1
    }
    this.state = State.Unquoted
    this.start = i
    return i
  }

  /**
   * Fast path for a whole record on one line without quotes (most GIAS rows): native split. Returns
   * the index after the line, or -1 when the record needs the state machine.
   */
  private wholeLine(s: string, i: number, out: CsvRow[]): number {
    const nl = s.indexOf('\n', i)
    if (nl === -1) return -1
    const end = nl > i && s.charCodeAt(nl - 1) === CR ? nl - 1 : nl
    const text = s.slice(i, end)
    if (text.indexOf('"') !== -1 || text.indexOf('\r') !== -1) return -1
    if (text.length > 0) out.push({ fields: text.split(','), line: this.line })
    this.line++
    this.rowLine = this.line
    return nl + 1
  }

  private unquoted(s: string, i: number, out: CsvRow[]): number {
    // Hot loop: scan to the next delimiter.
    const n = s.length
    let c = 0
    while (i < n) {
      c = s.charCodeAt(i)
      if (c === COMMA || c === LF || c === CR || c === QUOTE) break
      i++
    }
    if (i > this.start) this.rowHasContent = true
    this.field += s.slice(this.start, i)
    if (i === n) return i
    if (c === QUOTE) {
      throw new GiasCsvError(`${this.source} line ${this.line}: '"' inside an unquoted field (quote the whole field and double the quote)`, this.line)
    }
    this.endFieldOrRecord(c, out)
    return i + 1
  }

  private quoted(s: string, i: number): number {
    const q = s.indexOf('"', i)
    const stop = q === -1 ? s.length : q
    for (let k = i; k < stop; k++) if (s.charCodeAt(k) === LF) this.line++
    this.field += s.slice(this.start, stop)
    if (q === -1) return s.length
    this.state = State.QuoteInQuoted
    return q + 1
  }

  private quoteInQuoted(s: string, i: number, out: CsvRow[]): number {
    const c = s.charCodeAt(i)
    if (c === QUOTE) {
      this.field += '"'
      this.start = i + 1
      this.state = State.Quoted
      return i + 1
    }
    if (c !== COMMA && c !== LF && c !== CR) {
      throw new GiasCsvError(`${this.source} line ${this.line}: unexpected character after closing quote`, this.line)
    }
    this.endFieldOrRecord(c, out)
    return i + 1
  }

  /** A comma ends the field; a line break ends the record (a CR may be followed by an LF to swallow). */
  private endFieldOrRecord(c: number, out: CsvRow[]): void {
    if (c === COMMA) {
      this.endField()
      this.state = State.FieldStart
      return
    }
    this.endRecord(out)
    this.line++
    this.state = c === CR ? State.AfterCr : State.FieldStart
  }

  end(): CsvRow[] {
    const out: CsvRow[] = []
    if (this.state === State.Quoted) {
      throw new GiasCsvError(`${this.source} line ${this.rowLine}: quoted field not closed before end of file`, this.rowLine)
    }
    if (this.state !== State.AfterCr) this.endRecord(out)
    this.state = State.FieldStart
    return out
  }

  private endField(): void {
    this.row.push(this.field)
    this.field = ''
  }

  private endRecord(out: CsvRow[]): void {
    if (this.rowHasContent || this.row.length > 0) {
      this.row.push(this.field)
      out.push({ fields: this.row, line: this.rowLine })
    }
    this.field = ''
    this.row = []
    this.rowHasContent = false
    this.rowLine = this.line + 1 // caller increments line after a record end; EOF end() is harmless
  }
}

/** Parse one complete CSV text into rows of fields (header included). */
export function parseCsv(text: string, source?: string): CsvRow[] {
  const p = new CsvParser(source)
  const rows = p.push(text)
  for (const r of p.end()) rows.push(r)
  return rows
}

/** Parse a single CSV record (which may itself contain quoted line breaks). */
export function parseCsvLine(line: string): string[] {
  const rows = parseCsv(line)
  if (rows.length > 1) throw new GiasCsvError(`expected one CSV record, found ${rows.length}`)
  return rows[0]?.fields ?? ['']
}

// ---------------------------------------------------------------------------------------------
// Formats

/** Lower-cased, trimmed header -> field it supplies. Both GIAS download names and DfE Digital JSON-key names. */
const COLUMN_ALIASES: Record<string, keyof DirectoryRecord> = {
  urn: 'urn',
  name: 'name',
  establishmentname: 'name',
  la_code: 'laCode',
  'la (code)': 'laCode',
  local_authority_name: 'laName',
  'la (name)': 'laName',
  phase_of_education: 'phase',
  'phaseofeducation (name)': 'phase',
  'typeofestablishment (name)': 'type',
  status: 'status',
  'establishmentstatus (name)': 'status',
  postcode: 'postcode',
  town: 'town',
  statutorylowage: 'statutoryLowAge',
  statutoryhighage: 'statutoryHighAge',
}

const GIAS_REQUIRED = ['URN', 'LA (code)', 'LA (name)', 'EstablishmentName', 'EstablishmentStatus (name)']
const SNAKE_REQUIRED: Record<'establishments-all' | 'target-las-joined' | 'trainee-register', string[]> = {
  'establishments-all': ['urn', 'name', 'local_authority_name', 'status'],
  'target-las-joined': ['urn', 'name', 'local_authority_name', 'la_code', 'status'],
  'trainee-register': ['urn', 'name', 'town', 'postcode'],
}

function normHeader(h: string): string {
  return h.replace(/^\uFEFF/, '').trim().toLowerCase()
}

/**
 * Which GIAS extract a header row belongs to. Throws naming the missing columns when it is none of them.
 * - establishments-all: DfE Digital gias-data index (urn, name, local_authority_name, …, status), no LA code
 * - target-las-joined: the same plus la_code, town, postcode, open_date
 * - trainee-register: Register trainee teachers' schools_gias.csv (urn, name, open_date, town, postcode)
 * - statefunded: GIAS edubaseallstatefunded download (33 columns)
 * - edubasealldata: GIAS edubasealldata download (140 columns, with "(code)" columns beside "(name)")
 */
export function detectGiasFormat(header: string[]): GiasFormat {
  const cols = new Set(header.map(normHeader))
  const missing = (names: string[]) => names.filter((c) => !cols.has(c.toLowerCase()))
  const found = `found columns: ${header.slice(0, 12).map((h) => JSON.stringify(h)).join(', ')}${header.length > 12 ? ', …' : ''}`
  if (!cols.has('urn')) {
    throw new GiasCsvError(`not a GIAS establishment CSV: missing column "URN" (${found})`)
  }
  const giasStyle = cols.has('la (code)') || cols.has('la (name)') || cols.has('establishmentname') || cols.has('establishmentstatus (name)')
  if (giasStyle) {
    const miss = missing(GIAS_REQUIRED)
    if (miss.length > 0) throw new GiasCsvError(`GIAS download CSV is missing column(s) ${miss.map((m) => `"${m}"`).join(', ')} (${found})`)
    return cols.has('establishmentstatus (code)') || cols.has('typeofestablishment (code)') ? 'edubasealldata' : 'statefunded'
  }
  const fmt = cols.has('local_authority_name') || cols.has('status')
    ? (cols.has('la_code') ? 'target-las-joined' : 'establishments-all')
    : cols.has('postcode') || cols.has('town') || cols.has('open_date')
      ? 'trainee-register'
      : undefined
  if (fmt === undefined) {
    throw new GiasCsvError(
      `GIAS CSV header not recognised: has "urn" but is missing "local_authority_name", "status" (establishments index) ` +
        `or "town", "postcode" (trainee register) or "LA (code)", "EstablishmentName" (GIAS download) (${found})`,
    )
  }
  const miss = missing(SNAKE_REQUIRED[fmt])
  if (miss.length > 0) throw new GiasCsvError(`GIAS ${fmt} CSV is missing column(s) ${miss.map((m) => `"${m}"`).join(', ')} (${found})`)
  return fmt
}

// ---------------------------------------------------------------------------------------------
// Value normalisation

const UK_POSTCODE = /^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$/

/** 'ts18 1ab' / 'TS181AB' / ' TS18  1AB ' -> 'TS18 1AB'. Non-UK values (overseas schools) are only trimmed and upper-cased. */
export function normalisePostcode(raw: string): string | undefined {
  const s = raw.trim().toUpperCase().replace(/\s+/g, ' ')
  if (s === '') return undefined
  const m = UK_POSTCODE.exec(s.replace(/ /g, ''))
  return m ? `${m[1]} ${m[2]}` : s
}

/** Key for matching LA names across sources: case-, space- and punctuation-insensitive, '&' = 'and'. */
export function laNameKey(name: string): string {
  return name.toLowerCase().replace(/&/g, 'and').replace(/[^a-z0-9]/g, '')
}

/**
 * LA name -> GIAS 3-digit LA code from one or more LA tables: data/la-codes.csv (la_name,la_code,ons_code)
 * or the GIAS "Local authority name and associated codes" downloads (English / Welsh / Other).
 * Codes are kept as published ('Does not apply' is '0', as in the LA (code) column of GIAS downloads).
 */
export function loadLaCodes(csvTexts: string[]): Map<string, string> {
  const map = new Map<string, string>()
  csvTexts.forEach((text, t) => {
    const rows = parseCsv(text, `LA code table ${t + 1}`)
    const header = rows[0]?.fields.map(normHeader) ?? []
    const nameCol = header.findIndex((h) => h === 'la_name' || /\bname\b/.test(h))
    const codeCol = header.findIndex((h) => h === 'la_code' || /\(gias\).*code/.test(h))
    if (nameCol < 0 || codeCol < 0) {
      throw new GiasCsvError(`LA code table ${t + 1}: need an LA name column and a GIAS LA code column (header: ${header.join(', ')})`)
    }
    for (const { fields, line } of rows.slice(1)) {
      const name = fields[nameCol]?.trim() ?? ''
      const code = fields[codeCol]?.trim() ?? ''
      if (name === '' && code === '') continue
      if (name === '' || !/^[0-9]{1,3}$/.test(code)) {
        throw new GiasCsvError(`LA code table ${t + 1} line ${line}: bad row ${JSON.stringify(fields)}`, line)
      }
      const key = laNameKey(name)
      const prev = map.get(key)
      if (prev !== undefined && prev !== code) {
        throw new GiasCsvError(`LA code table ${t + 1} line ${line}: "${name}" has code ${code} here but ${prev} earlier`, line)
      }
      map.set(key, code)
    }
  })
  return map
}

// ---------------------------------------------------------------------------------------------
// Reader

/** Every establishment status GIAS publishes. Files differ in case ("OPEN", "open, but proposed to close"). */
export const GIAS_STATUSES = ['Open', 'Closed', 'Open, but proposed to close', 'Proposed to open'] as const
const statusKey = (s: string) => s.toLowerCase().replace(/[^a-z]+/g, ' ').trim()
const STATUS_BY_KEY = new Map<string, string>(GIAS_STATUSES.map((s) => [statusKey(s), s]))

/** A status as a file spells it -> GIAS's own wording, or undefined when it is none of them. */
export function giasStatus(raw: string): string | undefined {
  return STATUS_BY_KEY.get(statusKey(raw))
}

type Input = AsyncIterable<string | Buffer> | NodeJS.ReadableStream

/**
 * Stream DirectoryRecords out of a GIAS CSV (any of the formats detectGiasFormat knows).
 * Rows with an empty URN are skipped. A field is undefined when the file has no such column or the
 * cell is blank. A malformed row (wrong field count, bad quoting, non-numeric URN or age) throws a
 * GiasCsvError carrying the line number.
 */
export async function* readGiasCsv(input: Input, opts: ReadGiasOptions = {}): AsyncGenerator<DirectoryRecord> {
  const source = opts.source ?? 'GIAS CSV'
  const parser = new CsvParser(source)
  const decoder = new BomAwareDecoder(opts.encoding ?? 'utf-8', (lines) => `${source} line ${parser.currentLine + lines}`)
  let mapper: ((row: CsvRow) => DirectoryRecord | undefined) | undefined

  // Rows -> records synchronously, then plain `yield`s: each yield in an async generator costs promises
  // (and async-hook callbacks under test runners), so avoid delegating to a sync generator per record.
  const toRecords = (rows: CsvRow[]): DirectoryRecord[] => {
    const recs: DirectoryRecord[] = []
    for (const row of rows) {
      if (mapper === undefined) {
        mapper = makeMapper(row.fields, opts, source)
        continue
      }
      const rec = mapper(row)
      if (rec !== undefined) recs.push(rec)
    }
    return recs
  }

  const decode = (chunk: Uint8Array | undefined): string => {
    try {
      return chunk === undefined ? decoder.end() : decoder.write(chunk)
    } catch (err) {
      if (err instanceof TextEncodingError) throw new GiasCsvError(err.message, parser.currentLine + err.linesIntoChunk)
      throw err
    }
  }

  for await (const chunk of input as AsyncIterable<string | Buffer>) {
    for (const rec of toRecords(parser.push(typeof chunk === 'string' ? chunk : decode(chunk)))) yield rec
  }
  const tail = parser.push(decode(undefined))
  for (const r of parser.end()) tail.push(r)
  for (const rec of toRecords(tail)) yield rec
  if (mapper === undefined) throw new GiasCsvError(`${source}: empty file (no header row)`)
}

function makeMapper(header: string[], opts: ReadGiasOptions, source: string): (row: CsvRow) => DirectoryRecord | undefined {
  detectGiasFormat(header) // throws on unknown / incomplete headers
  const idx: Partial<Record<keyof DirectoryRecord, number>> = {}
  header.forEach((h, i) => {
    const field = COLUMN_ALIASES[normHeader(h)]
    if (field !== undefined && idx[field] === undefined) idx[field] = i
  })
  const width = header.length
  const { urn: urnI = 0, name: nameI, laCode: laCodeI, laName: laNameI, phase: phaseI, type: typeI, status: statusI } = idx
  const { postcode: postcodeI, town: townI, statutoryLowAge: lowI, statutoryHighAge: highI } = idx
  // Files with LA names but no codes get codes by name.
  const laCodes = laCodeI === undefined && laNameI !== undefined ? opts.laCodesByName : undefined
  if (laCodeI === undefined && laNameI !== undefined && laCodes === undefined) {
    throw new GiasCsvError(`${source}: names local authorities without their codes, and no LA code table was given (laCodesByName)`)
  }

  const str = (f: string[], i: number | undefined): string | undefined => {
    if (i === undefined) return undefined
    const v = (f[i] as string).trim()
    return v === '' ? undefined : v
  }
  const age = (f: string[], i: number | undefined, line: number, col: string): number | undefined => {
    const v = str(f, i)
    if (v === undefined) return undefined
    if (!/^[0-9]{1,2}$/.test(v)) throw new GiasCsvError(`${source} line ${line}: ${col} is not a whole number of years: ${JSON.stringify(v)}`, line)
    return Number(v)
  }

  return ({ fields: f, line }) => {
    if (f.length !== width) {
      throw new GiasCsvError(`${source} line ${line}: expected ${width} fields as in the header, found ${f.length}`, line)
    }
    const urn = (f[urnI] as string).trim()
    if (urn === '') return undefined
    // The directory's rule (schools.urn CHECK): found here, the line can be named.
    if (!/^[0-9]{5,8}$/.test(urn)) throw new GiasCsvError(`${source} line ${line}: URN ${JSON.stringify(urn)} is not a DfE URN (5 to 8 digits)`, line)

    const rec: DirectoryRecord = { urn }
    const name = str(f, nameI)
    if (name !== undefined) rec.name = name
    const laName = str(f, laNameI)
    if (laName !== undefined) rec.laName = laName
    const laCode = laCodes !== undefined ? (laName !== undefined ? laCodes.get(laNameKey(laName)) : undefined) : str(f, laCodeI)
    if (laCode !== undefined) rec.laCode = laCode
    const phase = str(f, phaseI)
    if (phase !== undefined) rec.phase = phase
    const type = str(f, typeI)
    if (type !== undefined) rec.type = type
    const rawStatus = str(f, statusI)
    if (rawStatus !== undefined) {
      // A status read wrongly would send to a closed school, or hold a child from an open one.
      const status = giasStatus(rawStatus)
      if (status === undefined) {
        throw new GiasCsvError(`${source} line ${line}: status ${JSON.stringify(rawStatus)} is not a GIAS establishment status (${GIAS_STATUSES.join('; ')})`, line)
      }
      rec.status = status
      rec.open = status !== 'Closed'
    }
    const pc = postcodeI === undefined ? undefined : normalisePostcode(f[postcodeI] as string)
    if (pc !== undefined) rec.postcode = pc
    const town = str(f, townI)
    if (town !== undefined) rec.town = town
    const low = age(f, lowI, line, 'StatutoryLowAge')
    if (low !== undefined) rec.statutoryLowAge = low
    const high = age(f, highI, line, 'StatutoryHighAge')
    if (high !== undefined) rec.statutoryHighAge = high
    return rec
  }
}
