// Finding a setting from what an officer typed: normalised names, the fuzzy score, postcode
// agreement and the decision rule, then the search over the real DfE register (51,012
// establishments plus the 2025 postcodes), built in memory exactly as each worker builds it.
import t from 'tap'
import { fileURLToPath } from 'node:url'
import type { DirectoryRecord } from '../../src/domain/gias-csv.js'
import { readGiasFile } from '../../src/store/gias-files.js'
import {
  decideNamePostcode,
  isEarlierRecordOf,
  locationAgreement,
  parsePostcode,
  schoolNameKey,
  scoreNames,
  successionKey,
  tokenSimilarity,
  type ScoredCandidate,
} from '../../src/domain/school-names.js'
import { DirectoryIndex } from '../../src/store/directory-search.js'

const gias = (f: string) => fileURLToPath(new URL(`../../data/gias/${f}`, import.meta.url))

t.test('names are normalised the way officers and the register differ', async (t) => {
  const same = (a: string, b: string, why: string) => t.equal(schoolNameKey(a), schoolNameKey(b), why)
  same("St. Mary's C of E (VA) Prim Sch", 'Saint Mary’s Church of England (VA) Primary School', 'St/Saint, C of E, apostrophes, abbreviations, case')
  same('ST MARYS CE PRIMARY', "St Mary's CofE Primary", 'CE = CofE, capitals')
  same('Sts Peter & Paul RC Jnr', 'Saints Peter and Paul Roman Catholic Junior', '& = and, RC = Roman Catholic = Catholic')
  same('Ysgol Gymraeg Bro Dinefŵr', 'Ysgol Gymraeg Bro Dinefwr', 'accents')
  same('Ysgol Gynradd Amlwch', 'Ysgol Cynradd Amlwch', 'cynradd with or without its soft mutation')
  t.equal(schoolNameKey('Ysgol Gynradd Amlwch'), 'school primary amlwch', 'Ysgol Gynradd is a primary school')
  t.equal(schoolNameKey('Ysgol Uwchradd Caergybi'), 'school secondary caergybi', 'Ysgol Uwchradd is a secondary school')
  t.equal(schoolNameKey('Ysgol Gyfun Llangefni'), 'school comprehensive llangefni', 'Ysgol Gyfun is a comprehensive')
  t.equal(schoolNameKey('Ysgol Santes Helen'), 'school saint helen', 'santes, a female saint')
  t.equal(schoolNameKey('Ysgol Sant Dunawd'), 'school saint dunawd', 'sant, a male saint')
  t.equal(schoolNameKey('Ysgol Feithrin Rhydaman'), 'school nursery rhydaman', 'meithrin after its soft mutation')
  t.equal(schoolNameKey('Ysgol-Y-Wern'), 'school y wern', 'hyphens')
  t.equal(schoolNameKey('Oakfield Infants’'), 'oakfield infant')
  t.equal(schoolNameKey('Oakfield C.E. Prim.'), 'oakfield church of england primary')
})

t.test('a typed word stands for a register word: slips, swaps and abbreviations, but not another saint', async (t) => {
  t.equal(tokenSimilarity('oakfield', 'oakfield'), 1)
  t.ok(tokenSimilarity('oakfeild', 'oakfield') >= 0.8, 'two letters swapped in a long word')
  t.ok(tokenSimilarity('bllenheim', 'blenheim') >= 0.8, 'a doubled letter')
  t.ok(tokenSimilarity('oakf', 'oakfield') > 0, 'an abbreviation of four letters or more')
  t.ok(tokenSimilarity('mray', 'mary') > tokenSimilarity('marys', 'marks'), 'a swap in a short word counts more than a different letter')
  t.ok(tokenSimilarity('marys', 'marks') < 0.7, "Mary's and Mark's are different saints")
  t.equal(tokenSimilarity('oak', 'oakwood'), 0, 'three letters are too few to abbreviate')
  t.equal(tokenSimilarity('oakfield', 'oakwood'), 0)
})

t.test('the name score: missing words cost little, a wrong distinctive word a lot', async (t) => {
  t.equal(scoreNames('Oakfield Primary School', 'Oakfield Primary School').score, 1)
  t.ok(scoreNames('Oakfield Primary', 'Oakfield Primary School').score > 0.95, "'School' left out")
  t.ok(scoreNames("St Mary's", "St Mary's Catholic Primary School, a Voluntary Academy").score > 0.75, 'only the distinctive words typed')
  t.ok(scoreNames('Oakfield Primary', 'Oakwood Primary School').score < 0.3, 'another place')
  t.ok(scoreNames('Muslim Cross Catholic Primary', 'Holy Cross Catholic Primary School').score <= 0.6, 'a distinctive word the candidate lacks caps the score')
  t.ok(scoreNames('Oak Field Primary', 'Oakfield Primary School').score > 0.9, 'a word split in two')
})

t.test('postcodes: full, district, sector and how a candidate agrees', async (t) => {
  t.same(parsePostcode('ts181ab'), { full: 'TS18 1AB', district: 'TS18', sector: 'TS18 1', area: 'TS' })
  t.same(parsePostcode(' TS18 '), { full: null, district: 'TS18', sector: null, area: 'TS' })
  t.equal(parsePostcode('not a postcode'), null)
  const q = parsePostcode('TS18 1AB')
  const las = new Set(['808'])
  t.equal(locationAgreement(q, { postcode: 'TS18 1AB', laCode: '808' }, las), 'postcode')
  t.equal(locationAgreement(q, { postcode: 'TS18 1ZZ', laCode: '808' }, las), 'sector')
  t.equal(locationAgreement(q, { postcode: 'TS18 3JB', laCode: '808' }, las), 'district')
  t.equal(locationAgreement(q, { postcode: 'TS15 9HF', laCode: '808' }, las), 'la', 'another district of the same LA')
  t.equal(locationAgreement(q, { postcode: 'TS4 2DS', laCode: '806' }, las), 'area')
  t.equal(locationAgreement(q, { postcode: 'SW1A 1AA', laCode: '213' }, las), 'conflict')
  t.equal(locationAgreement(q, { postcode: null, laCode: '808' }, las), 'la', 'an independent school: the register has its LA only')
  t.equal(locationAgreement(null, { postcode: 'TS18 1AB', laCode: '808' }, las), 'none', 'no postcode given')
})

const cand = (over: Partial<ScoredCandidate>): ScoredCandidate => ({
  urn: '100001', name: 'Oakfield Primary School', postcode: 'TS18 1AB', laCode: '808', open: true, status: 'Open',
  score: 0.95, nameScore: 1, location: 'postcode', ...over,
})

t.test('the decision: identify only a clear leader, otherwise review with the candidates', async (t) => {
  const clear = decideNamePostcode([cand({}), cand({ urn: '100002', name: 'Oakwood Primary School', score: 0.5, nameScore: 0.3 })], true)
  t.equal(clear.kind, 'identified')
  const close = decideNamePostcode([cand({}), cand({ urn: '100002', name: 'Oakfield Junior School', score: 0.93 })], true)
  t.match(close, { kind: 'review', reason: 'name-postcode-ambiguous' }, 'two settings within the margin')
  t.equal(close.candidates.length, 2)
  t.match(decideNamePostcode([cand({ score: 0.7, nameScore: 0.7 })], true), { kind: 'review', reason: 'name-postcode-low-confidence' })
  t.match(decideNamePostcode([cand({})], false), { kind: 'review', reason: 'name-postcode-low-confidence' }, 'a postcode alone identifies nothing')
  t.match(decideNamePostcode([], true), { kind: 'review', reason: 'name-postcode-not-found' })
})

t.test('a converted school’s closed record is its earlier self, not a rival', async (t) => {
  t.equal(successionKey('Washacre Primary School'), successionKey('Washacre Primary Academy'))
  t.equal(successionKey("St Patrick's RC Primary School, Rochdale", 'Rochdale'), successionKey("St Patrick's RC Primary School", 'Rochdale'))
  const academy = cand({ urn: '140001', name: 'Washacre Primary Academy', score: 0.95 })
  const old = cand({ urn: '105001', name: 'Washacre Primary School', postcode: null, open: false, status: 'Closed', score: 0.93, location: 'la' })
  t.ok(isEarlierRecordOf(old, academy))
  t.notOk(isEarlierRecordOf(academy, old))
  t.match(decideNamePostcode([old, academy], true), { kind: 'identified', candidate: { urn: '140001' } })
  const elsewhere = cand({ ...old, laCode: '350' })
  t.notOk(isEarlierRecordOf(elsewhere, academy), 'a namesake in another LA is another school')
})

// ---------------------------------------------------------------------------------------------
// Over the real register

async function realRegister(): Promise<DirectoryIndex> {
  const byUrn = new Map<string, DirectoryRecord>()
  for (const f of ['gias-establishments-all-20240617.csv', 'register-trainee-teachers-schools-gias-20250711.csv']) {
    for await (const r of readGiasFile(gias(f))) {
      const defined = Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined))
      byUrn.set(r.urn, { ...byUrn.get(r.urn), ...defined, urn: r.urn })
    }
  }
  return new DirectoryIndex(
    [...byUrn.values()].map((r) => ({
      urn: r.urn, name: r.name ?? `URN ${r.urn}`, postcode: r.postcode ?? null, laCode: r.laCode ?? null, open: r.open ?? true,
      status: r.status ?? null, town: r.town ?? null, laName: r.laName ?? null,
    })),
  )
}

t.test('over the whole register', async (t) => {
  const index = await realRegister()
  t.ok(index.size > 51_000, 'open and closed establishments, England and Wales only')
  const decide = (name: string | null, postcode: string | null) => index.decide({ name, postcode })

  t.match(decide('Bowesfield Primary School', 'TS18 3JB'), { kind: 'identified', candidate: { urn: '111540', location: 'postcode' } }, 'exact')
  t.match(decide('bowesfeild prim', 'TS18'), { kind: 'identified', candidate: { urn: '111540' } }, 'a slip, an abbreviation, the district only')
  t.match(decide('Bowesfield Primary', 'TS19 7AA'), { kind: 'identified', candidate: { urn: '111540', location: 'la' } }, 'the child’s home postcode, next district')
  t.match(decide('Oakfield Primary School', 'SS12'), { kind: 'identified', candidate: { urn: '131806', laCode: '881' } }, 'outside the force’s area: a match in any LA')
  const both = decide('Oakfield School', 'NE9')
  t.match(both, { kind: 'review', reason: 'name-postcode-ambiguous' }, 'infant and junior schools on one site: never guess')
  t.ok(both.candidates.some((c) => c.urn === '150641') && both.candidates.some((c) => c.urn === '150640'), 'both are offered to the officer')
  t.match(decide('Oakfield Primary School', null), { kind: 'review' }, 'a common name with no postcode')
  // The register gives independent schools an LA but no postcode, so Yarm School (independent)
  // and Yarm Primary School (TS15 9HF) come out close; the name typed exactly is Yarm School's,
  // and an exact full name beats a longer name that contains it (issue 14).
  t.match(decide('Yarm School', 'TS15'), { kind: 'identified', candidate: { urn: '111769' } }, 'an independent school beside a longer namesake with a postcode')
  t.match(decide('Oakmere Valley Primary School', 'TS18'), { kind: 'review' }, 'a school in no register')
  t.match(decide(null, 'TS18 3JB'), { kind: 'review' }, 'a postcode alone')
  const closed = decide('Oakfield Community Infant School', 'WA7')
  t.match(closed, { kind: 'identified', candidate: { urn: '111190', open: false } }, 'a closed school is found, for the match worker to hold')
  // How fast: bench/match-eval.ts measures it (docs/matching.md); a timed test would be flaky.
})

t.test('Welsh settings over the whole register: Welsh names or their English, and Welsh postcodes (CF, SA, LL, NP, LD, SY)', async (t) => {
  // The register holds Welsh settings without postcodes: a Welsh postcode agrees with them by the
  // authorities its area reaches (WELSH_LAS_BY_POSTCODE_AREA), never better than 'area'.
  const index = await realRegister()
  const decide = (name: string | null, postcode: string | null) => index.decide({ name, postcode })
  const found = (name: string, postcode: string, urn: string, laCode: string, why: string) =>
    t.match(decide(name, postcode), { kind: 'identified', candidate: { urn, laCode, location: 'area' } }, why)
  found('Ysgol Gynradd Amlwch', 'LL68 9DY', '400041', '660', 'Ysgol Gynradd, Anglesey, LL')
  found('Amlwch Primary School', 'LL68', '400041', '660', 'the same school in English')
  found('Ysgol Uwchradd Caergybi', 'LL65', '401666', '660', 'Ysgol Uwchradd')
  found('Ysgol Gyfun Llangefni', 'LL77 7NU', '401667', '660', 'Ysgol Gyfun')
  found('Llangefni Comprehensive', 'LL77', '401667', '660', 'Ysgol Gyfun in English')
  found('Ysgol Santes Helen', 'LL55', '400195', '661', 'Gwynedd')
  found('St Helen School', 'LL55', '400195', '661', 'Santes in English: not the St Helen’s schools of England')
  found('Ysgol Gymraeg Bro Ogwr', 'CF31 1AA', '401064', '672', 'Ysgol Gymraeg, Bridgend, CF')
  found('Ysgol y Wern', 'CF14 6AA', '401624', '681', 'Cardiff, the register writes Ysgol-Y-Wern')
  found('Ysgol Gymraeg Melin Gruffydd', 'CF14', '401623', '681', 'Cardiff, a district')
  found('Ysgol Gynradd Gymraeg Tirdeunaw', 'SA5', '400941', '670', 'Swansea, SA')
  found('Ysgol Gymraeg Tirdeunaw', 'SA5', '400941', '670', 'a word of the register’s name left out')
  found('Ysgol Gymraeg Teilo Sant', 'SA19', '400821', '669', 'Carmarthenshire, SA')
  found('Ysgol Gymraeg Casnewydd', 'NP19 4RR', '401546', '680', 'Newport, NP')
  found('Ysgol Gymraeg Bro Helyg', 'NP23 4AA', '401412', '677', 'Blaenau Gwent, NP')
  found('Ysgol Gynradd Carno', 'SY17 5LH', '400469', '666', 'Powys, SY')
  found('Ysgol Gynradd Carno', 'LD1 5AA', '400469', '666', 'Powys, LD')
  found('Ysgol Sant Dunawd', 'LL13', '400437', '665', 'Wrexham, LL')

  t.match(decide('Ysgol Gymraeg Bro Ogwr', 'SA1 1AA'), { kind: 'review', reason: 'name-postcode-low-confidence' }, 'a Bridgend school given a Swansea postcode: review, not a guess')
  t.match(decide('Ysgol Gynradd Carno', 'CF10'), { kind: 'review' }, 'a Powys school given a Cardiff postcode')
  t.match(decide('Ysgol Gymraeg Bro Ogwr', 'TS18'), { kind: 'review' }, 'a Welsh school given an English postcode')
  t.match(decide('Ysgol Gymraeg', 'SA1'), { kind: 'review' }, 'only the words every Welsh-medium school has')
  t.match(decide('Ysgol Gymraeg Llundain', 'W13'), { kind: 'identified', candidate: { urn: '101573', laCode: '307' } }, 'the London Welsh School, in England, by its LA')
})
