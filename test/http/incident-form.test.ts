// The incident form's translation to and from the API's body: field names as in the JSON, London
// date-times to instants, blanks left out, and each API error worded for a person at its field.
import t from 'tap'
import { incidentSchema } from '../../src/domain/incident.js'
import { fieldErrorsOfZod, fieldsFromForm, incidentBodyOf, instantOfLocal, localOfInstant, pageProblemsOf } from '../../src/http/pages/incident-form.js'

t.test('a date-time field is London time: GMT in winter, BST in summer; anything else is left for the schema', async (t) => {
  t.equal(instantOfLocal('2026-11-20T22:14'), '2026-11-20T22:14:00.000Z')
  t.equal(instantOfLocal('2026-07-01T08:30'), '2026-07-01T07:30:00.000Z')
  t.equal(instantOfLocal('2026-07-01T08:30:00+02:00'), '2026-07-01T08:30:00+02:00', 'an offset given is kept')
  t.equal(instantOfLocal('yesterday'), 'yesterday')
  t.equal(localOfInstant(new Date('2026-07-01T07:30:00Z')), '2026-07-01T08:30')
})

t.test('the body has the JSON’s shape, with blank optional fields left out', async (t) => {
  const f = fieldsFromForm({
    childCount: '2', reference: 'CLE-1', policeAwareAt: '2026-11-20T22:14', incidentType: 'crime', riskLevel: '', summary: '',
    'children[0][givenName]': 'Amy', 'children[0][familyName]': 'Example', 'children[0][dateOfBirth]': '2016-05-04', 'children[0][present]': 'true',
    'children[0][school][urn]': ' 111234 ',
    'children[1][givenName]': 'Ben', 'children[1][familyName]': 'Example', 'children[1][dateOfBirth]': '2014-01-02', 'children[1][present]': 'false',
  })
  const body = incidentBodyOf(f)
  const parsed = incidentSchema.parse(body)
  t.same(parsed, {
    reference: 'CLE-1', policeAwareAt: '2026-11-20T22:14:00.000Z', incidentType: 'crime',
    children: [
      { givenName: 'Amy', familyName: 'Example', dateOfBirth: '2016-05-04', present: true, school: { urn: '111234' } },
      { givenName: 'Ben', familyName: 'Example', dateOfBirth: '2014-01-02', present: false },
    ],
  })
  t.equal(fieldsFromForm({ childCount: '500' }).children.length, 20, 'never more than 20 child blocks')
  t.equal(fieldsFromForm({ childCount: 'x' }).children.length, 1)
})

t.test('each schema error is worded for a person and tied to its field', async (t) => {
  const f = fieldsFromForm({ childCount: '1', reference: 'x'.repeat(65), policeAwareAt: 'soon', 'children[0][school][postcode]': 'nowhere' })
  const result = incidentSchema.safeParse(incidentBodyOf(f))
  t.notOk(result.success)
  const problems = pageProblemsOf(fieldErrorsOfZod(result.error!), f)
  const byField = Object.fromEntries(problems.map((p) => [p.field, p.text]))
  t.equal(byField.reference, 'Police reference must be at most 64 characters')
  t.equal(byField.policeAwareAt, 'The date and time the police became aware must be a real date and time')
  t.equal(byField.incidentType, 'Select the type of incident')
  t.equal(byField['children-0-givenName'], 'Child 1: enter the given name')
  t.equal(byField['children-0-present'], 'Child 1: select whether the child was present')
  t.equal(byField['children-0-school-postcode'], 'Child 1: the setting’s postcode must be a UK postcode or postcode district')
  t.same(pageProblemsOf([{ path: '/occurredAt', message: 'must not be after policeAwareAt' }], f),
    [{ field: 'occurredAt', text: 'The date and time of the incident must not be after the police became aware' }])
})

t.test('a child in no setting: the local authority chosen becomes noSetting, and a setting beside it is refused at the choice', async (t) => {
  const base = { childCount: '1', reference: 'CLE-2', policeAwareAt: '2026-11-20T22:14', incidentType: 'crime',
    'children[0][givenName]': 'Ada', 'children[0][familyName]': 'Small', 'children[0][dateOfBirth]': '2023-06-01', 'children[0][present]': 'true' }
  const f = fieldsFromForm({ ...base, 'children[0][noSetting][laCode]': '808' })
  t.same(incidentSchema.parse(incidentBodyOf(f)).children[0], { givenName: 'Ada', familyName: 'Small', dateOfBirth: '2023-06-01', present: true, noSetting: { laCode: '808' } })
  const both = fieldsFromForm({ ...base, 'children[0][noSetting][laCode]': '808', 'children[0][school][urn]': '111234' })
  const result = incidentSchema.safeParse(incidentBodyOf(both))
  t.same(pageProblemsOf(fieldErrorsOfZod(result.error!), both), [{ field: 'children-0-noSetting-laCode', text: 'Child 1: give the school or setting, or choose no setting, not both' }])
  t.same(pageProblemsOf([{ path: '/children/0/noSetting/laCode', message: '999 is not a local authority of England or Wales' }], f),
    [{ field: 'children-0-noSetting-laCode', text: 'Child 1: the local authority 999 is not a local authority of England or Wales' }])
})
