// Incidents read from an officer's CSV: the template reads back as one incident of two children;
// rows group by reference; every problem is told by line and column; the file's own faults (no
// header, unknown columns, too many rows, broken quoting) refuse it as a whole.
import t from 'tap'
import { checkIncidentCsv, incidentCsvTemplate, INCIDENT_CSV_COLUMNS, MAX_CSV_ROWS, problemsOfRules, readIncidentCsv } from '../../src/domain/incident-csv.js'

const HEAD = INCIDENT_CSV_COLUMNS.join(',')
const row = (over: Partial<Record<(typeof INCIDENT_CSV_COLUMNS)[number], string>> = {}) => {
  const base: Record<string, string> = {
    reference: 'REF-1', policeAwareAt: '2026-11-20T22:14:00Z', occurredAt: '', incidentType: 'crime', riskLevel: '', summary: '',
    givenName: 'Amy', familyName: 'Example', dateOfBirth: '2016-05-04', present: 'true', schoolUrn: '111234', schoolName: '', schoolPostcode: '', noSettingLa: '',
  }
  return INCIDENT_CSV_COLUMNS.map((c) => over[c] ?? base[c]).join(',')
}
const file = (...rows: string[]) => [HEAD, ...rows].join('\r\n') + '\r\n'

t.test('the template reads back as one incident with two children, the second found by name and postcode', async (t) => {
  const r = readIncidentCsv(incidentCsvTemplate())
  t.same(r.problems, [])
  t.equal(r.rows, 2)
  t.equal(r.incidents.length, 1)
  const [i] = r.incidents
  t.same(i!.lines, [2, 3])
  t.equal(i!.input.children.length, 2)
  t.same(i!.input.children[0]!.school, { urn: '111234' })
  t.same(i!.input.children[1]!.school, { name: 'Example Nursery', postcode: 'TS1 2AB' })
  t.equal(i!.input.children[1]!.present, false)
  t.equal(i!.input.riskLevel, 'medium')
  t.equal(i!.input.children[0]!.role, 'witness')
  t.equal(i!.input.children[1]!.role, undefined)
})

t.test('rows group by reference, in file order; present reads true/false/yes/no', async (t) => {
  const r = readIncidentCsv(file(row(), row({ reference: 'REF-2', present: 'No' }), row({ givenName: 'Ben', present: 'yes' })))
  t.same(r.incidents.map((i) => [i.reference, i.lines]), [['REF-1', [2, 4]], ['REF-2', [3]]])
  t.same(r.incidents[0]!.input.children.map((c) => c.present), [true, true])
  t.equal(r.incidents[1]!.input.children[0]!.present, false)
})

t.test('a bad row refuses its whole incident, told by line and column; the others stand', async (t) => {
  const r = readIncidentCsv(file(
    row(),
    row({ reference: 'REF-2', dateOfBirth: '2016-02-30' }),
    row({ reference: 'REF-2', givenName: 'Ben', present: 'perhaps' }),
    row({ reference: 'REF-3', schoolUrn: '12' }),
    row({ reference: '' }),
    row({ reference: 'REF-4', incidentType: 'assault', role: 'bystander' }),
    row({ reference: 'REF-1', givenName: 'Cat', incidentType: 'non-crime' }),
  ))
  t.same(r.incidents.map((i) => i.reference), [], 'REF-1 too: its rows disagree on the incident type')
  t.same(r.problems.map((p) => [p.line, p.column]), [[3, 'dateOfBirth'], [4, 'present'], [5, 'schoolUrn'], [6, 'reference'], [7, 'incidentType'], [7, 'role'], [8, 'incidentType']])
  t.match(r.problems.find((p) => p.line === 8)!.message, /must be the same on every row of incident REF-1 \(line 2 says otherwise\)/)
  t.match(r.problems.find((p) => p.line === 4)!.message, /true or false/)
})

t.test('more than 20 children in one incident is the incident’s problem, on its first line', async (t) => {
  const rows = Array.from({ length: 21 }, (_, i) => row({ givenName: `Child${i}` }))
  const r = readIncidentCsv(file(...rows))
  t.equal(r.incidents.length, 0)
  t.same(r.problems.map((p) => [p.line, p.column]), [[2, null]])
  t.match(r.problems[0]!.message, /has 21 children: must list at most 20 children/)
})

t.test("the file's own faults refuse it as a whole", async (t) => {
  t.match(checkIncidentCsv(''), { problem: { line: 0, message: /empty/ } })
  t.match(checkIncidentCsv(HEAD + '\r\n'), { problem: { line: 0, message: /no rows/ } })
  t.match(checkIncidentCsv('reference,name\r\nA,B\r\n'), { problem: { line: 1, message: /missing policeAwareAt, incidentType, givenName, familyName, dateOfBirth, present; unknown name/ } })
  t.match(checkIncidentCsv(file('"REF-1,unterminated')), { problem: { line: 0, message: /not readable as CSV/ } })
  const big = [HEAD, ...Array.from({ length: MAX_CSV_ROWS + 1 }, () => row())].join('\n')
  t.match(checkIncidentCsv(big), { problem: { message: `the file has ${MAX_CSV_ROWS + 1} rows; upload at most ${MAX_CSV_ROWS} at a time` } })
  t.same(checkIncidentCsv(file(row(), row())), { rows: 2 })
  t.match(readIncidentCsv(''), { incidents: [], rows: 0, problems: [{ line: 0 }] })
})

t.test("the intake's rules (age band, dates) are told by the line of the child they concern", async (t) => {
  const [incident] = readIncidentCsv(file(row(), row({ givenName: 'Ben' }))).incidents
  t.same(problemsOfRules(incident!, [
    { path: '/children/1/dateOfBirth', message: 'is outside the force’s age band' },
    { path: '/policeAwareAt', message: 'must not be in the future' },
  ]), [
    { line: 3, column: 'dateOfBirth', message: 'is outside the force’s age band' },
    { line: 2, column: 'policeAwareAt', message: 'must not be in the future' },
  ])
})

t.test('noSettingLa: a child in no setting, with the LA; beside a school it is refused at that column; files without the column still read', async (t) => {
  const r = readIncidentCsv(file(row({ schoolUrn: '', noSettingLa: '808' })))
  t.same(r.problems, [])
  t.same(r.incidents[0]!.input.children[0]!.noSetting, { laCode: '808' })
  const both = readIncidentCsv(file(row({ noSettingLa: '808' })))
  t.same(both.problems.map((p) => [p.line, p.column]), [[2, 'noSettingLa']])
  t.same(problemsOfRules(r.incidents[0]!, [{ path: '/children/0/noSetting/laCode', message: 'x' }]).map((p) => p.column), ['noSettingLa'])
  const old = INCIDENT_CSV_COLUMNS.filter((c) => c !== 'noSettingLa')
  const legacy = readIncidentCsv([old.join(','), row().split(',').slice(0, old.length).join(',')].join('\r\n') + '\r\n')
  t.same(legacy.problems, [])
})
