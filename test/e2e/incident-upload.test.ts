// An officer's CSV of incidents, end to end over real Postgres, Redis and SMTP: the upload is taken
// at once and worked through by the upload worker; good incidents are received by the intake's own
// flow and their schools e-mailed; a bad row's incident stores nothing and is told by line and
// column; the same file again makes nothing new; the file itself is dropped when done. Then the
// same in real Chromium, with axe on each page.
import { mkdirSync } from 'node:fs'
import t from 'tap'
import { incidentCsvTemplate, INCIDENT_CSV_COLUMNS } from '../../src/domain/incident-csv.js'
import { expectNoSeriousAxeViolations, fitsNarrowScreen, launchBrowser, openPage } from '../helpers/browser.js'
import { aSchool, createHarness, eventually } from '../helpers/harness.js'

const h = await createHarness({ workers: true })
t.teardown(() => h.close())
const { db } = h.services
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const otherForce = await h.token('police', 'durham')
await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, payload: aSchool() })

const ORIGIN = 'http://encompass.test'
const HEAD = INCIDENT_CSV_COLUMNS.join(',')
const line = (ref: string, given: string, dob = '2016-05-04', urn = '111234') =>
  `${ref},2026-11-20T21:00:00Z,,crime,medium,Argument at home.,${given},Uploadfamily,${dob},true,,${urn},,`

function multipart(content: string, filename = 'incidents.csv') {
  const boundary = '----enc-test-boundary'
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n`),
    Buffer.from(content, 'utf8'),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  return { body, type: `multipart/form-data; boundary=${boundary}` }
}
const upload = (content: string, token = police, origin = ORIGIN) => {
  const m = multipart(content)
  return h.app.inject({ method: 'POST', url: '/incidents/upload', payload: m.body,
    headers: { authorization: `Bearer ${token}`, 'content-type': m.type, origin, accept: 'text/html' } })
}
const status = (id: string, token = police) => h.app.inject({ method: 'GET', url: `/incidents/upload/${id}`, headers: { authorization: `Bearer ${token}`, accept: 'text/html' } })
const uploadRow = async (id: string) => (await db.query('SELECT * FROM incident_uploads WHERE id = $1', [id])).rows[0]
const finished = (id: string) => eventually(async () => { const r = await uploadRow(id); return r.status === 'done' || r.status === 'failed' ? r : null }, 30_000)
const incidentsWith = async (ref: string) => (await db.query(`SELECT count(*)::int AS n FROM incidents WHERE reference = $1`, [ref])).rows[0].n as number

const FILE = [
  HEAD,
  line('UP-1', 'Aoife'), line('UP-1', 'Bram', '2019-02-11'), // line 2-3: good, two children
  line('UP-2', 'Cora', '2016-02-30'),                        // line 4: no such date
  line('UP-3', 'Dov', '1990-01-01'),                         // line 5: outside the force's age band (a rule, judged at intake)
  line('UP-4', 'Esme'),                                      // line 6: good
].join('\r\n') + '\r\n'

let firstId = ''
t.test('a file with good and bad rows: the good incidents are received and e-mailed, the bad told by line and column', async (t) => {
  const res = await upload(FILE)
  t.equal(res.statusCode, 303)
  firstId = res.headers.location!.split('/').at(-1)!
  t.match(res.headers.location, /^\/incidents\/upload\/[0-9a-f-]{36}$/)
  const row = await finished(firstId)
  t.equal(row.status, 'done', row.failure ?? 'done')
  t.same([row.total_rows, row.rows_done, row.accepted, row.replayed, row.refused_rows], [5, 5, 2, 0, 2])
  t.same(row.problems.map((p: { line: number; column: string }) => [p.line, p.column]), [[4, 'dateOfBirth'], [5, 'dateOfBirth']])
  t.equal(row.csv, null, 'the file is dropped once read')
  t.same([await incidentsWith('UP-1'), await incidentsWith('UP-2'), await incidentsWith('UP-3'), await incidentsWith('UP-4')], [1, 0, 0, 1], 'nothing stored from a refused row')
  await h.smtp.waitFor(3)
  t.equal(h.smtp.messages.length, 3, 'one e-mail per child of the good incidents')

  const page = await status(firstId)
  t.equal(page.statusCode, 200)
  t.match(page.body, /Upload finished/)
  t.match(page.body, /2 new incidents stored/)
  t.match(page.body, /2 rows refused/)
  t.match(page.body, /<td class="govuk-table__cell govuk-table__cell--numeric">4<\/td><td class="govuk-table__cell">dateOfBirth<\/td>/)
  t.notMatch(page.body, /Cora|Dov|Uploadfamily/, 'no child named on the outcome page')
})

t.test('the same file again makes nothing new and sends nothing', async (t) => {
  const before = h.smtp.messages.length
  const res = await upload(FILE)
  const row = await finished(res.headers.location!.split('/').at(-1)!)
  t.same([row.accepted, row.replayed, row.refused_rows], [0, 2, 2])
  t.equal(await incidentsWith('UP-1'), 1)
  await new Promise((r) => setTimeout(r, 500))
  t.equal(h.smtp.messages.length, before)
})

t.test("a file that is not the template's is refused at once, beside the file field, and nothing is stored", async (t) => {
  const uploads = async () => (await db.query('SELECT count(*)::int AS n FROM incident_uploads')).rows[0].n as number
  const n = await uploads()
  const res = await upload('name,age\r\nAmy,9\r\n')
  t.equal(res.statusCode, 422)
  t.match(res.body, /There is a problem/)
  t.match(res.body, /id="file-error"[^>]*>[\s\S]*Line 1: The header row does not match the template/)
  const empty = await upload(HEAD + '\r\n')
  t.equal(empty.statusCode, 422)
  const notUtf8 = multipart('')
  const latin1 = Buffer.concat([Buffer.from(HEAD + '\r\n'), Buffer.from([0x4a, 0xf6, 0x72, 0x67])])
  const bad = await h.app.inject({ method: 'POST', url: '/incidents/upload', headers: { authorization: `Bearer ${police}`, 'content-type': notUtf8.type, origin: ORIGIN, accept: 'text/html' },
    payload: Buffer.concat([notUtf8.body.subarray(0, notUtf8.body.indexOf('\r\n\r\n') + 4), latin1, Buffer.from('\r\n--' + notUtf8.type.split('boundary=')[1] + '--\r\n')]) })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, /CSV UTF-8/)
  const form = await h.app.inject({ method: 'POST', url: '/incidents/upload', headers: { authorization: `Bearer ${police}`, 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, accept: 'text/html' }, payload: 'file=x' })
  t.equal(form.statusCode, 400)
  t.equal(await uploads(), n)
})

t.test('only our own pages may post, only the police upload, and a force sees only its own uploads', async (t) => {
  t.equal((await upload(FILE, police, 'https://evil.example')).statusCode, 403)
  t.equal((await upload(FILE, admin)).statusCode, 403)
  t.equal((await status(firstId, otherForce)).statusCode, 404)
  t.equal((await status('not-a-uuid')).statusCode, 404)
  t.equal((await status(firstId, admin)).statusCode, 200)
  const template = await h.app.inject({ method: 'GET', url: '/incidents/upload/template.csv', headers: { authorization: `Bearer ${police}` } })
  t.equal(template.body, incidentCsvTemplate())
  t.match(template.headers['content-disposition'], /attachment; filename="incidents-template.csv"/)
})

t.test('a stored upload that no worker took (Redis away) is handed over by the sweeper', async (t) => {
  const { rows } = await db.query(`INSERT INTO incident_uploads (force_code, uploaded_by, age_min, age_max, csv, total_rows, created_at)
    VALUES ('cleveland', 'test', 0, 17, $1, 1, '2026-11-20T20:00:00Z') RETURNING id`, [[HEAD, line('UP-5', 'Fern')].join('\n')])
  await h.workers!.sweepNow()
  const row = await finished(rows[0].id)
  t.same([row.status, row.accepted], ['done', 1])
})

const browser = await launchBrowser(t)
if (browser) {
  t.test('in a browser: the officer downloads the template, uploads a file with a bad row and reads the outcome', async (t) => {
    const base = await h.app.listen({ port: 0, host: '127.0.0.1' })
    mkdirSync('test-artifacts', { recursive: true })
    const page = await openPage(browser)
    await page.goto(`${base}/dashboard/login`)
    await page.fill('#token', police)
    await page.click('button:has-text("Sign in")')
    await page.waitForURL(`${base}/incidents`)
    await page.click('header a:has-text("Upload incidents")')
    await page.waitForURL(`${base}/incidents/upload`)
    t.equal(await page.title(), 'Upload incidents – Operation Encompass')
    await expectNoSeriousAxeViolations(t, page, 'the upload form')
    t.ok(await fitsNarrowScreen(page), 'fits 320 px')
    await page.click('button:has-text("Upload")')
    t.match(await page.textContent('.govuk-error-summary'), /Select a CSV file/, 'sent without a file')
    t.match(await page.textContent('#file-error'), /Select a CSV file/)
    await expectNoSeriousAxeViolations(t, page, 'the upload form with an error')
    await page.setInputFiles('#file', { name: 'tonight.csv', mimeType: 'text/csv', buffer: Buffer.from([HEAD, line('UP-B1', 'Gil'), line('UP-B2', 'Hal', 'not-a-date')].join('\r\n')) })
    await page.click('button:has-text("Upload")')
    await page.waitForURL(/\/incidents\/upload\/[0-9a-f-]{36}$/)
    await page.waitForSelector('#upload-status[data-finished="true"]', { timeout: 30_000 })
    t.match(await page.textContent('main'), /1 new incidents stored[\s\S]*1 rows refused/)
    t.match(await page.textContent('#problems'), /3\s*dateOfBirth\s*must be a date YYYY-MM-DD/)
    t.match(await page.title(), /^Incident upload finished/)
    await expectNoSeriousAxeViolations(t, page, 'the upload outcome')
    t.ok(await fitsNarrowScreen(page), 'the outcome fits 320 px')
    await page.screenshot({ path: 'test-artifacts/incident-upload.png', fullPage: true })
  })
}
