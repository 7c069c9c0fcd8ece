// The name-and-postcode search over the whole register (open and closed establishments).
// Postgres stays the truth; each process keeps an index of the register in memory and rebuilds it
// when directory_version moves (a trigger moves it on every change to `schools`). Why not pg_trgm:
// over 51,000 names a trigram query took 10-45 ms here and trigrams barely see a one-letter slip
// in a short word ('oakfeild' is 0.38 similar to 'oakfield'); the target is 5 ms at p95.
//
// Finding candidates: every word of the register is indexed with its one-letter deletions
// (SymSpell), so a typed word finds its slips, transpositions and dropped letters in a few map
// look-ups; abbreviations by prefix ('oakf'); words run together or split ('oak field');
// plus every establishment in the postcode district given. domain/school-names.ts scores them.
import {
  combineScores,
  contextTokens,
  decideNamePostcode,
  DISTINCTIVE_WEIGHT,
  entryPhases,
  locationAgreementOf,
  parsePostcode,
  QUERY_SIDE_WEIGHT,
  UNEXPLAINED_CAP,
  schoolNameKey,
  scoreCandidate,
  successionKey,
  tokenSimilarity,
  tokenWeight,
  typedPhases,
  type NamePostcodeDecision,
  type NamePostcodeQuery,
  type PostcodeQuery,
  type RegisterEntry,
  type ScoredCandidate,
} from '../domain/school-names.js'
import type { Db, Queryable } from './db.js'

/** GIAS pseudo-LAs outside England and Wales (overseas, offshore, 'Does not apply', 'Not recorded'). */
const NOT_ENGLAND_OR_WALES = new Set(['0', '000', '702', '704', '705', '706', '707', '708', '999'])

/** Rule 3: a setting in any LA of England or Wales will do; overseas and offshore ones will not. */
export function inEnglandOrWales(laCode: string | null): boolean {
  return laCode === null || !NOT_ENGLAND_OR_WALES.has(laCode)
}

/** A query as the search's stages read it. */
interface SearchQuery {
  tokens: string[]
  postcode: PostcodeQuery | null
  /** LAs with establishments in the postcode district given. */
  districtLas: ReadonlySet<string>
  /** Per typed word: register word id -> how likely the typed word stands for it. */
  like: Map<number, number>[]
  /** Per typed word: its weight. */
  weights: number[]
  /** Phase words typed (nursery, infant, junior, primary, secondary, studio). */
  phases: ReadonlySet<string>
}

interface Indexed extends RegisterEntry {
  /** entryPhases: what phase the name (or GIAS) says the entry is. */
  phases: ReadonlySet<string>
  tokens: string[]
  /** Town and LA words (contextTokens). */
  context: string[]
  /** The tokens as word numbers (see DirectoryIndex.words). */
  ids: number[]
  /** Sum of the tokens' weights. */
  weight: number
  pc: PostcodeQuery | null
  succession: string
}

/** Words this common are not used to gather candidates when the query has rarer ones. */
const COMMON_POSTINGS = 1000
/** Candidates scored in full (with words run together or split) after a quick first ranking. */
const FULL_SCORES = 30
/** Query words looked at; a longer "name" is not a name. */
const MAX_QUERY_WORDS = 24

export class DirectoryIndex {
  private readonly entries: Indexed[] = []
  /** Every word of the register, numbered; postings[id] lists the entries whose name has it. */
  private readonly words: string[] = []
  private readonly wordIds = new Map<string, number>()
  private readonly postings: number[][] = []
  private readonly wordWeights: number[] = []
  private readonly deletions = new Map<string, number[]>()
  private readonly sorted: number[]
  private readonly byDistrict = new Map<string, number[]>()
  private readonly lasByDistrict = new Map<string, Set<string>>()
  /** Per-query scratch: how likely query word k stands for register word id (reset after use). */
  private readonly scratch: Float32Array[] = []

  constructor(
    entries: Iterable<RegisterEntry>,
    readonly version: number = 0,
  ) {
    for (const e of entries) {
      if (!inEnglandOrWales(e.laCode)) continue
      const key = schoolNameKey(e.name)
      const tokens = key === '' ? [] : key.split(' ')
      const pc = parsePostcode(e.postcode)
      const { urn, name, postcode, laCode, open, status = null, town = null, laName = null, phase = null } = e
      const i = this.entries.length
      const ids = tokens.map((t) => this.idOf(t))
      const weight = tokens.reduce((w, t) => w + tokenWeight(t), 0)
      const succession = successionKey(name, laName)
      this.entries.push({
        urn, name, postcode, laCode, open, status, town, laName, phase, tokens, ids, weight, pc, succession,
        context: contextTokens(e), phases: entryPhases(tokens, phase),
      })
      for (const id of new Set(ids)) this.postings[id]!.push(i)
      if (pc !== null) {
        push(this.byDistrict, pc.district, i)
        if (laCode !== null) (this.lasByDistrict.get(pc.district) ?? this.lasByDistrict.set(pc.district, new Set()).get(pc.district)!).add(laCode)
      }
    }
    this.sorted = this.words.map((_, id) => id).sort((a, b) => (this.words[a]! < this.words[b]! ? -1 : 1))
    this.words.forEach((word, id) => {
      if (word.length >= 4) for (const d of deletionsOf(word)) push(this.deletions, d, id)
    })
  }

  private idOf(word: string): number {
    let id = this.wordIds.get(word)
    if (id === undefined) {
      id = this.words.push(word) - 1
      this.wordIds.set(word, id)
      this.postings.push([])
      this.wordWeights.push(tokenWeight(word))
    }
    return id
  }

  get size(): number {
    return this.entries.length
  }

  /** Register words a typed word may stand for (equal, a slip away, or abbreviated), with how likely. */
  private wordsLike(t: string): Map<number, number> {
    const found = new Set<number>()
    const exact = this.wordIds.get(t)
    if (exact !== undefined) found.add(exact)
    if (t.length >= 4) {
      for (const id of this.deletions.get(t) ?? []) found.add(id) // t is a word with a letter dropped
      for (const d of deletionsOf(t)) {
        const id = this.wordIds.get(d)
        if (id !== undefined) found.add(id) // t has a letter too many
        for (const w of this.deletions.get(d) ?? []) found.add(w) // a substitution or a swap
      }
    }
    if (t.length >= 4 && exact === undefined) {
      // An abbreviation ('oakf'), when what was typed is no word of the register.
      let lo = 0
      let hi = this.sorted.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (this.words[this.sorted[mid]!]! < t) lo = mid + 1
        else hi = mid
      }
      for (let k = lo; k < this.sorted.length && k - lo < 50 && this.words[this.sorted[k]!]!.startsWith(t); k++) found.add(this.sorted[k]!)
    }
    const out = new Map<number, number>()
    for (const id of found) {
      const s = tokenSimilarity(t, this.words[id]!)
      if (s > 0) out.set(id, s)
    }
    return out
  }

  /** Scored candidates for a name and/or postcode, best first (not yet decided). */
  search(query: NamePostcodeQuery): ScoredCandidate[] {
    const q = this.readQuery(query)
    const { gathered, joined } = this.gather(q)
    const quick = this.quickRank(q, gathered)
    return this.scoreInFull(q, new Set<number>([...quick.slice(0, FULL_SCORES).map((x) => x.i), ...joined]))
  }

  /**
   * Stage 1: what was typed. Each typed word's register words with how likely it stands for them,
   * and what it weighs: a misspelt 'scool' weighs what 'school' weighs, and does not gather half
   * the register.
   */
  private readQuery(query: NamePostcodeQuery): SearchQuery {
    const key = query.name ? schoolNameKey(query.name) : ''
    const tokens = key === '' ? [] : key.split(' ').slice(0, MAX_QUERY_WORDS)
    const postcode = parsePostcode(query.postcode)
    const districtLas = postcode ? (this.lasByDistrict.get(postcode.district) ?? new Set<string>()) : new Set<string>()
    const like = tokens.map((t) => this.wordsLike(t))
    const weights = tokens.map((t, k) => {
      if (this.wordIds.has(t) || like[k]!.size === 0) return tokenWeight(t)
      return Math.max(...[...like[k]!.keys()].map((id) => this.wordWeights[id]!))
    })
    return { tokens, postcode, districtLas, like, weights, phases: typedPhases(tokens) }
  }

  /**
   * Stage 2: gathering, by the distinctive words, leaving out very common ones when rarer ones
   * are there, plus the whole district ('The Primary School' alone names no school anywhere).
   * Names with words run together or split ('oak field' / 'oakfield') are only seen by the full
   * score: `joined` are always scored in full.
   */
  private gather(q: SearchQuery): { gathered: Set<number>; joined: Set<number> } {
    const { tokens, like, weights, postcode } = q
    const groups: { lists: number[][]; size: number }[] = []
    for (const k of tokens.map((_, k) => k).filter((k) => weights[k]! >= DISTINCTIVE_WEIGHT)) {
      const lists = [...like[k]!.keys()].map((id) => this.postings[id]!)
      if (lists.length > 0) groups.push({ lists, size: lists.reduce((n, l) => n + l.length, 0) })
    }
    const rare = groups.filter((g) => g.size <= COMMON_POSTINGS)
    const use = rare.length > 0 ? rare : groups.sort((a, b) => a.size - b.size).slice(0, 1)
    const gathered = new Set<number>()
    for (const g of use) for (const l of g.lists) for (const i of l) gathered.add(i)
    if (postcode) for (const i of this.byDistrict.get(postcode.district) ?? []) gathered.add(i)

    const joined = new Set<number>()
    for (let k = 0; k + 1 < tokens.length; k++) {
      const id = this.wordIds.get(tokens[k]! + tokens[k + 1]!)
      if (id !== undefined) for (const i of this.postings[id]!) joined.add(i)
    }
    for (const t of tokens) {
      for (let cut = 3; cut <= t.length - 3; cut++) {
        const x = this.wordIds.get(t.slice(0, cut))
        const y = this.wordIds.get(t.slice(cut))
        if (x === undefined || y === undefined || this.wordWeights[x]! < 1 || this.wordWeights[y]! < 1) continue
        const [small, other] = this.postings[x]!.length <= this.postings[y]!.length ? [this.postings[x]!, y] : [this.postings[y]!, x]
        for (const i of small) if (this.entries[i]!.ids.includes(other)) joined.add(i)
      }
    }
    for (const i of joined) gathered.add(i)
    return { gathered, joined }
  }

  /** Stage 3: a quick ranking, the same weighted coverage as the full score read off flat arrays, best first. */
  private quickRank(q: SearchQuery, gathered: Set<number>): { i: number; score: number }[] {
    const { tokens, like, weights, postcode, districtLas } = q
    while (this.scratch.length <= tokens.length) this.scratch.push(new Float32Array(this.words.length))
    const anyWord = this.scratch[tokens.length]!
    like.forEach((m, k) => {
      const row = this.scratch[k]!
      for (const [id, s] of m) {
        row[id] = s
        if (s > anyWord[id]!) anyWord[id] = s
      }
    })
    const quick: { i: number; score: number }[] = []
    for (const i of gathered) {
      const e = this.entries[i]!
      let qGot = 0
      let qTotal = 0
      let unexplained = false
      for (let k = 0; k < tokens.length; k++) {
        const row = this.scratch[k]!
        let best = 0
        for (const id of e.ids) if (row[id]! > best) best = row[id]!
        if (best === 0 && e.context.includes(tokens[k]!)) continue // the town, typed beside the name
        qGot += weights[k]! * best
        qTotal += weights[k]!
        if (best === 0 && weights[k]! >= 1) unexplained = true
      }
      let cGot = 0
      const cTotal = e.weight
      for (const id of e.ids) cGot += this.wordWeights[id]! * anyWord[id]!
      let name = qTotal === 0 || cTotal === 0 ? 0 : QUERY_SIDE_WEIGHT * (qGot / qTotal) + (1 - QUERY_SIDE_WEIGHT) * (cGot / cTotal)
      if (unexplained) name = Math.min(name, UNEXPLAINED_CAP)
      quick.push({ i, score: combineScores(name, locationAgreementOf(postcode, e.pc, e.laCode, districtLas)) })
    }
    like.forEach((m, k) => {
      for (const id of m.keys()) {
        this.scratch[k]![id] = 0
        anyWord[id] = 0
      }
    })
    return quick.sort((a, b) => b.score - a.score)
  }

  /** Stage 4: the full score (domain/school-names.ts) of the leaders, best first. */
  private scoreInFull(q: SearchQuery, leaders: Set<number>): ScoredCandidate[] {
    // Each query word meets the same register words again and again: work each pair out once.
    const memo = new Map<string, Map<string, number>>()
    const sim = (a: string, b: string) => {
      let row = memo.get(a)
      if (!row) memo.set(a, (row = new Map()))
      let v = row.get(b)
      if (v === undefined) row.set(b, (v = tokenSimilarity(a, b)))
      return v
    }
    return [...leaders]
      .map((i) => {
        const e = this.entries[i]!
        const c = scoreCandidate(q, e, q.districtLas, sim)
        c.succession = e.succession
        if (e.laCode === null && e.pc !== null) c.districtLas = [...(this.lasByDistrict.get(e.pc.district) ?? [])]
        return c
      })
      .sort((a, b) => b.score - a.score)
  }

  /**
   * How well one establishment agrees with a name and/or postcode typed beside its URN, scored as
   * the search would score it: a URN with a slipped digit lands on another real school.
   */
  agreement(entry: RegisterEntry, query: NamePostcodeQuery): ScoredCandidate {
    const key = query.name ? schoolNameKey(query.name) : ''
    const postcode = parsePostcode(query.postcode)
    const districtLas = postcode ? (this.lasByDistrict.get(postcode.district) ?? new Set<string>()) : new Set<string>()
    return scoreCandidate({ tokens: key === '' ? [] : key.split(' ').slice(0, MAX_QUERY_WORDS), postcode }, entry, districtLas)
  }

  decide(query: NamePostcodeQuery): NamePostcodeDecision {
    return decideNamePostcode(this.search(query), Boolean(query.name && schoolNameKey(query.name) !== ''))
  }
}

function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k)
  if (list) list.push(v)
  else map.set(k, [v])
}

function deletionsOf(word: string): Set<string> {
  const out = new Set<string>()
  for (let i = 0; i < word.length; i++) out.add(word.slice(0, i) + word.slice(i + 1))
  return out
}

// ---------------------------------------------------------------------------------------------
// Keeping each process's index in step with Postgres

export async function directoryVersion(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ version: string }>('SELECT version::text FROM directory_version')
  return Number(rows[0]?.version ?? 0)
}

export async function loadDirectoryIndex(db: Queryable): Promise<DirectoryIndex> {
  const version = await directoryVersion(db)
  const { rows } = await db.query<RegisterEntry>(
    `SELECT urn, name, postcode, la_code AS "laCode", open, status, town, la_name AS "laName", phase
       FROM schools WHERE source NOT IN ('la-childrens-services', 'la-health-visiting')`,
  )
  return new DirectoryIndex(rows, version)
}

const cache = new WeakMap<Db, { index: DirectoryIndex | null; loading: Promise<DirectoryIndex> | null }>()

/**
 * This process's index for the pool's database, rebuilt when the register has changed. One
 * version read per call; concurrent callers share one rebuild.
 */
export async function currentDirectoryIndex(db: Db): Promise<DirectoryIndex> {
  let slot = cache.get(db)
  if (!slot) cache.set(db, (slot = { index: null, loading: null }))
  const s = slot
  if (s.index && (await directoryVersion(db)) === s.index.version) return s.index
  s.loading ??= loadDirectoryIndex(db).then(
    (index) => {
      s.index = index
      s.loading = null
      return index
    },
    (err: unknown) => {
      s.loading = null
      throw err
    },
  )
  return s.loading
}

/** Scored candidates for a name and/or postcode over the current register, best first. */
export async function searchDirectory(db: Db, query: NamePostcodeQuery): Promise<ScoredCandidate[]> {
  return (await currentDirectoryIndex(db)).search(query)
}

