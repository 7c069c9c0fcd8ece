// A setting in Wales (issue 14.6), end to end: its Key Adult's e-mail is in Welsh first and English,
// marked Content-Language: cy, en; the acknowledgement page it links to is too, and acknowledges as
// any other. Its Key Adult signs in in Welsh (the sign-in pages offer Cymraeg) and reads the
// notification, its print view and the list Welsh first, each part marked with its lang. A Welsh
// setting that chose English first gets English first. A setting in England keeps English only.
import t from 'tap'
import { aSchool, anIncident, createHarness, eventually } from '../helpers/harness.js'

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
  t.match(page.body, /<h1 class="govuk-heading-l"><span lang="cy">Cydnabod yr hysbysiad hwn<\/span> \/ <span lang="en">Acknowledge this notification<\/span><\/h1>/)
  t.match(page.body, /<p class="govuk-body" lang="cy">Mae’r heddlu wedi dweud wrth y lleoliad hwn[^<]*<\/p>\s*<p class="govuk-body" lang="en">The police have told this setting/, 'each sentence Welsh, then English')
  t.match(page.body, /<span lang="cy">Eich enw \(dewisol\)<\/span> \/ <span lang="en">Your name \(optional\)<\/span>/, 'the label in both')
  t.match(page.body, /<span lang="cy">Cydnabod<\/span> \/ <span lang="en">Acknowledge<\/span>/, 'the button in both')
  const refused = await h.app.inject({ method: 'POST', url: ack, headers: { ...html, origin: BASE, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=a%09b' })
  t.equal(refused.statusCode, 400)
  t.match(refused.body, /<span lang="cy">Mae problem wedi codi<\/span> \/ <span lang="en">There is a problem<\/span>/)
  t.match(refused.body, /<span lang="cy">Ni ddylai eich enw gynnwys toriadau llinell[^<]*<\/span><br><span lang="en">Your name must not include line breaks/)
  t.match(refused.body, /<title>Gwall \/ Error: Cydnabod yr hysbysiad hwn \/ Acknowledge this notification/)
  const pressed = await h.app.inject({ method: 'POST', url: ack, headers: { ...html, origin: BASE, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=Si%C3%A2n' })
  t.equal(pressed.statusCode, 303)
  const after = await h.app.inject({ method: 'GET', url: ack, headers: html })
  t.match(after.body, /<p class="govuk-body" id="acknowledged-cy" lang="cy">Cafodd yr hysbysiad hwn ei gydnabod am \d{1,2}:\d{2}y[bh] ddydd [^<]* gan Siân[^<]*<\/p>\s*<p class="govuk-body" id="acknowledged" lang="en">This notification was acknowledged at .* by Siân/)
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
  t.notMatch(page.body, /<span lang=/, 'no part marked: the page as it always was')
  t.match(page.body, /<h1 class="govuk-heading-l">Acknowledge this notification<\/h1>/)
  t.match(page.body, /Your name \(optional\)/)
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
  t.match(page.body, /<h1 class="govuk-heading-l"><span lang="en">Acknowledge this notification<\/span> \/ <span lang="cy">Cydnabod yr hysbysiad hwn<\/span><\/h1>/, 'English first, as chosen')
  t.match(page.body, /<p class="govuk-body" lang="en">The police have told this setting[^<]*<\/p>\s*<p class="govuk-body" lang="cy">Mae’r heddlu wedi dweud/)
  t.match(page.body, /<span lang="en">Acknowledge<\/span> \/ <span lang="cy">Cydnabod<\/span>/)
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

const form = (cookie?: string) => ({ ...html, origin: BASE, 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie: `enc_session=${cookie}` } : {}) })
const withCookie = (cookie: string) => ({ ...html, cookie: `enc_session=${cookie}` })
const mailsTo = (to: string, kind: string) => h.smtp.messages.filter((m) => m.envelopeTo.includes(to) && m.parsed.headers.get('x-encompass-kind') === kind)
async function notificationFor(urn: string, to: string, child: Record<string, unknown>): Promise<string> {
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident({}, { school: { urn }, ...child }) })
  if (res.statusCode !== 202) throw new Error(res.body)
  const mail = await eventually(async () => mailsTo(to, 'notification')[0])
  return String(mail.parsed.headers.get('x-encompass-notification'))
}
/** Asks for a link (in Welsh when `lang` is cy), opens it, presses Sign in: the session's cookie. */
async function signIn(email: string, lang: 'cy' | null, returnTo: string) {
  const before = mailsTo(email, 'sign-in-link').length
  const sent = await h.app.inject({ method: 'POST', url: '/sign-in', headers: form(), payload: new URLSearchParams({ email, returnTo, ...(lang ? { lang } : {}) }).toString() })
  const mail = await eventually(async () => mailsTo(email, 'sign-in-link')[before])
  const link = /http:\/\/encompass\.test(\/sign-in\/link\/[A-Za-z0-9_-]{43})/.exec(String(mail.parsed.text))![1]!
  const linkPage = await h.app.inject({ method: 'GET', url: link, headers: html })
  const pressed = await h.app.inject({ method: 'POST', url: link, headers: form(), payload: lang ? `lang=${lang}` : '' })
  const cookie = ([] as string[]).concat((pressed.headers['set-cookie'] as string[] | string | undefined) ?? []).find((c) => c.startsWith('enc_session=') && !c.startsWith('enc_session=;'))!
  return { sent, mail, linkPage, pressed, cookie: cookie.slice('enc_session='.length, cookie.indexOf(';')) }
}

let welshId = ''
let englishId = ''
let sianCookie = ''

t.test('the sign-in page offers Cymraeg, and in Welsh keeps the choice through the form', async (t) => {
  // Set up here, once the tests above have had their e-mails.
  // A Key Adult of a Welsh setting, and one of a setting in England, each with a notification.
  await h.app.inject({
    method: 'PUT', url: '/v1/schools/402345', headers: json(admin),
    payload: aSchool({ name: 'Ysgol Gymraeg Bryn', laCode: '677', contacts: [{ role: 'dsl', name: 'Siân Jones', email: 'sian.jones@example.org' }] }),
  })
  await h.app.inject({
    method: 'PUT', url: '/v1/schools/112345', headers: json(admin),
    payload: aSchool({ name: 'English Infant School', contacts: [{ role: 'dsl', name: 'Pat English', email: 'pat.english@example.org' }] }),
  })
  welshId = await notificationFor('402345', 'sian.jones@example.org', { givenName: 'Gwenllian', familyName: 'Pritchard', role: 'witness' })
  englishId = await notificationFor('112345', 'pat.english@example.org', { givenName: 'Oliver', familyName: 'Smith' })
  const english = await h.app.inject({ method: 'GET', url: `/sign-in?returnTo=%2Fnotifications%2F${welshId}`, headers: html })
  t.equal(english.statusCode, 200)
  t.match(english.body, new RegExp(`<a class="govuk-link" href="/sign-in\\?lang=cy&amp;returnTo=%2Fnotifications%2F${welshId}" lang="cy" hreflang="cy">Cymraeg</a>`), 'the switch, named in Welsh')
  t.match(english.body, /<h1 class="govuk-heading-l">Sign in<\/h1>/, 'otherwise English only, as it was')
  t.notMatch(english.body, /name="lang"/)
  const welsh = await h.app.inject({ method: 'GET', url: `/sign-in?lang=cy&returnTo=%2Fnotifications%2F${welshId}`, headers: html })
  t.equal(welsh.statusCode, 200)
  t.match(welsh.body, /<title>Mewngofnodi \/ Sign in – Operation Encompass<\/title>/)
  t.match(welsh.body, /<h1 class="govuk-heading-l"><span lang="cy">Mewngofnodi<\/span> \/ <span lang="en">Sign in<\/span><\/h1>/)
  t.match(welsh.body, /<p class="govuk-body" lang="cy">Rhowch eich cyfeiriad e-bost gwaith\.[^<]*<\/p>\s*<p class="govuk-body" lang="en">Enter your work e-mail address\./)
  t.match(welsh.body, /<input type="hidden" name="lang" value="cy">/, 'the choice goes with the form')
  t.match(welsh.body, /<span lang="cy">Anfon dolen mewngofnodi ataf<\/span> \/ <span lang="en">Send me a sign-in link<\/span>/)
  t.match(welsh.body, /href="\/sign-in\?lang=en&amp;returnTo=[^"]+" lang="en" hreflang="en">English<\/a>/)
  const empty = await h.app.inject({ method: 'POST', url: '/sign-in', headers: form(), payload: 'email=&lang=cy' })
  t.equal(empty.statusCode, 400)
  t.match(empty.body, /<span lang="cy">Rhowch eich cyfeiriad e-bost<\/span><br><span lang="en">Enter your e-mail address<\/span>/)
  t.match(empty.body, /<input type="hidden" name="lang" value="cy">/)
  t.equal((await h.services.db.query('SELECT count(*)::int AS n FROM sign_in_links')).rows[0].n, 0, 'a GET, or a refused form, stores nothing')
})

t.test("a Welsh setting's Key Adult signs in in Welsh and reads the notification Welsh first", async (t) => {
  const { sent, mail, linkPage, pressed, cookie } = await signIn('sian.jones@example.org', 'cy', `/notifications/${welshId}`)
  t.match(sent.body, /<h1 class="govuk-heading-l"><span lang="cy">Gwiriwch eich e-bost<\/span> \/ <span lang="en">Check your e-mail<\/span><\/h1>/)
  t.match(sent.body, /lang="cy">Os yw <strong>sian\.jones@example\.org<\/strong> ar gofnod/)
  t.match(sent.body, /<a class="govuk-link" href="\/sign-in\?lang=cy">gofynnwch am ddolen arall<\/a>/)
  t.equal(mail.parsed.subject, 'Mewngofnodi i Ymgyrch Encompass / Sign in to Operation Encompass')
  t.equal(mail.parsed.headers.get('content-language'), 'cy, en')
  t.match(mail.parsed.text, /^Defnyddiwch y ddolen hon i fewngofnodi i Ymgyrch Encompass\. Mae’n gweithio unwaith, tan \d{1,2}:\d{2}y[bh] [\s\S]*Use this link to sign in/)
  t.match(String(mail.parsed.html), /<div lang="cy">[\s\S]*<div lang="en">/)
  t.match(linkPage.body, /<span lang="cy">Mewngofnodi<\/span> \/ <span lang="en">Sign in<\/span>/, 'the link’s page keeps the language chosen')
  t.match(linkPage.body, /<input type="hidden" name="lang" value="cy">/)
  t.equal(pressed.statusCode, 303)
  t.equal(pressed.headers.location, `/notifications/${welshId}`)
  sianCookie = cookie

  const page = await h.app.inject({ method: 'GET', url: `/notifications/${welshId}`, headers: withCookie(cookie) })
  t.equal(page.statusCode, 200)
  t.equal(page.headers['content-language'], 'cy, en')
  t.match(page.body, /<title>Hysbysiad Ymgyrch Encompass \/ Operation Encompass notification – Operation Encompass<\/title>/)
  t.match(page.body, /<h1 class="govuk-heading-l"><span lang="cy">Hysbysiad Ymgyrch Encompass<\/span> \/ <span lang="en">Operation Encompass notification<\/span><\/h1>/)
  t.match(page.body, /<p class="govuk-body" id="acknowledged-cy" lang="cy"><strong class="govuk-tag govuk-tag--red">Heb ei gydnabod eto<\/strong><\/p>\s*<p class="govuk-body" id="acknowledged" lang="en"><strong class="govuk-tag govuk-tag--red">Not yet acknowledged<\/strong><\/p>/)
  t.match(page.body, /<p class="govuk-body" lang="cy">Bu’r heddlu mewn digwyddiad[^<]*Byddwch yn barod i’w gefnogi ddydd [A-Za-z]+ \d{1,2} [A-Za-z]+ 2026\.<\/p>\s*<p class="govuk-body" lang="en">The police attended/)
  t.match(page.body, /<span lang="cy">Enw<\/span><br><span lang="en">Name<\/span>[\s\S]*Gwenllian Pritchard/, 'the facts’ keys in both, the child once')
  t.match(page.body, /<span lang="cy">Wedi gweld neu glywed y digwyddiad<\/span><br><span lang="en">Saw or heard the incident<\/span>/)
  t.match(page.body, /<span lang="cy">Y plentyn<\/span> \/ <span lang="en">The child<\/span>/)
  t.match(page.body, /lang="cy">Mewn argyfwng, ffoniwch 999\.<\/p>\s*<p class="govuk-body" lang="en">In an emergency, call 999\.<\/p>/)
  t.match(page.body, /<span lang="cy">Cydnabod<\/span> \/ <span lang="en">Acknowledge<\/span>/, 'the button in both, Welsh first')
  t.ok(page.body.indexOf('Byddwch yn barod i’w gefnogi') < page.body.indexOf('Please be ready to support them'), 'Welsh before English')

  const print = await h.app.inject({ method: 'GET', url: `/notifications/${welshId}/print`, headers: withCookie(cookie) })
  t.equal(print.headers['content-language'], 'cy, en')
  t.match(print.body, /<p class="govuk-body" lang="cy">Gwybodaeth ddiogelu gyfrinachol, ar gyfer ffeil amddiffyn plant y plentyn\. Argraffwyd am [^<]* gan Siân Jones\.<\/p>\s*<p class="govuk-body" lang="en">Confidential safeguarding information/)
  t.match(print.body, /lang="cy">Heb ei gydnabod eto\. Anfonwyd at y lleoliad am/)

  const list = await h.app.inject({ method: 'GET', url: '/notifications', headers: withCookie(cookie) })
  t.equal(list.headers['content-language'], 'cy, en')
  t.match(list.body, /<span lang="cy">Hysbysiadau<\/span> \/ <span lang="en">Notifications<\/span>/)
  t.match(list.body, /<span lang="cy">1 hysbysiad<\/span> \/ <span lang="en">1 notification<\/span>/)
  t.match(list.body, /<span lang="cy">Dangos<\/span> \/ <span lang="en">Show<\/span>/)
  t.match(list.body, /<option value="open" lang="cy">Heb ei gydnabod eto \/ Not yet acknowledged<\/option>/)

  const pressedAck = await h.app.inject({ method: 'POST', url: `/notifications/${welshId}/acknowledge`, headers: form(cookie), payload: '' })
  t.equal(pressedAck.statusCode, 303)
  t.equal(pressedAck.headers.location, `/notifications/${welshId}?acknowledged=now`)
  const done = await h.app.inject({ method: 'GET', url: String(pressedAck.headers.location), headers: withCookie(cookie) })
  t.match(done.body, /<span lang="cy">Hysbysiad wedi’i gydnabod<\/span><br><span lang="en">Notification acknowledged<\/span>/)
  t.match(done.body, /<p class="govuk-body" id="acknowledged-cy" lang="cy"><strong class="govuk-tag govuk-tag--green">Wedi’i gydnabod<\/strong> am [^<]* gan Siân Jones \(signed in\)\.<\/p>\s*<p class="govuk-body" id="acknowledged" lang="en"><strong class="govuk-tag govuk-tag--green">Acknowledged<\/strong> at /)
  t.notMatch(done.body, /id="acknowledge"/, 'nothing more to press')
})

t.test('a Welsh setting that chose English first: its pages are English first, then Welsh', async (t) => {
  await h.app.inject({ method: 'PATCH', url: '/v1/schools/402345', headers: json(admin), payload: { firstLanguage: 'en' } })
  t.teardown(() => h.app.inject({ method: 'PATCH', url: '/v1/schools/402345', headers: json(admin), payload: { firstLanguage: null } }))
  const page = await h.app.inject({ method: 'GET', url: `/notifications/${welshId}`, headers: withCookie(sianCookie) })
  t.equal(page.headers['content-language'], 'en, cy')
  t.match(page.body, /<h1 class="govuk-heading-l"><span lang="en">Operation Encompass notification<\/span> \/ <span lang="cy">Hysbysiad Ymgyrch Encompass<\/span><\/h1>/)
  t.match(page.body, /<p class="govuk-body" lang="en">The police attended[^<]*<\/p>\s*<p class="govuk-body" lang="cy">Bu’r heddlu/)
  const list = await h.app.inject({ method: 'GET', url: '/notifications', headers: withCookie(sianCookie) })
  t.equal(list.headers['content-language'], 'en, cy')
  t.match(list.body, /<span lang="en">Notifications<\/span> \/ <span lang="cy">Hysbysiadau<\/span>/)
})

t.test("an English setting's Key Adult: the pages as they always were, in English only", async (t) => {
  const { mail, linkPage, cookie } = await signIn('pat.english@example.org', null, `/notifications/${englishId}`)
  t.equal(mail.parsed.subject, 'Sign in to Operation Encompass')
  t.equal(mail.parsed.headers.get('content-language'), 'en')
  t.match(mail.parsed.text, /^Use this link to sign in to Operation Encompass\. It works once, until \d{1,2}:\d{2}[ap]m \(15 minutes after you asked for it\)\./)
  t.notMatch(mail.parsed.text, /Ymgyrch|Mewngofnodi/)
  t.match(linkPage.body, /<h1 class="govuk-heading-l">Sign in to Operation Encompass<\/h1>/)
  t.match(linkPage.body, /hreflang="cy">Cymraeg<\/a>/, 'the switch is offered')
  const page = await h.app.inject({ method: 'GET', url: `/notifications/${englishId}`, headers: withCookie(cookie) })
  t.equal(page.statusCode, 200)
  t.equal(page.headers['content-language'], 'en')
  t.notMatch(page.body, /lang="cy"|<span lang=|<p class="govuk-body" lang=/, 'no part marked')
  t.match(page.body, /<h1 class="govuk-heading-l">Operation Encompass notification<\/h1>/)
  t.match(page.body, /<p class="govuk-body" id="acknowledged"><strong class="govuk-tag govuk-tag--red">Not yet acknowledged<\/strong><\/p>/)
  t.match(page.body, /The police attended a domestic abuse incident involving this child\. Please be ready to support them on [A-Za-z]+ \d{1,2} [A-Za-z]+ 2026\./)
  t.match(page.body, /Present at the incident\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*Yes/)
  t.match(page.body, /Acknowledge\s*<\/button>/)
  const list = await h.app.inject({ method: 'GET', url: '/notifications', headers: withCookie(cookie) })
  t.equal(list.headers['content-language'], 'en')
  t.match(list.body, /<p class="govuk-body-l" id="count">1 notification<\/p>/)
  t.notMatch(list.body, /lang="cy"/)
})
