// Ofsted's childcare provider-level CSV, read by its real headings (data/ofsted holds a generated
// fixture with those headings: no copy of the real file is kept offline).
import t from 'tap'
import { readFileSync } from 'node:fs'
import { parseOfstedChildcareCsv, settingTypeFromOfsted } from '../../src/domain/ofsted-childcare-csv.js'

const fixture = readFileSync(new URL('../../data/ofsted/childcare-providers-fixture.csv', import.meta.url), 'utf8')
const las = new Map([['stocktonontees', '808'], ['middlesbrough', '806'], ['sheffield', '373']])

t.test('every provider of the fixture, past the title rows, with its kind of setting', async (t) => {
  const recs = parseOfstedChildcareCsv(fixture, { source: 'fixture.csv', laCodesByName: las })
  t.equal(recs.length, 11)
  t.same(recs[0], {
    urn: 'EY401001', settingType: 'early-years', type: 'Childcare on non-domestic premises', name: 'Little Acorns Day Nursery',
    town: 'Stockton-on-Tees', postcode: 'TS18 3ZX', laName: 'Stockton-on-Tees', laCode: '808', status: 'Active', open: true,
  })
  const byUrn = new Map(recs.map((r) => [r.urn, r]))
  t.same(byUrn.get('EY401003'), { urn: 'EY401003', settingType: 'childminder', type: 'Childminder', laName: 'Stockton-on-Tees', laCode: '808', status: 'Active', open: true },
    'a childminder Ofsted redacts: no name, town or postcode, found by URN only')
  t.equal(byUrn.get('2654321')?.settingType, 'early-years', 'a 7-digit URN of a registration since 2021')
  t.equal(byUrn.get('EY401005')?.open, false, 'a resigned provider is closed')
  t.equal(byUrn.get('CH402001')?.name, 'Kidz Club Out of School Care')
  t.equal(byUrn.get('EY401006')?.settingType, 'other', 'a home childcarer')
})

t.test('older releases: "Postcode" and "Local Authority" headings, no title rows', async (t) => {
  const csv = 'Provider URN,Provider Type,Provider name,Provider town,Postcode,Local Authority,Provider status\nEY123456,Childminder,Jo Example Childminding,Yarm,ts15 9zx,Stockton-on-Tees,Active\n'
  t.same(parseOfstedChildcareCsv(csv, { laCodesByName: las }), [
    { urn: 'EY123456', settingType: 'childminder', type: 'Childminder', name: 'Jo Example Childminding', town: 'Yarm', postcode: 'TS15 9ZX', laName: 'Stockton-on-Tees', laCode: '808', status: 'Active', open: true },
  ])
})

t.test('a file that is not Ofsted’s, or a row with a bad URN, is refused with the line named', async (t) => {
  t.throws(() => parseOfstedChildcareCsv('URN,EstablishmentName\n111234,Example\n', { source: 'gias.csv' }), /gias\.csv: no header row with "Provider URN"/)
  t.throws(() => parseOfstedChildcareCsv('Provider URN,Provider type,Provider name\nEY1,Childminder,X\n'), /missing column "Provider postcode", "Local authority"/)
  const bad = 'title\n\nProvider URN,Provider type,Provider name,Postcode,Local authority\nEY123456,Childminder,A,TS15 9ZX,Leeds\nEY12,Childminder,B,TS15 9ZX,Leeds\n'
  t.throws(() => parseOfstedChildcareCsv(bad, { source: 'x.csv' }), { message: /^x\.csv line 5: Provider URN "EY12" is not an Ofsted URN/, line: 5 })
})

t.test('Ofsted’s provider types', async (t) => {
  t.equal(settingTypeFromOfsted('Childminder'), 'childminder')
  t.equal(settingTypeFromOfsted('Childcare on Non-Domestic Premises'), 'early-years')
  t.equal(settingTypeFromOfsted('Childcare on domestic premises'), 'early-years')
  t.equal(settingTypeFromOfsted('Childminder agency'), 'other')
})
