// How well does name-and-postcode find the right setting? A labelled evaluation set built from
// the real DfE register (data/gias), deterministic for a seed: real names with the
// mistakes officers make (typing slips, abbreviations, missing words, wrong or partial
// postcodes), establishments the register only knows by LA (independent, closed), and names
// that are in no register at all. The whole register is imported (`schools import`, both files)
// into a throwaway database; each case runs through the code the match worker uses (the
// process's DirectoryIndex built from that database, then decideNamePostcode); the script prints
// precision, recall, the outcome by category, every wrong identification, and latency.
//
//   npx tsx bench/match-eval.ts
//   EVAL_SEED=7 EVAL_CASES=4000 npx tsx bench/match-eval.ts          another sample, bigger
//   EVAL_DATABASE_URL=postgres://.../db npx tsx bench/match-eval.ts  reuse a loaded database
//   EVAL_DUMP=cases.jsonl EVAL_VERBOSE=1 ...                         every case and candidate, for study
//
// The decision rule's constants were chosen on EVAL_SEED=1; docs/matching.md reports other seeds.
//
// Precision = right identifications / all identifications (an identification of a case whose
// establishment is in no register is wrong). Recall = right identifications / cases whose
// establishment is in the register. "Review" is the safe outcome: the child waits for an officer.
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import type { DirectoryRecord } from '../src/domain/gias-csv.js'
import { readGiasFile } from '../src/store/gias-files.js'
import {
  decideNamePostcode,
  isEarlierRecordOf,
  parsePostcode,
  schoolNameKey,
  successionKey,
  tokenSimilarity,
  tokenWeight,
  type NamePostcodeDecision,
  type ScoredCandidate,
} from '../src/domain/school-names.js'
import { createPool, type Db } from '../src/store/db.js'
import { currentDirectoryIndex, directoryVersion, inEnglandOrWales } from '../src/store/directory-search.js'
import { migrate } from '../src/store/migrate.js'
import { importDirectory } from '../src/store/schools-store.js'
import { fmt, summarise } from './lib/stats.js'
import { prng } from '../src/prng.js'

const ADMIN_URL = process.env.EVAL_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SEED = Number(process.env.EVAL_SEED ?? 2026)
const CASES = Number(process.env.EVAL_CASES ?? 3000)
const VERBOSE = process.env.EVAL_VERBOSE === '1'
const gias = (f: string) => fileURLToPath(new URL(`../data/gias/${f}`, import.meta.url))
const FILES = ['gias-establishments-all-20240617.csv', 'register-trainee-teachers-schools-gias-20250711.csv'].map(gias)

// ---------------------------------------------------------------------------------------------
// Seeded randomness (mulberry32): the same seed gives the same set on any machine.

function seeded(seed: number) {
  const next = prng(seed)
  const int = (n: number) => Math.floor(next() * n)
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!
  const chance = (p: number) => next() < p
  return { next, int, pick, chance }
}
type Rng = ReturnType<typeof seeded>

// ---------------------------------------------------------------------------------------------
// The register, merged as `schools import` merges it.

interface Entry {
  urn: string
  name: string
  laCode: string | null
  open: boolean
  status: string | null
  postcode: string | null
  town: string | null
  laName: string | null
  key: string
  succession: string
}

async function loadRegister(): Promise<Entry[]> {
  const byUrn = new Map<string, DirectoryRecord>()
  for (const file of FILES) {
    for await (const r of readGiasFile(file)) byUrn.set(r.urn, { ...byUrn.get(r.urn), ...defined(r), urn: r.urn })
  }
  return [...byUrn.values()]
    .filter((r) => r.name !== undefined && inEnglandOrWales(r.laCode ?? null))
    .map((r) => ({
      urn: r.urn,
      name: r.name!,
      laCode: r.laCode ?? null,
      open: r.open ?? true,
      status: r.status ?? null,
      postcode: r.postcode ?? null,
      town: r.town ?? null,
      laName: r.laName ?? null,
      key: schoolNameKey(r.name!),
      succession: successionKey(r.name!, r.laName ?? null),
    }))
}

const defined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>

// ---------------------------------------------------------------------------------------------
// Officers' mistakes

const KEYBOARD = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm']
function neighbours(ch: string): string[] {
  const out: string[] = []
  KEYBOARD.forEach((row, r) => {
    const i = row.indexOf(ch)
    if (i < 0) return
    if (i > 0) out.push(row[i - 1]!)
    if (i < row.length - 1) out.push(row[i + 1]!)
    for (const rr of [r - 1, r + 1]) {
      const other = KEYBOARD[rr]
      if (other?.[i]) out.push(other[i]!)
    }
  })
  return out.length > 0 ? out : [ch]
}

/** One typing slip inside a word: a neighbouring key, two letters swapped, one dropped or doubled. */
function slip(word: string, rng: Rng): string {
  if (word.length < 3) return word
  const i = 1 + rng.int(word.length - 2) // keep the first letter, as people mostly do
  const ch = word[i]!
  const lower = ch.toLowerCase()
  switch (rng.int(5)) {
    case 0: {
      const n = rng.pick(neighbours(lower))
      return word.slice(0, i) + (ch === lower ? n : n.toUpperCase()) + word.slice(i + 1)
    }
    case 1:
      return word.slice(0, i - 1) + word[i] + word[i - 1] + word.slice(i + 1)
    case 2:
      return word.slice(0, i) + word.slice(i + 1)
    case 3:
      return word.slice(0, i) + ch + word.slice(i)
    default:
      return word.slice(0, i) + rng.pick(neighbours(lower)) + word.slice(i)
  }
}

const LIGHT = /^(school|primary|academy|the|and|of|church|england|catholic|voluntary|aided|controlled|community|infants?|juniors?|nursery|c|e|cofe|ce|rc|&)$/i

function typos(name: string, rng: Rng, n: number): string {
  const words = name.split(' ')
  for (let k = 0; k < n; k++) {
    const idx = words.map((w, i) => [w, i] as const).filter(([w]) => w.replace(/[^A-Za-z]/g, '').length >= 4)
    if (idx.length === 0) break
    // Slips land on the words that matter as often as on the others.
    const [w, i] = rng.pick(idx)
    words[i] = slip(w, rng)
  }
  return words.join(' ')
}

const ABBREVIATIONS: [RegExp, string[]][] = [
  [/\bSaint\b/g, ['St', 'St.']],
  [/\bSt\b\.?/g, ['Saint', 'St.', 'St']],
  [/\bChurch of England\b/gi, ['C of E', 'CE', 'CofE', 'C.E.']],
  [/\bC of E\b/g, ['Church of England', 'CE', 'CofE']],
  [/\bCofE\b/g, ['C of E', 'Church of England', 'CE']],
  [/\bRoman Catholic\b/gi, ['RC', 'R.C.', 'Catholic']],
  [/\bCatholic\b/g, ['RC', 'R.C.', 'Cath']],
  [/\bPrimary\b/g, ['Prim', 'Pri', 'Primary']],
  [/\bSchool\b/g, ['Sch', 'Sch.', 'School']],
  [/\bJunior\b/g, ['Jnr', 'Jun']],
  [/\bInfants?\b/g, ['Inf', 'Infants']],
  [/\bAcademy\b/g, ['Acad', 'Academy']],
  [/ and /g, [' & ', ' + ']],
  [/ & /g, [' and ']],
  [/'/g, ['', '’']],
  [/\bMount\b/g, ['Mt']],
]

function abbreviate(name: string, rng: Rng): string {
  let out = name
  let changed = false
  for (const [re, subs] of ABBREVIATIONS) {
    if (re.test(out) && rng.chance(0.7)) {
      re.lastIndex = 0
      out = out.replace(re, () => rng.pick(subs))
      changed = true
    }
    re.lastIndex = 0
  }
  if (!changed) out = out.replace(/'/g, '')
  return caseNoise(out, rng)
}

function caseNoise(name: string, rng: Rng): string {
  const r = rng.next()
  if (r < 0.15) return name.toLowerCase()
  if (r < 0.25) return name.toUpperCase()
  return name
}

const DROPPABLE: RegExp[] = [
  /^The /i,
  / School$/i,
  /,? a Voluntary (Catholic )?Academy$/i,
  / (Church of England|C of E|CofE|CE)( \((VA|VC|Aided|Controlled)\))?( Voluntary (Aided|Controlled))?/i,
  / (Roman )?Catholic/i,
  / Voluntary (Aided|Controlled)/i,
  / Community/i,
  / Academy$/i,
  / Primary School$/i,
  / Infant and Nursery/i,
  / and Nursery/i,
  / Methodist/i,
  / Endowed/i,
]

/** Leaves words out as people do when they say a name: 'Oakfield Primary', 'St Mary's'. */
function dropWords(name: string, rng: Rng): string {
  let out = name
  for (const re of DROPPABLE) if (re.test(out) && rng.chance(0.6)) out = out.replace(re, '')
  if (out === name) {
    // Nothing standard to drop: lose the last word if it is a light one.
    const words = name.split(' ')
    if (words.length > 2 && LIGHT.test(words.at(-1)!)) out = words.slice(0, -1).join(' ')
  }
  return out.trim().replace(/\s+/g, ' ').replace(/,$/, '') || name
}

// ---------------------------------------------------------------------------------------------
// Postcodes

interface Geo {
  districtsByLa: Map<string, string[]>
  districtsByArea: Map<string, string[]>
}

function buildGeo(register: Entry[]): Geo {
  const byLa = new Map<string, Set<string>>()
  const byArea = new Map<string, Set<string>>()
  for (const e of register) {
    const p = parsePostcode(e.postcode)
    if (!p) continue
    if (e.laCode) (byLa.get(e.laCode) ?? byLa.set(e.laCode, new Set()).get(e.laCode)!).add(p.district)
    ;(byArea.get(p.area) ?? byArea.set(p.area, new Set()).get(p.area)!).add(p.district)
  }
  const sorted = (m: Map<string, Set<string>>) => new Map([...m].map(([k, v]) => [k, [...v].sort()]))
  return { districtsByLa: sorted(byLa), districtsByArea: sorted(byArea) }
}

const randomInward = (rng: Rng) => `${rng.int(10)}${rng.pick([...'ABDEFGHJLNPQRSTUWXYZ'])}${rng.pick([...'ABDEFGHJLNPQRSTUWXYZ'])}`

/** A postcode that is wrong as officers' are: the child's home in the same or a neighbouring district. */
function wrongPostcode(postcode: string, geo: Geo, rng: Rng): string {
  const p = parsePostcode(postcode)!
  if (rng.chance(0.5)) return `${p.district} ${randomInward(rng)}`
  const others = (geo.districtsByArea.get(p.area) ?? []).filter((d) => d !== p.district)
  const near = neighbourDistricts(p.district, others)
  return `${near.length > 0 ? rng.pick(near) : p.district} ${randomInward(rng)}`
}

function neighbourDistricts(district: string, others: string[]): string[] {
  const num = Number(/[0-9]+/.exec(district)?.[0] ?? NaN)
  const near = others.filter((d) => Math.abs(Number(/[0-9]+/.exec(d)?.[0] ?? NaN) - num) <= 2)
  return near.length > 0 ? near : others
}

// ---------------------------------------------------------------------------------------------
// The set

type Category =
  | 'exact name, full postcode'
  | 'typing slips, postcode or district'
  | 'abbreviations, postcode or district'
  | 'missing words, district'
  | 'wrong postcode'
  | 'name only'
  | 'no postcode in register, LA district'
  | 'closed school, LA district'
  | 'not in the register'

interface Case {
  category: Category
  name: string
  postcode: string | null
  /** The establishment meant, or null when it is in no register. */
  truth: string | null
  /** Another establishment has the very same name where the query points (or anywhere, with no postcode). */
  twin: boolean
}

const MIX: [Category, number][] = [
  ['exact name, full postcode', 0.1],
  ['typing slips, postcode or district', 0.15],
  ['abbreviations, postcode or district', 0.14],
  ['missing words, district', 0.14],
  ['wrong postcode', 0.1],
  ['name only', 0.08],
  ['no postcode in register, LA district', 0.07],
  ['closed school, LA district', 0.1],
  ['not in the register', 0.12],
]

/**
 * Register entries that are another entry's earlier record (isEarlierRecordOf: an academy
 * conversion, a school newer than the register extract). An officer asks for those under the
 * newer record, so they are not used as the truth of a case.
 */
function earlierRecords(register: Entry[], geo: Geo): Set<string> {
  const lasOfDistrict = new Map<string, Set<string>>()
  for (const [la, ds] of geo.districtsByLa) for (const d of ds) (lasOfDistrict.get(d) ?? lasOfDistrict.set(d, new Set()).get(d)!).add(la)
  const asCandidate = (e: Entry): ScoredCandidate => {
    const district = parsePostcode(e.postcode)?.district
    return {
      urn: e.urn, name: e.name, postcode: e.postcode, laCode: e.laCode, open: e.open, status: e.status, town: e.town, laName: e.laName,
      score: 0, nameScore: 0, location: 'none',
      ...(e.laCode === null && district ? { districtLas: [...(lasOfDistrict.get(district) ?? [])] } : {}),
    }
  }
  const bySuccession = new Map<string, Entry[]>()
  for (const e of register) (bySuccession.get(e.succession) ?? bySuccession.set(e.succession, []).get(e.succession)!).push(e)
  const out = new Set<string>()
  for (const group of bySuccession.values()) {
    if (group.length < 2) continue
    const cs = group.map(asCandidate)
    for (const c of cs) if (cs.some((o) => isEarlierRecordOf(c, o))) out.add(c.urn)
  }
  return out
}

function buildCases(register: Entry[], n: number, rng: Rng): Case[] {
  const geo = buildGeo(register)
  const earlier = earlierRecords(register, geo)
  const current = register.filter((e) => !earlier.has(e.urn))
  const withPostcode = current.filter((e) => e.open && e.postcode !== null && parsePostcode(e.postcode)?.full)
  const noPostcode = current.filter((e) => e.open && e.postcode === null && e.laCode !== null && geo.districtsByLa.has(e.laCode))
  const closed = current.filter((e) => !e.open && e.laCode !== null && geo.districtsByLa.has(e.laCode))
  const keys = new Map<string, Entry[]>()
  for (const e of current) (keys.get(e.key) ?? keys.set(e.key, []).get(e.key)!).push(e)
  const allKeys = new Set(register.map((e) => e.key))
  const vocabulary = [...new Set(register.flatMap((e) => e.key.split(' ')).filter((t) => t.length >= 5 && tokenWeight(t) >= 1))].sort()

  const twinOf = (e: Entry, postcode: string | null): boolean => {
    const district = parsePostcode(postcode)?.district
    return (keys.get(e.key) ?? []).some((o) => {
      if (o.urn === e.urn) return false
      if (!district) return true
      const od = parsePostcode(o.postcode)?.district
      return od === district || (od === undefined && o.laCode !== null && (geo.districtsByLa.get(o.laCode) ?? []).includes(district))
    })
  }
  const postcodeOrDistrict = (e: Entry) => (rng.chance(0.5) ? e.postcode! : parsePostcode(e.postcode)!.district)
  const laDistrict = (e: Entry) => rng.pick(geo.districtsByLa.get(e.laCode!)!)

  const cases: Case[] = []
  for (const [category, share] of MIX) {
    const count = Math.round(n * share)
    for (let k = 0; k < count; k++) {
      let e: Entry
      let name: string
      let postcode: string | null
      let truth: string | null
      switch (category) {
        case 'exact name, full postcode':
          e = rng.pick(withPostcode)
          ;[name, postcode, truth] = [e.name, e.postcode, e.urn]
          break
        case 'typing slips, postcode or district':
          e = rng.pick(withPostcode)
          ;[name, postcode, truth] = [typos(e.name, rng, rng.chance(0.7) ? 1 : 2), postcodeOrDistrict(e), e.urn]
          break
        case 'abbreviations, postcode or district':
          e = rng.pick(withPostcode)
          ;[name, postcode, truth] = [abbreviate(e.name, rng), postcodeOrDistrict(e), e.urn]
          break
        case 'missing words, district':
          e = rng.pick(withPostcode)
          ;[name, postcode, truth] = [caseNoise(dropWords(e.name, rng), rng), parsePostcode(e.postcode)!.district, e.urn]
          break
        case 'wrong postcode':
          e = rng.pick(withPostcode)
          name = rng.chance(0.5) ? e.name : rng.chance(0.5) ? abbreviate(e.name, rng) : dropWords(e.name, rng)
          ;[postcode, truth] = [wrongPostcode(e.postcode!, geo, rng), e.urn]
          break
        case 'name only':
          e = rng.pick(rng.chance(0.8) ? withPostcode : noPostcode)
          name = rng.chance(0.4) ? e.name : rng.chance(0.5) ? abbreviate(e.name, rng) : typos(e.name, rng, 1)
          ;[postcode, truth] = [null, e.urn]
          break
        case 'no postcode in register, LA district':
          e = rng.pick(noPostcode)
          name = rng.chance(0.4) ? e.name : rng.chance(0.5) ? abbreviate(e.name, rng) : typos(e.name, rng, 1)
          ;[postcode, truth] = [laDistrict(e), e.urn]
          break
        case 'closed school, LA district':
          e = rng.pick(closed)
          name = rng.chance(0.5) ? e.name : rng.chance(0.5) ? abbreviate(e.name, rng) : typos(e.name, rng, 1)
          ;[postcode, truth] = [laDistrict(e), e.urn]
          break
        case 'not in the register': {
          // A real name with its distinctive word swapped for another real word (not a slip
          // away), so that it looks like a school, checked to be nobody's name; the postcode is
          // the district, or somewhere in it, as for a school the register does not hold.
          e = rng.pick(withPostcode)
          const words = e.name.split(' ')
          const slots = words.map((w, i) => [w, i] as const).filter(([w]) => tokenWeight(schoolNameKey(w)) >= 1 && schoolNameKey(w).length >= 3)
          if (slots.length === 0) {
            k--
            continue
          }
          const [word, i] = rng.pick(slots)
          const replacement = rng.pick(vocabulary)
          if (tokenSimilarity(schoolNameKey(word), replacement) > 0 || tokenSimilarity(replacement, schoolNameKey(word)) > 0) {
            k--
            continue
          }
          words[i] = capitalise(replacement)
          name = words.join(' ')
          if (allKeys.has(schoolNameKey(name))) {
            k--
            continue
          }
          const district = parsePostcode(e.postcode)!.district
          ;[postcode, truth] = [rng.chance(0.5) ? district : `${district} ${randomInward(rng)}`, null]
          break
        }
      }
      cases.push({ category, name, postcode, truth, twin: truth !== null && twinOf(e, postcode) })
    }
  }
  return cases
}

const capitalise = (w: string) => w[0]!.toUpperCase() + w.slice(1)

// ---------------------------------------------------------------------------------------------
// Run

interface Outcome {
  c: Case
  decision: NamePostcodeDecision
  /** Search and decision in the process's index, one figure per timing pass. */
  ms: number[]
  /** The round trip that checks the register's version in Postgres before each search (searchDirectory). */
  msCheck: number[]
}

/** The set is timed this many times over: the host is shared, and one pass can catch a neighbour's burst. */
const PASSES = Number(process.env.EVAL_PASSES ?? 3)

async function withDatabase<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  if (process.env.EVAL_DATABASE_URL) {
    const db = createPool(process.env.EVAL_DATABASE_URL, { max: 2 })
    try {
      return await fn(db)
    } finally {
      await db.end()
    }
  }
  const name = `enc_eval_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  const db = createPool(url.toString(), { max: 2 })
  try {
    await migrate(db)
    const started = Date.now()
    for (const file of FILES) await importDirectory(db, readGiasFile(file))
    await db.query('ANALYZE schools')
    console.log(`loaded the register into ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    return await fn(db)
  } finally {
    await db.end()
    if (process.env.EVAL_KEEP === '1') console.log(`kept ${url.toString()}`)
    else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  }
}

async function main(): Promise<void> {
  const register = await loadRegister()
  const rng = seeded(SEED)
  const cases = buildCases(register, CASES, rng)
  console.log(`evaluation set: ${cases.length} cases from ${register.length} register entries (seed ${SEED})`)
  const outcomes = await withDatabase(async (db) => {
    // Build the index and warm it, as a running worker has it.
    const index = await currentDirectoryIndex(db)
    for (const c of cases.slice(0, 50)) index.search({ name: c.name, postcode: c.postcode })
    const out: Outcome[] = cases.map((c) => ({
      c,
      decision: decideNamePostcode(index.search({ name: c.name, postcode: c.postcode }), schoolNameKey(c.name) !== '', process.env.EVAL_DUMP ? 15 : 5),
      ms: [],
      msCheck: [],
    }))
    for (let pass = 0; pass < PASSES; pass++) {
      for (const o of out) {
        const query = { name: o.c.name, postcode: o.c.postcode }
        const t0 = process.hrtime.bigint()
        decideNamePostcode(index.search(query), schoolNameKey(o.c.name) !== '')
        const t1 = process.hrtime.bigint()
        await directoryVersion(db)
        const t2 = process.hrtime.bigint()
        o.ms.push(Number(t1 - t0) / 1e6)
        o.msCheck.push(Number(t2 - t1) / 1e6)
      }
    }
    return out
  })
  if (process.env.EVAL_DUMP) {
    // One line per case, for studying thresholds: the case and the leading candidates.
    writeFileSync(process.env.EVAL_DUMP, outcomes.map((o) => JSON.stringify({ ...o.c, candidates: o.decision.candidates })).join('\n'))
  }
  report(outcomes)
}

function report(outcomes: Outcome[]): void {
  const rows = new Map<string, { n: number; right: number; wrong: number; review: number; twins: number }>()
  let tp = 0
  let fp = 0
  let positives = 0
  let identifiable = 0
  let tpIdentifiable = 0
  for (const { c, decision } of outcomes) {
    const r = rows.get(c.category) ?? rows.set(c.category, { n: 0, right: 0, wrong: 0, review: 0, twins: 0 }).get(c.category)!
    r.n++
    if (c.twin) r.twins++
    if (c.truth !== null) positives++
    if (c.truth !== null && !c.twin) identifiable++
    if (decision.kind === 'identified') {
      if (decision.candidate.urn === c.truth) {
        tp++
        r.right++
        if (!c.twin) tpIdentifiable++
      } else {
        fp++
        r.wrong++
        console.log(`wrong: [${c.category}] "${c.name}" ${c.postcode ?? '-'} -> ${decision.candidate.urn} ${decision.candidate.name} ${decision.candidate.postcode ?? ''} (${decision.candidate.score}); truth ${c.truth}`)
      }
    } else {
      r.review++
      if (VERBOSE && c.truth !== null && !c.twin) {
        const top = decision.candidates.slice(0, 2).map((x) => `${x.name} ${x.postcode ?? x.laCode} ${x.score}${x.urn === c.truth ? '*' : ''}`).join(' | ')
        console.log(`REVIEW [${c.category}] ${decision.reason} "${c.name}" ${c.postcode ?? '-'}: ${top}`)
      }
    }
  }
  const pad = (s: string | number, n: number) => String(s).padStart(n)
  console.log('')
  console.log(`${'category'.padEnd(40)} ${pad('cases', 6)} ${pad('right', 6)} ${pad('wrong', 6)} ${pad('review', 7)} ${pad('twins', 6)}`)
  for (const [k, r] of rows) console.log(`${k.padEnd(40)} ${pad(r.n, 6)} ${pad(r.right, 6)} ${pad(r.wrong, 6)} ${pad(r.review, 7)} ${pad(r.twins, 6)}`)
  const precision = tp / Math.max(1, tp + fp)
  console.log('')
  console.log(`identified ${tp + fp}: right ${tp}, wrong ${fp}; sent to review ${outcomes.length - tp - fp}`)
  console.log(`precision ${precision.toFixed(4)}`)
  console.log(`recall    ${(tp / positives).toFixed(4)} of ${positives} cases whose establishment is in the register`)
  console.log(`recall    ${(tpIdentifiable / identifiable).toFixed(4)} of ${identifiable} of them that a person could tell apart (no same-named establishment where the query points)`)
  const row = (label: string, xs: number[]) => {
    const l = summarise(xs)
    console.log(`${label.padEnd(52)} p50 ${fmt(l.p50, 2).padStart(6)}  p95 ${fmt(l.p95, 2).padStart(6)}  p99 ${fmt(l.p99, 2).padStart(6)}  max ${fmt(l.max, 2).padStart(6)}`)
  }
  console.log('')
  console.log(`latency, ms (one process, sequential; ${PASSES} timing passes over the set, each shown):`)
  for (let p = 0; p < PASSES; p++) {
    console.log(`pass ${p + 1}`)
    row('  search + decision in the process (all cases)', outcomes.map((o) => o.ms[p]!))
    row('    cases with a name and a postcode', outcomes.filter((o) => o.c.postcode !== null).map((o) => o.ms[p]!))
    row('  register version check (one Postgres round trip)', outcomes.map((o) => o.msCheck[p]!))
    row('  the two together, as searchDirectory does them', outcomes.map((o) => o.ms[p]! + o.msCheck[p]!))
  }
}

await main()
