// The rules an incident must meet beyond its shape (src/domain/incident.ts): the force's age band
// on the London date the police became aware, no timestamps in the future, occurrence not after
// awareness; and the fingerprints that tell a resubmission from another incident.
import t from 'tap'
import { CLOCK_SKEW_MS, ageOn, checkIncidentRules, incidentFingerprints, incidentSchema, type IncidentInput } from '../../src/domain/incident.js'

const NOW = new Date('2026-11-20T22:20:00Z')
const BAND = { ageMin: 0, ageMax: 17 }

function incident(over: Partial<IncidentInput> = {}): IncidentInput {
  return incidentSchema.parse({
    reference: 'CLE-1',
    policeAwareAt: '2026-11-20T21:00:00Z',
    incidentType: 'crime',
    children: [{ givenName: 'Amy', familyName: 'Example', dateOfBirth: '2016-05-04', present: true, school: { urn: '111234' } }],
    ...over,
  })
}

t.test('age in whole years; a 29 February birthday turns over on 1 March', async (t) => {
  t.equal(ageOn('2016-05-04', '2026-05-03'), 9)
  t.equal(ageOn('2016-05-04', '2026-05-04'), 10)
  t.equal(ageOn('2016-05-04', '2026-04-30'), 9, 'an earlier month')
  t.equal(ageOn('2008-02-29', '2026-02-28'), 17)
  t.equal(ageOn('2008-02-29', '2026-03-01'), 18)
})

t.test('an ordinary incident meets the rules', async (t) => {
  t.same(checkIncidentRules(incident(), BAND, NOW), [])
})

t.test('policeAwareAt in the future is refused beyond five minutes of clock skew', async (t) => {
  t.equal(CLOCK_SKEW_MS, 5 * 60_000)
  const skewed = incident({ policeAwareAt: new Date(NOW.getTime() + CLOCK_SKEW_MS).toISOString() })
  t.same(checkIncidentRules(skewed, BAND, NOW), [], 'within the skew')
  const future = incident({ policeAwareAt: new Date(NOW.getTime() + CLOCK_SKEW_MS + 1000).toISOString() })
  t.same(checkIncidentRules(future, BAND, NOW), [{ path: '/policeAwareAt', message: 'must not be in the future' }])
})

t.test('occurredAt must not be after policeAwareAt', async (t) => {
  t.same(checkIncidentRules(incident({ occurredAt: '2026-11-20T20:00:00Z' }), BAND, NOW), [])
  t.same(checkIncidentRules(incident({ occurredAt: '2026-11-20T21:00:01Z' }), BAND, NOW),
    [{ path: '/occurredAt', message: 'must not be after policeAwareAt' }])
})

t.test('each child\'s age is checked against the force\'s band, naming the child', async (t) => {
  const children = [
    { givenName: 'A', familyName: 'B', dateOfBirth: '2016-05-04', present: true },
    { givenName: 'C', familyName: 'D', dateOfBirth: '2008-11-20', present: false },
    { givenName: 'E', familyName: 'F', dateOfBirth: '2026-11-21', present: false },
  ]
  t.same(checkIncidentRules(incident({ children }), BAND, NOW), [
    { path: '/children/1/dateOfBirth', message: "child is 18 on 2026-11-20, outside this force's age band 0–17" },
    { path: '/children/2/dateOfBirth', message: 'must not be after the date the police became aware' },
  ])
  const narrow = { ageMin: 11, ageMax: 17 }
  t.same(checkIncidentRules(incident(), narrow, NOW), [
    { path: '/children/0/dateOfBirth', message: "child is 10 on 2026-11-20, outside this force's age band 11–17" },
  ])
})

t.test('the age is taken on the London date of awareness, not the UTC date', async (t) => {
  // 23:30Z on 30 June 2026 is 00:30 BST on 1 July: a child born 1 July 2008 is already 18.
  const late = incident({
    policeAwareAt: '2026-06-30T23:30:00Z',
    children: [{ givenName: 'A', familyName: 'B', dateOfBirth: '2008-07-01', present: true }],
  })
  t.same(checkIncidentRules(late, BAND, NOW), [
    { path: '/children/0/dateOfBirth', message: "child is 18 on 2026-07-01, outside this force's age band 0–17" },
  ])
})

t.test('fingerprints ignore key order and timestamp offsets', async (t) => {
  const a = incidentFingerprints(incident())
  const sameInstant = incidentFingerprints(incident({ policeAwareAt: '2026-11-20T21:00:00+00:00' }))
  t.same(sameInstant, a)
  const reordered = incidentFingerprints(incidentSchema.parse({
    children: [{ school: { urn: '111234' }, present: true, dateOfBirth: '2016-05-04', familyName: 'Example', givenName: 'Amy' }],
    incidentType: 'crime',
    policeAwareAt: '2026-11-20T21:00:00Z',
    reference: 'CLE-1',
  }))
  t.same(reordered, a)
})

t.test('the record fingerprint leaves out names, dates of birth and the summary; the content one does not', async (t) => {
  const a = incidentFingerprints(incident())
  const renamed = incidentFingerprints(incident({
    summary: 'words',
    children: [{ givenName: 'Zoe', familyName: 'Other', dateOfBirth: '2015-01-01', present: true, school: { urn: '111234' } }],
  }))
  t.equal(renamed.record, a.record)
  t.not(renamed.content, a.content)
  const otherTime = incidentFingerprints(incident({ policeAwareAt: '2026-11-20T21:00:01Z' }))
  t.not(otherTime.record, a.record, 'a different incident under the same reference')
  t.not(otherTime.content, a.content)
  t.match(a.content, /^[0-9a-f]{64}$/)
})

t.test('the schema names each field it refuses', async (t) => {
  const r = incidentSchema.safeParse({
    reference: 'CLE\u00001', policeAwareAt: '2026-11-20 21:00', incidentType: 'other', children: [],
  })
  t.equal(r.success, false)
  const paths = (r.error?.issues ?? []).map((i) => i.path.join('/')).sort()
  t.same(paths, ['children', 'incidentType', 'policeAwareAt', 'reference'])
  const school = incidentSchema.safeParse({
    reference: 'R', policeAwareAt: '2026-11-20T21:00:00Z', incidentType: 'crime',
    children: [{ givenName: 'A', familyName: 'B', dateOfBirth: '2016-05-04', present: true, school: {} }],
  })
  t.equal(school.error?.issues[0]?.message, 'must give a urn, or a name and/or postcode')
  const postcode = incidentSchema.safeParse({
    reference: 'R', policeAwareAt: '2026-11-20T21:00:00Z', incidentType: 'crime',
    children: [{ givenName: 'A', familyName: 'B', dateOfBirth: '2016-05-04', present: true, school: { postcode: 'TS1 2AB', name: 'X' } }],
  })
  t.equal(postcode.success, false, 'a one-letter school name is too short')
  t.ok(incidentSchema.safeParse({
    reference: 'R', policeAwareAt: '2026-11-20T21:00:00Z', incidentType: 'crime',
    children: [{ givenName: 'A', familyName: 'B', dateOfBirth: '2016-05-04', present: true, school: { postcode: 'TS1' } }],
  }).success, 'a postcode district alone is enough')
})
