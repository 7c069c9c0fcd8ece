// Finding a child on a local authority's roll: the date of birth decides who is compared, the
// names are compared tolerantly, and two plausible pupils at different settings are for a
// person to settle.
import t from 'tap'
import { comparePupilNames, decidePupilRoll, familyNameAgreement, givenNameAgreement, nameParts, type RollEntry } from '../../src/domain/pupil-names.js'
import { parseRollCsv, parseRollDate, validateRoll } from '../../src/store/pupil-roll-store.js'

const ok = (a: [string, string], b: [string, string]) => comparePupilNames({ givenName: a[0], familyName: a[1] }, { givenName: b[0], familyName: b[1] })

t.test('names typed by two different people still agree', async (t) => {
  t.same(nameParts("Zoë O’Brien-Smith"), ['zoe', 'obrien', 'smith'])
  t.equal(ok(['ZOE', "O'BRIEN"], ['Zoë', 'OBrien']).score, 1, 'case, accents and apostrophes')
  t.equal(ok(['Amy', 'Smith Jones'], ['Amy', 'Smith-Jones']).score, 1, 'hyphen or space')
  t.ok(ok(['Amy', 'Smith'], ['Amy', 'Smith-Jones']).score >= 0.9, 'one half of a double-barrelled name')
  t.ok(ok(['Amy Louise', 'Smith'], ['Amy', 'Smith']).score >= 0.9, 'a middle name on one record')
  t.match(ok(['Khan', 'Mohammed'], ['Mohammed', 'Khan']), { how: 'swapped' }, 'family name first')
  t.ok(ok(['Khan', 'Mohammed'], ['Mohammed', 'Khan']).score >= 0.9)
  t.ok(ok(['Mohammed Ali', 'Khan'], ['Mohammed', 'Ali Khan']).score >= 0.9, 'the same words split differently')
  t.ok(ok(['Alex', 'Brown'], ['Alexander', 'Brown']).score >= 0.75, 'a familiar short form')
  t.ok(ok(['Jayden', 'Brown'], ['Jaden', 'Brown']).score >= 0.75, 'one slip in a longer name')
})

t.test('different people do not', async (t) => {
  t.equal(ok(['Amy', 'Brown'], ['Ann', 'Brown']).score, 0, 'Amy is not Ann')
  t.equal(ok(['Amy', 'Brown'], ['Amy', 'Green']).score, 0)
  t.equal(givenNameAgreement('Al', 'Alan'), 0, 'two letters are no short form')
  t.equal(familyNameAgreement('Lee', 'Leek'), 0, 'a slip only counts in longer names')
})

const entry = (givenName: string, familyName: string, urn: string | null, laCode = '808'): RollEntry => ({ givenName, familyName, urn, laCode })

t.test('the roll decides only when one setting is clearly meant', async (t) => {
  const child = { givenName: 'Zoe', familyName: "O'Brien" }
  t.match(decidePupilRoll(child, [entry('Zoë', 'OBrien', '111540'), entry('Sam', 'Jones', '140599')]), { kind: 'identified', match: { urn: '111540', laCode: '808' } })
  t.match(decidePupilRoll(child, [entry('Sam', 'Jones', '140599')]), { kind: 'none' })
  t.match(
    decidePupilRoll(child, [entry('Zoe', 'OBrien', '111540'), entry('Zoe', 'O Brien', '111540', '806')]),
    { kind: 'identified', match: { urn: '111540' } },
    'the same child on two LAs’ rolls at one school is one answer',
  )
  t.match(
    decidePupilRoll({ givenName: 'Jaden', familyName: 'Brown' }, [entry('Jayden', 'Brown', '111540'), entry('Jaiden', 'Brown', '140599')]),
    { kind: 'ambiguous' },
    'two plausible pupils at different settings wait for a person',
  )
  t.match(decidePupilRoll(child, [entry('Zoe', "O'Brien", null)]), { kind: 'identified', match: { urn: null } }, 'known to the LA with no setting')
  t.match(
    decidePupilRoll({ givenName: 'Amy', familyName: 'Smith' }, [entry('Amy', 'Smith-Jones', '111540', '908')]),
    { kind: 'identified', match: { urn: '111540' } },
    'one half of a double-barrelled name still places the child',
  )
  t.match(
    decidePupilRoll({ givenName: 'Sam', familyName: 'Smyth' }, [entry('Samuel', 'Smith', '111540', '908')]),
    { kind: 'uncertain', matches: [{ urn: '111540' }] },
    'a short form and a slip together: shown to an officer, not sent on',
  )
  t.match(
    decidePupilRoll({ givenName: 'Jayden', familyName: 'Brown' }, [entry('Jaden', 'Brown', '111540')]),
    { kind: 'uncertain' },
    'a slip alone is not enough either',
  )
})

t.test('a roll file: UK date formats, the LA’s column names, and every problem named', async (t) => {
  t.equal(parseRollDate('04/05/2016'), '2016-05-04')
  t.equal(parseRollDate('2016-05-04'), '2016-05-04')
  t.equal(parseRollDate('31/02/2016'), null, 'not a real date')
  const csv = 'Forename,Surname,DOB,URN\nZoë,O\'Brien,04/05/2016,111540\nSam,Jones,2015-01-02,\nBad,Date,2015-13-01,1\n'
  const parsed = parseRollCsv(csv)
  t.same(parsed.errors, [])
  const { rows, errors } = validateRoll(parsed.rows, '2026-11-20', parsed.lineOf)
  t.same(rows.map((r) => [r.givenName, r.dateOfBirth, r.urn]), [['Zoë', '2016-05-04', '111540'], ['Sam', '2015-01-02', null]])
  t.same(errors.map((e) => e.path), ['/2/dateOfBirth', '/2/urn'])
  t.match(errors[0]!.message, /^line 4:/, 'the file line is named')
  t.match(parseRollCsv('name,dob\nA,2015-01-01\n').errors[0]!.message, /given_name/)
})

t.test('a roll that would misplace children is refused whole', async (t) => {
  const noUrnColumn = parseRollCsv('Forename,Surname,DOB,Establishment Number\nZoe,Brown,2016-05-04,111540\n')
  t.ok(noUrnColumn.errors.some((e) => /urn/.test(e.message)), 'a file without a URN column: every child would look home educated')
  t.same(parseRollCsv('Forename,Surname,DOB,Establishment URN\nZoe,Brown,2016-05-04,111540\n').errors, [], 'a column LA systems call "Establishment URN" is the URN')
  const broken = parseRollCsv('Forename,Surname,DOB,URN\n"Zoe,Brown,2016-05-04,111540\n')
  t.equal(broken.errors.length, 1, 'broken CSV quoting is named, not a crash')
  const { errors } = validateRoll(
    [
      { givenName: 'A\u0000my', familyName: 'Brown', dateOfBirth: '2016-05-04', urn: '111540' },
      { givenName: 'Amy', familyName: 'Brown', dateOfBirth: '0001-01-01', urn: '111540' },
      { givenName: 'Amy', familyName: 'Brown', dateOfBirth: '2016-05-04' },
      { givenName: 'Amy', familyName: 'Brown', dateOfBirth: '2016-05-04', urn: '99000808' },
      { givenName: 'Amy', familyName: 'Brown', dateOfBirth: '2016-05-04', urn: null },
    ],
    '2026-11-20',
  )
  t.same(errors.map((e) => e.path), ['/0/givenName', '/1/dateOfBirth', '/2/urn', '/3/urn'], 'control characters, an impossible pupil, a missing URN, a reserved URN; null is no setting')
})
