// A CSV of Key Adults (domain/key-adult-csv.ts): columns by their header in any order and case,
// each row checked with the API's schema, and every problem told by its line in the file.
import t from 'tap'
import { KEY_ADULT_CSV_TEMPLATE, parseKeyAdultCsv } from '../../src/domain/key-adult-csv.js'

t.test('rows are read by their header, whatever its order and case; blanks are null', async (t) => {
  const r = parseKeyAdultCsv('\uFEFFEmail,Name,URN,Role,Trained On,phone\r\nJo.Bloggs@example.org,Jo Bloggs,111234,DSL,2026-09-01,\r\nsam.deputy@example.org,"Deputy, Sam",ey512345,deputy,,01642 000000\r\n')
  t.same(r.problems, [])
  t.same(r.rows, [
    { line: 2, urn: '111234', role: 'dsl', name: 'Jo Bloggs', email: 'jo.bloggs@example.org', phone: null, trainedOn: '2026-09-01' },
    { line: 3, urn: 'EY512345', role: 'deputy', name: 'Deputy, Sam', email: 'sam.deputy@example.org', phone: '01642 000000', trainedOn: null },
  ])
})

t.test('the template is a file it reads', async (t) => {
  t.same(parseKeyAdultCsv(KEY_ADULT_CSV_TEMPLATE).problems, [])
})

t.test('every bad cell is named with its line; a quoted line break counts', async (t) => {
  const r = parseKeyAdultCsv('urn,role,name,email,trainedOn\n12,dsl,Jo Bloggs,jo.bloggs@example.org,\n111234,head,"Pat\nHill",pat.hill@example.org,\n111234,dsl,,not-an-address,0026-01-01\n')
  t.same(r.rows, [])
  t.same(r.problems, [
    { line: 2, field: 'urn', message: 'must be a DfE URN (5 to 8 digits) or an Ofsted URN (EY, SC or CH and 6 digits, e.g. EY512345)' },
    { line: 3, field: 'role', message: "must be 'dsl' or 'deputy'" },
    { line: 3, field: 'name', message: 'must not contain control characters' },
    { line: 5, field: 'name', message: 'must be given' },
    { line: 5, field: 'email', message: 'must be an e-mail address' },
    { line: 5, field: 'trainedOn', message: 'must be a date from 1900-01-01 to 2100-12-31, with a four-digit year' },
  ])
})

t.test('a file without the columns, or without rows, is refused as a whole', async (t) => {
  t.same(parseKeyAdultCsv('urn,name,email\n111234,Jo,jo@example.org\n').problems,
    [{ line: 1, field: 'file', message: 'the header must name the columns urn, role, name, email (and may name phone, trainedOn); missing role' }])
  t.same(parseKeyAdultCsv('urn,role,name,email\n').problems, [{ line: 2, field: 'file', message: 'the file has a header but no Key Adults' }])
  t.same(parseKeyAdultCsv('').problems, [{ line: 1, field: 'file', message: 'the file is empty: it needs a header line and a row per Key Adult' }])
})
