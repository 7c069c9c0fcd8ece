// What kind of wrong a failed job met, and how it is told without naming a child.
import t from 'tap'
import { CalendarError } from '../../src/domain/school-calendar.js'
import { describeJobError, isPassingOutage, isPermanentJobError } from '../../src/queue/job-errors.js'

const pgError = (code: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { code, severity: 'ERROR', ...extra })

t.test('a PostgreSQL error is told by its SQLSTATE and schema names, never its message (it may quote a value)', async (t) => {
  t.equal(describeJobError(pgError('P0001', 'injected fault while placing child Amy')), 'database error P0001')
  t.equal(
    describeJobError(pgError('23505', 'duplicate key value violates unique constraint', { table: 'children', constraint: 'children_incident_id_position_key', detail: 'Key (given_name)=(Amy)' })),
    'database error 23505 (table children, constraint children_incident_id_position_key)',
  )
})

t.test('any other error keeps its kind and words, with quoted text, dates, addresses and long numbers removed', async (t) => {
  const said = describeJobError(new TypeError(`invalid date "2016-05-04" for 'Amy Example' <jo.bloggs@example.org> 0016-05-04T00:00:00Z 1234567`))
  t.match(said, /^TypeError: invalid date … for … /)
  for (const secret of ['2016-05-04', 'Amy', 'jo.bloggs', '0016', '1234567']) t.notOk(said.includes(secret), secret)
  t.equal(describeJobError('a string'), 'an error that is not an Error object')
  t.ok(describeJobError(new Error('x'.repeat(1000))).length <= 300)
})

t.test("a CalendarError is permanent and says why in its own fixed words", async (t) => {
  const err = new CalendarError('no-pupil-day', 'no pupil day within 400 days')
  t.ok(isPermanentJobError(err))
  t.equal(describeJobError(err), 'no pupil day within 400 days')
  t.notOk(isPermanentJobError(new Error('x')))
})

t.test('a passing outage is told apart from a fault', async (t) => {
  t.ok(isPassingOutage(Object.assign(new Error('try again later'), { responseCode: 451 })), 'SMTP deferral')
  t.notOk(isPassingOutage(Object.assign(new Error('no such mailbox'), { responseCode: 550 })), 'SMTP refusal')
  t.ok(isPassingOutage(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })))
  t.ok(isPassingOutage(Object.assign(new Error('Greeting never received'), { code: 'ETIMEDOUT' })))
  t.ok(isPassingOutage(pgError('08006', 'connection failure')))
  t.ok(isPassingOutage(pgError('57P01', 'terminating connection due to administrator command')))
  t.ok(isPassingOutage(pgError('40P01', 'deadlock detected')))
  t.ok(isPassingOutage(new Error('Connection terminated unexpectedly')))
  t.notOk(isPassingOutage(pgError('23505', 'duplicate key')))
  t.notOk(isPassingOutage(pgError('P0001', 'raised')))
  t.notOk(isPassingOutage(new TypeError("Cannot read properties of undefined (reading 'x')")))
  t.notOk(isPassingOutage('nope'))
})
