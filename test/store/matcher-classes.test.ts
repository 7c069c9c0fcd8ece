// The classes of name + postcode query the matcher must get right, on real entries of the DfE
// register (data/gias: the 51,012 establishments, with the 2025 postcodes). The index is built in
// memory as each process builds it from Postgres. Identifying the wrong setting sends a child's
// details to the wrong school: in every doubtful case below the answer must be the review queue.
import t from 'tap'
import type { DirectoryRecord } from '../../src/domain/gias-csv.js'
import type { RegisterEntry } from '../../src/domain/school-names.js'
import { DirectoryIndex } from '../../src/store/directory-search.js'
import { readGiasFile } from '../../src/store/gias-files.js'
import { giasFile } from '../helpers/harness.js'

const byUrn = new Map<string, DirectoryRecord>()
for (const f of ['gias-establishments-all-20240617.csv', 'register-trainee-teachers-schools-gias-20250711.csv']) {
  // Read as the import reads them: the 2025 file names LAs without codes (data/la-codes.csv).
  for await (const r of readGiasFile(giasFile(f))) byUrn.set(r.urn, { ...byUrn.get(r.urn), ...r })
}
const entry = (r: DirectoryRecord): RegisterEntry => ({
  urn: r.urn, name: r.name ?? `URN ${r.urn}`, postcode: r.postcode ?? null, laCode: r.laCode ?? null, open: r.open ?? true,
  status: r.status ?? null, town: r.town ?? null, laName: r.laName ?? null, phase: r.phase ?? null,
})
const register = [...byUrn.values()].map(entry)
const index = new DirectoryIndex(register)

/** The URN identified, or 'review'. */
function answer(idx: DirectoryIndex, name: string, postcode: string): string {
  const d = idx.decide({ name, postcode })
  return d.kind === 'identified' ? d.candidate.urn : 'review'
}

t.test('a phase word the setting contradicts never lets it win: the review queue instead', async (t) => {
  const cases: [string, string, string][] = [
    // typed, postcode, the only setting of that name there (another phase)
    ['Allesley Junior School', 'CV5', '103662 Allesley Primary School'],
    ['Allesley Jnr Sch', 'CV5', '103662 Allesley Primary School'],
    ['Stoke Nursery', 'CV2 4LF', '103679 Stoke Primary School, at that very postcode'],
    ['Yarm Nursery', 'TS15', '140599 Yarm Primary School'],
    ['Yarm Secondary School', 'TS15', '140599 Yarm Primary School'],
    ['Christ Church Studio School', 'NW1', '100029 Christ Church School (a primary, by its GIAS phase)'],
    ['Allesley Infnat School', 'CV5', 'a slip in the phase word is still the phase word'],
  ]
  for (const [name, postcode, why] of cases) t.equal(answer(index, name, postcode), 'review', `${name}, ${postcode}: ${why}`)
  // The phase typed that the setting has is no contradiction.
  t.equal(answer(index, 'Hall Green Infant', 'B28'), '103210', 'Hall Green Infant School, not the junior or the secondary')
  t.equal(answer(index, 'Hampton Infant School', 'TW12'), '102888', 'Hampton Infant School and Nursery')
  t.equal(answer(index, 'Allesley Primray School', 'CV5'), '103662')
})

t.test('an exact full name beats a longer name that contains it', async (t) => {
  const cases: [string, string, string][] = [
    ['Dartford Grammar School', 'DA1', '136359'], // not Dartford Grammar School for Girls
    ['Woolwich Polytechnic School', 'SE28', '141163'], // not ... for Girls
    ['Harris Academy Orpington', 'BR5', '143427'], // not Harris Primary Academy Orpington
    ['Hall Green School', 'B28', '137858'], // not Hall Green Junior / Infant School
    ['Darrick Wood School', 'BR6 8ER', '136355'], // the junior and infant schools share its postcode
    ['Oasis Academy South Bank', 'SE1', '139659'], // not ... South Bank Primary
    ['Walthamstow Academy', 'E17 5DP', '132727'], // not Walthamstow Primary Academy, same postcode
  ]
  for (const [name, postcode, urn] of cases) t.equal(answer(index, name, postcode), urn, `${name}, ${postcode}`)
  t.equal(answer(index, 'Dartford Grammar School for Girls', 'DA1'), '144100', 'and the longer name typed is the longer one')
  t.equal(answer(index, 'Harris Primary Academy Orpington', 'BR5'), '143426')
})

t.test('a closed predecessor never competes with its open successor (a conversion keeps name and postcode)', async (t) => {
  // The register extract here has no postcodes for closed establishments; GIAS's full extract
  // gives a converted school's closed record the same address as its successor, as here.
  const pairs: [string, string, string][] = [
    ['111050', '146131', 'Sandiway Primary School'],
    ['111119', '149663', 'Hartford Primary School'],
    ['111110', '147995', 'Tarvin Primary School'],
  ]
  const withAddress = register.map((e) => {
    const pair = pairs.find(([old]) => old === e.urn)
    return pair ? { ...e, postcode: byUrn.get(pair[1])!.postcode ?? null } : e
  })
  // …and one conversion that also changed the name: the closed record as 'Sandiway County Primary School'.
  const renamed = withAddress.map((e) => (e.urn === '111050' ? { ...e, name: 'Sandiway County Primary School' } : e))
  for (const idx of [new DirectoryIndex(withAddress), new DirectoryIndex(renamed)]) {
    for (const [old, successor, name] of pairs) {
      t.equal(byUrn.get(old)?.open, false, `${old} is closed`)
      const postcode = byUrn.get(successor)!.postcode!
      t.equal(answer(idx, name, postcode), successor, `${name}, ${postcode} → ${successor}`)
      t.equal(answer(idx, name, postcode.split(' ')[0]!), successor, `${name}, district only`)
    }
  }
  // A predecessor renamed at its conversion: the exact old name typed still finds the open school.
  const academy = withAddress.map((e) => (e.urn === '146131' ? { ...e, name: 'Sandiway Academy' } : e))
  t.equal(answer(new DirectoryIndex(academy), 'Sandiway Primary School', 'CW8 2ND'), '146131', 'the old name, now an academy at the same address')
})

t.test('common abbreviations are understood', async (t) => {
  const cases: [string, string, string][] = [
    ['Bickerton Holy Trinity C of E Prim Sch', 'SY14', '111268'], // CofE Primary School
    ['Bickerton Holy Trinity CE Primary', 'SY14 8AP', '111268'],
    ['Bickerton Holy Trinity Church of England Primary School', 'SY14', '111268'],
    ['Tutshill CofE Prim', 'NP16', '115655'], // Church of England Primary School
    ['Hall Green Inf Sch', 'B28', '103210'],
    ['Hall Green Jnr', 'B28', '103209'],
    ['Saint Josephs RC Prim', 'SA1', '400950'], // St Joseph's Catholic Primary School, Swansea
    ['Harris Acad Orpington', 'BR5', '143427'],
  ]
  for (const [name, postcode, urn] of cases) t.equal(answer(index, name, postcode), urn, `${name}, ${postcode}`)
})

t.test('Welsh postcodes and Welsh names', async (t) => {
  const cases: [string, string, string][] = [
    ['Ysgol Gynradd Amlwch', 'LL68', '400041'],
    ['Amlwch Primary School', 'LL68 9DY', '400041'], // the English for Ysgol Gynradd Amlwch
    ['Ysgol Uwchradd Caergybi', 'LL65', '401666'],
    ['Ysgol Gymraeg Treganna', 'CF11', '401628'],
    ['St Joseph’s Catholic Primary School', 'SA1 2BX', '400950'], // Swansea's, not an English one
    ['Bickerton Holy Trinity CofE Primary School', 'SY14 8AP', '111268'], // an English school in a Welsh-border area
    ['Tutshill Church of England Primary School', 'NP16', '115655'],
  ]
  for (const [name, postcode, urn] of cases) t.equal(answer(index, name, postcode), urn, `${name}, ${postcode}`)
  // A Welsh name at a postcode in another part of Wales is doubtful, and an unknown Ysgol is not found.
  t.equal(answer(index, 'Ysgol Gynradd Amlwch', 'CF10'), 'review', 'Amlwch is on Anglesey, not in Cardiff')
  t.equal(answer(index, 'Ysgol Gynradd Llanddewi Nant Hodni', 'LD3'), 'review')
  // Welsh phase words are phase words: a nursery (ysgol feithrin) is not the primary school.
  t.equal(answer(index, 'Ysgol Feithrin Amlwch', 'LL68'), 'review')
})
