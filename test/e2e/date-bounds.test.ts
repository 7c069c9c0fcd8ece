// Dates are refused at every door (issue 12, points 2 and 3): before 1900, after 2100, or with a
// year 0–99 ('0026-01-01' is the year 26, never read as 1926 or 2026), and closures longer than a
// school year. Each refusal is a 4xx problem+json naming the field, and stores nothing. These
// values once left a child pending for ever (test/e2e/stuck-jobs.test.ts) or answered 500.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { runCli } from '../../src/cli.js'
import { aSchool, anIncident, createHarness } from '../helpers/harness.js'

const h = await createHarness({ workers: false })
t.teardown(() => h.close())
const db = h.services.db
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const auditor = await h.token('auditor')
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool() })

const stored = async () =>
  (await db.query<{ n: number }>(`SELECT (SELECT count(*) FROM incidents) + (SELECT count(*) FROM children)
     + (SELECT count(*) FROM school_calendar_exceptions) + (SELECT count(*) FROM pupil_roll) AS n`)).rows[0]!.n

/** Sends a request and checks it is refused with `status` as problem+json naming `path`, storing nothing. */
async function refused(
  t: Test,
  req: { method: 'GET' | 'POST' | 'PUT'; url: string; token: string; payload?: unknown; contentType?: string },
  status: number,
  path: string,
  message: RegExp = /1900-01-01 to 2100-12-31/,
) {
  const before = await stored()
  const res = await h.app.inject({
    method: req.method,
    url: req.url,
    headers: { ...json(req.token), ...(req.contentType ? { 'content-type': req.contentType } : {}) },
    ...(req.payload === undefined ? {} : { payload: typeof req.payload === 'string' ? req.payload : JSON.stringify(req.payload) }),
  })
  t.equal(res.statusCode, status, `${req.method} ${req.url}: ${res.body.slice(0, 300)}`)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  const errors = (res.json().errors ?? []) as { path: string; message: string }[]
  const named = errors.find((e) => e.path === path)
  t.ok(named, `names ${path}: ${JSON.stringify(errors)}`)
  if (named) t.match(named.message, message)
  t.equal(await stored(), before, 'nothing stored')
}

t.test('an incident with a year outside 1900–2100 is refused, naming the field', async (t) => {
  await refused(t, { method: 'POST', url: '/v1/incidents', token: police, payload: anIncident({ policeAwareAt: '0026-11-20T22:14:00Z', occurredAt: undefined }, { dateOfBirth: '0016-05-04' }) }, 400, '/policeAwareAt', /1900/)
  await refused(t, { method: 'POST', url: '/v1/incidents', token: police, payload: anIncident({ policeAwareAt: '1899-12-31T23:00:00Z', occurredAt: undefined }, { dateOfBirth: '1890-05-04' }) }, 400, '/policeAwareAt', /1900/)
  await refused(t, { method: 'POST', url: '/v1/incidents', token: police, payload: anIncident({ occurredAt: '0026-11-20T21:50:00Z' }) }, 400, '/occurredAt', /1900/)
  await refused(t, { method: 'POST', url: '/v1/incidents', token: police, payload: anIncident({}, { dateOfBirth: '0016-05-04' }) }, 400, '/children/0/dateOfBirth')
  await refused(t, { method: 'POST', url: '/v1/incidents', token: police, payload: anIncident({}, { dateOfBirth: '1899-12-31' }) }, 400, '/children/0/dateOfBirth')
  const ok = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident() })
  t.equal(ok.statusCode, 202, 'an ordinary incident still goes through')
})

t.test('report ranges with a year 0–99, before 1900 or after 2100 are a 400 naming the field, not a 500', async (t) => {
  await refused(t, { method: 'GET', url: '/v1/reports/latency?from=0050-01-01&to=0050-12-31&groupBy=la', token: auditor }, 400, '/query/from')
  await refused(t, { method: 'GET', url: '/v1/reports/latency?from=2026-01-01&to=9999-12-31&groupBy=month', token: auditor }, 400, '/query/to')
  await refused(t, { method: 'GET', url: '/v1/reports/latency?from=1899-12-31&to=1900-01-31&groupBy=force', token: admin }, 400, '/query/from')
  await refused(t, { method: 'GET', url: '/dashboard?from=0050-01-01&to=0050-06-30', token: auditor }, 400, '/query/from')
  await refused(t, { method: 'GET', url: '/dashboard?to=0050-06-30', token: auditor }, 400, '/query/to')
  await refused(t, { method: 'GET', url: '/dashboard/latency.csv?from=0050-01-01&to=0050-12-31&groupBy=la', token: auditor }, 400, '/query/from')
  await refused(t, { method: 'GET', url: '/dashboard/latency.csv?from=9999-01-01&groupBy=la', token: auditor }, 400, '/query/from')
  await refused(t, { method: 'GET', url: '/v1/audit?from=0050-01-01', token: admin }, 400, '/query/from')
  const ok = await h.app.inject({ method: 'GET', url: '/v1/reports/latency?from=1900-01-01&to=1900-12-31&groupBy=la', headers: json(auditor) })
  t.equal(ok.statusCode, 200, 'the first year in range is a report (an empty one)')
})

t.test('the deadline query refuses a year outside 1900–2100 with a 400 naming policeAwareAt', async (t) => {
  for (const at of ['0026-11-20T22:14:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:00:00Z', '2101-01-01T00:00:00Z']) {
    await refused(t, { method: 'GET', url: `/v1/schools/111234/deadline?policeAwareAt=${encodeURIComponent(at)}`, token: police }, 400, '/query/policeAwareAt', /1900/)
  }
  const ok = await h.app.inject({ method: 'GET', url: '/v1/schools/111234/deadline?policeAwareAt=2026-11-20T22:14:00Z', headers: json(police) })
  t.equal(ok.json().dueBy, '2026-11-23T08:30:00.000Z')
})

t.test('a deadline the stored calendar cannot give (a closure an older version let in) is a 422, not a 500', async (t) => {
  await h.app.inject({ method: 'PUT', url: '/v1/schools/222222', headers: json(admin), payload: aSchool({ laCode: '810' }) })
  await db.query(`INSERT INTO la_closures (la_code, date, label)
    SELECT '810', d::date, 'Closed' FROM generate_series('2026-11-21'::date, '2028-04-04'::date, '1 day') d`)
  await refused(t, { method: 'GET', url: '/v1/schools/222222/deadline?policeAwareAt=2026-11-20T22:14:00Z', token: admin }, 422, '/query/policeAwareAt', /no pupil day/)
})

t.test("a school's calendar override outside 1900–2100, or one that would close it for more than a school year, is refused", async (t) => {
  for (const date of ['0026-01-01', '1899-12-31', '2101-01-01', '9999-12-31']) {
    await refused(t, { method: 'PUT', url: `/v1/schools/111234/calendar/${date}`, token: admin, payload: { open: false, label: 'INSET' } }, 400, '/params/date')
  }
  // LA 808 closes every day of 2027 but one Wednesday; closing that too would leave no pupil day for a year.
  await db.query(`INSERT INTO la_closures (la_code, date, label)
    SELECT '808', d::date, 'Closed' FROM generate_series('2027-01-01'::date, '2027-12-31'::date, '1 day') d WHERE d::date <> '2027-06-16'`)
  await refused(t, { method: 'PUT', url: '/v1/schools/111234/calendar/2027-06-16', token: admin, payload: { open: false, label: 'INSET' } }, 422, '/params/date', /longer than a school year/)
  const open = await h.app.inject({ method: 'PUT', url: '/v1/schools/111234/calendar/2027-06-17', headers: json(admin), payload: { open: true, label: 'Open day' } })
  t.equal(open.statusCode, 204, 'opening a day is always allowed')
  const inset = await h.app.inject({ method: 'PUT', url: '/v1/schools/111234/calendar/2026-12-01', headers: json(admin), payload: { open: false, label: 'INSET' } })
  t.equal(inset.statusCode, 204, 'an ordinary INSET day is fine')
})

t.test('a pupil roll with a date of birth in the year 26 is refused, naming the row and field', async (t) => {
  const csv = 'Forename,Surname,DOB,URN\nAmy,Example,04/05/0026,111234\n'
  await refused(t, { method: 'POST', url: '/v1/pupil-rolls/808', token: admin, payload: csv, contentType: 'text/csv' }, 422, '/0/dateOfBirth')
  await refused(t, { method: 'POST', url: '/v1/pupil-rolls/808', token: admin, payload: [{ givenName: 'Amy', familyName: 'Example', dateOfBirth: '0016-05-04', urn: '111234' }] }, 422, '/0/dateOfBirth')
})

t.test('the CLI imports refuse out-of-range dates and year-long closures, naming where, and load nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'enc-dates-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text)
    return join(dir, name)
  }
  const vevent = (start: string, end: string) => ['BEGIN:VEVENT', `DTSTART;VALUE=DATE:${start}`, `DTEND;VALUE=DATE:${end}`, 'SUMMARY:Closed', 'END:VEVENT']
  const ics = (...events: string[][]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', ...events.flat(), 'END:VCALENDAR', ''].join('\r\n')
  const counts = async () => (await db.query(`SELECT (SELECT count(*) FROM la_closures) AS closures, (SELECT count(*) FROM bank_holidays) AS bank,
    (SELECT count(*) FROM pupil_roll) AS roll`)).rows[0]
  const before = await counts()
  const run = (...args: string[]) => runCli(args, db, () => {})
  await t.rejects(run('calendar', 'terms', '--la', '373', file('long.ics', ics(vevent('20260105', '20270301')))), /long\.ics: iCalendar line 3: a closure of 420 days/)
  await t.rejects(run('calendar', 'terms', '--la', '373', file('year26.ics', ics(vevent('00261221', '00270104')))), /year26\.ics: iCalendar line 4: DTSTART must be a date from 1900-01-01 to 2100-12-31/)
  await t.rejects(
    run('calendar', 'terms', '--la', '373', file('terms.json', JSON.stringify({ academic_years: [{ name: '2026-27', dates: ['2026-09-02', '0027-07-20'] }] }))),
    /terms\.json: term dates JSON: academic_years\[0\]\.dates\[1\] must be a date from 1900-01-01/,
  )
  await t.rejects(
    run('calendar', 'bank-holidays', file('bank.json', JSON.stringify({ 'england-and-wales': { events: [{ title: 'Christmas Day', date: '1899-12-25' }] } }))),
    /events\[0\]\.date must be a date from 1900-01-01/,
  )
  await t.rejects(run('pupils', 'import', '--la', '808', file('roll.csv', 'Forename,Surname,DOB,URN\nAmy,Example,04/05/0026,111234\n')), /line 2 dateOfBirth: must be a date from 1900-01-01/)
  t.same(await counts(), before, 'nothing loaded')
})
