// Settings beyond the DfE register (issue 14 point 1): Ofsted URNs and a setting's type, through
// every entry point that takes a URN, over real Postgres, Redis and SMTP.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { parseGovUkBankHolidays } from '../../src/domain/bank-holidays.js'
import { parseTermDates } from '../../src/domain/term-dates.js'
import { replaceBankHolidays, replaceTermDates } from '../../src/store/calendar-store.js'
import { runCli } from '../../src/cli.js'
import { aSchool, anIncident, createHarness, eventually } from '../helpers/harness.js'

const h = await createHarness({ workers: true })
t.teardown(() => h.close())
const { db } = h.services
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })

t.test('a childminder with an Ofsted URN is kept with its type, and its Key Adult is told', async (t) => {
  const put = await h.app.inject({
    method: 'PUT', url: '/v1/schools/ey512345', headers: json(admin),
    payload: aSchool({ name: 'Little Acorns Childminding', type: 'childminder',
      contacts: [{ role: 'dsl', name: 'Pat Minder', email: 'pat.minder@example.org' }] }),
  })
  t.equal(put.statusCode, 201)
  t.has(put.json(), { urn: 'EY512345', type: 'childminder' }, 'an Ofsted URN typed in lower case is stored upper-cased')
  const got = await h.app.inject({ method: 'GET', url: '/v1/schools/EY512345', headers: json(admin) })
  t.equal(got.json().type, 'childminder')

  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident({}, { school: { urn: 'EY512345' } }) })
  t.equal(res.statusCode, 202)
  const mail = await eventually(async () => h.smtp.messages.find((m) => m.envelopeTo.includes('pat.minder@example.org')), 30_000)
  t.match(mail.raw, /EY512345/)
  const view = (await h.app.inject({ method: 'GET', url: `/v1/incidents/${res.json().id}`, headers: json(police) })).json()
  t.has(view.children[0].match, { status: 'matched', urn: 'EY512345', method: 'urn' })
})

t.test('a setting put without a type is a school; an existing one keeps its type', async (t) => {
  const created = await h.app.inject({ method: 'PUT', url: '/v1/schools/SC123456', headers: json(admin), payload: aSchool({ name: 'Hillside Children’s Home' }) })
  t.equal(created.json().type, 'school')
  await h.app.inject({ method: 'PUT', url: '/v1/schools/SC123456', headers: json(admin), payload: aSchool({ name: 'Hillside Children’s Home', type: 'other' }) })
  const kept = await h.app.inject({ method: 'PUT', url: '/v1/schools/SC123456', headers: json(admin), payload: aSchool({ name: 'Hillside Children’s Home' }) })
  t.equal(kept.json().type, 'other')
})

t.test('a bad identifier or type is refused as problem+json naming the field, and nothing is stored', async (t) => {
  const cases: [string, string, Record<string, unknown>, string][] = [
    ['PUT', '/v1/schools/EY12345', aSchool(), '/params/urn'],
    ['PUT', '/v1/schools/XY512345', aSchool(), '/params/urn'],
    ['PUT', '/v1/schools/CH123457', aSchool({ type: 'nursery' }), '/type'],
    ['POST', '/v1/incidents', anIncident({}, { school: { urn: 'EY5123456' } }), '/children/0/school/urn'],
  ]
  for (const [method, url, payload, path] of cases) {
    const res = await h.app.inject({ method: method as 'PUT', url, headers: json(method === 'POST' ? police : admin), payload })
    t.equal(res.statusCode, 400, `${method} ${url}`)
    t.match(res.headers['content-type'], /application\/problem\+json/)
    t.ok(res.json().errors.some((e: { path: string }) => e.path === path), `names ${path}: ${JSON.stringify(res.json().errors)}`)
  }
  const { rows } = await db.query("SELECT urn FROM schools WHERE urn IN ('CH123457')")
  t.equal(rows.length, 0)
})

t.test('a pupil roll and a dsl token take Ofsted URNs too', async (t) => {
  const csv = 'given_name,family_name,date_of_birth,urn\nAmy,Example,2023-05-04,ey512345\nSam,Jones,2016-05-04,EY12345\n'
  const bad = await h.app.inject({ method: 'POST', url: '/v1/pupil-rolls/808', headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' }, payload: csv })
  t.equal(bad.statusCode, 422, 'EY12345 is no URN of either kind')
  t.match(JSON.stringify(bad.json().errors), /Ofsted URN/)
  const ok = await h.app.inject({ method: 'POST', url: '/v1/pupil-rolls/808', headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' }, payload: csv.split('\n').slice(0, 2).join('\n') + '\n' })
  t.equal(ok.statusCode, 200, ok.body)
  const { rows } = await db.query("SELECT urn FROM pupil_roll WHERE la_code = '808'")
  t.same(rows.map((r) => r.urn), ['EY512345'])

  const out: string[] = []
  await runCli(['tokens', 'create', '--role', 'dsl', '--urn', 'EY512345'], db, (l) => out.push(l))
  const secret = out.at(-1)!
  const mine = await h.app.inject({ method: 'GET', url: '/v1/schools/EY512345', headers: json(secret) })
  t.equal(mine.statusCode, 200)
})

t.test('a childminder’s deadline: its own start, the next weekday, not the LA’s terms (stored calendar)', async (t) => {
  const read = (rel: string) => readFileSync(new URL(`../../data/${rel}`, import.meta.url), 'utf8')
  await replaceBankHolidays(db, parseGovUkBankHolidays(JSON.parse(read('bank-holidays.json'))))
  await replaceTermDates(db, '373', parseTermDates('sheffield-term-dates.json', read('term-dates/sheffield-term-dates.json')))
  const put = (urn: string, body: Record<string, unknown>) => h.app.inject({ method: 'PUT', url: `/v1/schools/${urn}`, headers: json(admin), payload: aSchool({ laCode: '373', ...body }) })
  t.equal((await put('EY600001', { name: 'Meadow Childminding', type: 'childminder', dayStartsAt: '07:30' })).statusCode, 201)
  t.equal((await put('107000', { name: 'Sheffield Example Primary' })).statusCode, 201)
  const deadline = async (urn: string, at: string) =>
    (await h.app.inject({ method: 'GET', url: `/v1/schools/${urn}/deadline?policeAwareAt=${at}`, headers: json(admin) })).json()
  // Monday of Sheffield's February half-term 2026.
  t.has(await deadline('EY600001', '2026-02-16T10:00:00Z'), { dueBy: '2026-02-17T07:30:00.000Z', schoolDay: '2026-02-17' })
  t.has(await deadline('107000', '2026-02-16T10:00:00Z'), { dueBy: '2026-02-23T08:30:00.000Z', schoolDay: '2026-02-23' })
  // Closed on its own date: the next weekday after it.
  const close = await h.app.inject({ method: 'PUT', url: '/v1/schools/EY600001/calendar/2026-02-17', headers: json(admin), payload: { open: false, label: 'Childminder’s day off' } })
  t.equal(close.statusCode, 204)
  t.has(await deadline('EY600001', '2026-02-16T10:00:00Z'), { dueBy: '2026-02-18T07:30:00.000Z', schoolDay: '2026-02-18' })
})
