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
