// A setting in Wales (issue 14.6), end to end: its Key Adult's e-mail is in Welsh first and English,
// marked Content-Language: cy, en; the acknowledgement page it links to is too, and acknowledges as
// any other. A setting in England keeps English only.
import t from 'tap'
import { aSchool, anIncident, createHarness } from '../helpers/harness.js'

const h = await createHarness({ workers: true })
t.teardown(() => h.close())
const admin = await h.token('admin')
const police = await h.token('police', 'gwent')
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
await h.app.inject({ method: 'PUT', url: '/v1/schools/401234', headers: json(admin), payload: aSchool({ name: 'Ysgol Gynradd Enghraifft', laCode: '677' }) })
await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool() })
const BASE = 'http://encompass.test'
const html = { accept: 'text/html' }

t.test("a Welsh setting's e-mail and acknowledgement page are in Welsh and English", async (t) => {
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident({}, { school: { urn: '401234' } }) })
  t.equal(res.statusCode, 202)
  const [mail] = await h.smtp.waitFor(1)
  t.equal(mail!.parsed.headers.get('content-language'), 'cy, en')
  t.match(mail!.parsed.subject, /^Hysbysiad Ymgyrch Encompass \/ Operation Encompass notification/)
  t.match(mail!.parsed.text, /^Ymgyrch Encompass: bu’r heddlu/)
  const ack = new RegExp(`${BASE}(/ack/\\S+)`).exec(mail!.parsed.text!)![1]!
  const page = await h.app.inject({ method: 'GET', url: ack, headers: html })
  t.equal(page.statusCode, 200)
  t.equal(page.headers['content-language'], 'cy, en')
  t.match(page.body, /<div lang="cy" id="welsh">[\s\S]*Cydnabod yr hysbysiad hwn/)
  t.match(page.body, /<span lang="cy">Cydnabod<\/span> \/ Acknowledge/)
  const pressed = await h.app.inject({ method: 'POST', url: ack, headers: { ...html, origin: BASE, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=Si%C3%A2n' })
  t.equal(pressed.statusCode, 303)
  const after = await h.app.inject({ method: 'GET', url: ack, headers: html })
  t.match(after.body, /acknowledged at .* by Siân/)
})

t.test('a setting in England: English only', async (t) => {
  const before = h.smtp.messages.length
  await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident() })
  const mails = await h.smtp.waitFor(before + 1)
  const mail = mails[before]!
  t.equal(mail.parsed.headers.get('content-language'), 'en')
  t.notMatch(mail.parsed.text, /Ymgyrch/)
  const ack = new RegExp(`${BASE}(/ack/\\S+)`).exec(mail.parsed.text!)![1]!
  const page = await h.app.inject({ method: 'GET', url: ack, headers: html })
  t.equal(page.headers['content-language'], 'en')
  t.notMatch(page.body, /lang="cy"/)
})

t.test('PATCH /v1/schools/{urn} sets the first language; a Welsh setting choosing English first gets English, then Welsh', async (t) => {
  const bad = await h.app.inject({ method: 'PATCH', url: '/v1/schools/401234', headers: json(admin), payload: { firstLanguage: 'fr' } })
  t.equal(bad.statusCode, 400)
  const empty = await h.app.inject({ method: 'PATCH', url: '/v1/schools/401234', headers: json(admin), payload: {} })
  t.equal(empty.statusCode, 400, 'nothing to change')
  const res = await h.app.inject({ method: 'PATCH', url: '/v1/schools/401234', headers: json(admin), payload: { firstLanguage: 'en' } })
  t.equal(res.statusCode, 200)
  t.equal(res.json().firstLanguage, 'en')
  t.ok(res.json().contacts.length > 0, 'the Key Adults are kept')
  t.equal((await h.app.inject({ method: 'PATCH', url: '/v1/schools/999999', headers: json(admin), payload: { firstLanguage: 'cy' } })).statusCode, 404)
  const before = h.smtp.messages.length
  await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident({}, { school: { urn: '401234' } }) })
  const mail = (await h.smtp.waitFor(before + 1))[before]!
  t.equal(mail.parsed.headers.get('content-language'), 'en, cy')
  t.match(mail.parsed.subject, /^Operation Encompass notification \/ Hysbysiad Ymgyrch Encompass /)
  t.match(mail.parsed.text, /^Operation Encompass: the police attended[\s\S]*Mae’r fersiwn Gymraeg yn dilyn[\s\S]*Ymgyrch Encompass: bu’r heddlu/)
  const ack = new RegExp(`${BASE}(/ack/\\S+)`).exec(mail.parsed.text!)![1]!
  const page = await h.app.inject({ method: 'GET', url: ack, headers: html })
  t.equal(page.headers['content-language'], 'en, cy', 'the acknowledgement page names the chosen order')
  t.match(page.body, /lang="cy"/)
  const back = await h.app.inject({ method: 'PATCH', url: '/v1/schools/401234', headers: json(admin), payload: { firstLanguage: null } })
  t.equal(back.json().firstLanguage, null, 'null returns it to the default')
})

t.test("the LA administrator's setting page shows and sets the first language", async (t) => {
  const page = (url: string) => h.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${admin}`, accept: 'text/html' } })
  const shown = await page('/settings/111234')
  t.match(shown.body, /id="languages-now">E-mails and pages for this setting’s Key Adults are in English only\./)
  t.match(shown.body, /The default: English only/)
  const saved = await h.app.inject({
    method: 'POST', url: '/settings/111234/language', payload: 'firstLanguage=cy',
    headers: { authorization: `Bearer ${admin}`, accept: 'text/html', origin: BASE, 'content-type': 'application/x-www-form-urlencoded' },
  })
  t.equal(saved.statusCode, 303)
  t.match((await page('/settings/111234?done=language')).body, /in Welsh, then English\.[\s\S]*The language of the setting’s e-mails and pages was saved\.|The language of the setting’s e-mails and pages was saved\.[\s\S]*in Welsh, then English\./)
  const { rows } = await h.services.db.query("SELECT first_language FROM schools WHERE urn = '111234'")
  t.equal(rows[0].first_language, 'cy')
  const audit = await h.services.db.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'school.language'")
  t.ok(audit.rows[0].n >= 1, 'audited')
  await h.services.db.query("UPDATE schools SET first_language = NULL WHERE urn = '111234'")
  t.match((await page('/settings/401234')).body, /The default: Welsh first, then English \(a Welsh local authority\)/)
})
