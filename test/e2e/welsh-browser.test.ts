// The Welsh pages in a real browser (Debian's Chromium) with axe (issue 14.6): a Welsh setting's
// Key Adult follows the e-mail's details link, switches the sign-in page to Cymraeg, signs in with
// the e-mailed link, reads the notification and its print view Welsh first, acknowledges with the
// "Cydnabod / Acknowledge" button and lists the notifications; the acknowledgement page the e-mail
// links to, Welsh first and (the setting choosing so) English first. Every page passes axe (a
// `lang` on each part, so a screen reader changes voice) and fits 320 px.
import t from 'tap'
import { consoleProblems, expectNoSeriousAxeViolations, fitsNarrowScreen, launchBrowser, openPage } from '../helpers/browser.js'
import { aSchool, anIncident, createHarness, eventually } from '../helpers/harness.js'

const h = await createHarness({ workers: true })
t.teardown(() => h.close())
const browser = await launchBrowser(t)
if (browser) {
  const admin = await h.token('admin')
  const police = await h.token('police', 'gwent')
  const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
  await h.app.inject({ method: 'PUT', url: '/v1/forces/gwent', headers: json(admin), payload: { name: 'Heddlu Gwent Police', contentProfile: 'full', deskPhone: '01633 838111' } })
  await h.app.inject({
    method: 'PUT', url: '/v1/schools/401234', headers: json(admin),
    payload: aSchool({ name: 'Ysgol Gynradd Enghraifft', laCode: '677', contacts: [{ role: 'dsl', name: 'Siân Jones', email: 'sian.jones@example.org' }] }),
  })
  await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident({}, { school: { urn: '401234' }, givenName: 'Gwenllian', familyName: 'Pritchard' }) })
  const [mail] = await h.smtp.waitFor(1)
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' })
  const local = (url: string) => url.replace(h.services.config.PUBLIC_BASE_URL, base)
  const notificationId = String(mail!.parsed.headers.get('x-encompass-notification'))
  const detailsHref = /<a href="([^"]+\/notifications\/[^"]+)">/.exec(String(mail!.parsed.html))![1]!
  const ackHref = /<a href="([^"]+\/ack\/[^"]+)">/.exec(String(mail!.parsed.html))![1]!
  const page = await openPage(browser)

  t.test('the sign-in pages in Welsh, chosen with the Cymraeg link', async (t) => {
    await page.goto(local(detailsHref))
    await page.waitForURL(/\/sign-in\?returnTo=/)
    await page.click('#language-switch a:has-text("Cymraeg")')
    await page.waitForURL(/\/sign-in\?lang=cy&returnTo=/)
    t.equal(await page.title(), 'Mewngofnodi / Sign in – Operation Encompass')
    t.equal(await page.getAttribute('h1 span:first-child', 'lang'), 'cy')
    await expectNoSeriousAxeViolations(t, page, 'the sign-in page in Welsh')
    t.ok(await fitsNarrowScreen(page), 'fits 320 px')
    await page.click('#send-link')
    await page.waitForSelector('.govuk-error-summary')
    t.match(await page.textContent('.govuk-error-summary'), /Mae problem wedi codi.*There is a problem.*Rhowch eich cyfeiriad e-bost.*Enter your e-mail address/s)
    await expectNoSeriousAxeViolations(t, page, 'the Welsh sign-in page with an error')
    consoleProblems(page, true) // the refused form answered 400 on purpose
    await page.fill('#email', 'sian.jones@example.org')
    await page.click('#send-link')
    await page.waitForSelector('h1:has-text("Gwiriwch eich e-bost")')
    await expectNoSeriousAxeViolations(t, page, 'the Welsh check-your-e-mail page')
    const signIn = await eventually(async () => h.smtp.messages.find((m) => m.parsed.headers.get('x-encompass-kind') === 'sign-in-link'))
    t.equal(signIn.parsed.headers.get('content-language'), 'cy, en')
    const href = /<a href="([^"]+)"><strong>Mewngofnodi i Ymgyrch Encompass<\/strong><\/a>/.exec(String(signIn.parsed.html))![1]!
    await page.goto(local(href))
    t.equal(await page.title(), 'Mewngofnodi i Ymgyrch Encompass / Sign in to Operation Encompass – Operation Encompass')
    await expectNoSeriousAxeViolations(t, page, 'the Welsh sign-in link’s page')
    t.ok(await fitsNarrowScreen(page))
    await page.click('#sign-in')
    await page.waitForURL(`${base}/notifications/${notificationId}`)
  })

  t.test('the notification and its print view, Welsh first', async (t) => {
    t.equal(await page.title(), 'Hysbysiad Ymgyrch Encompass / Operation Encompass notification – Operation Encompass')
    t.equal(await page.getAttribute('#acknowledged-cy', 'lang'), 'cy')
    t.equal(await page.getAttribute('#acknowledged', 'lang'), 'en')
    t.match(await page.textContent('main'), /Gwenllian Pritchard/)
    await expectNoSeriousAxeViolations(t, page, 'the Welsh notification page')
    t.ok(await fitsNarrowScreen(page), 'fits 320 px')
    await page.screenshot({ path: 'test-artifacts/key-adult-notification-cy.png', fullPage: true })
    await page.click('#print-link')
    await page.waitForURL(`${base}/notifications/${notificationId}/print`)
    await expectNoSeriousAxeViolations(t, page, 'the Welsh print view')
    await page.goBack()
  })

  t.test('"Cydnabod / Acknowledge" acknowledges; the list is Welsh first', async (t) => {
    t.match(await page.textContent('#acknowledge'), /Cydnabod\s*\/\s*Acknowledge/)
    t.equal(await page.getAttribute('#acknowledge span[lang="cy"]', 'lang'), 'cy')
    await page.click('#acknowledge')
    await page.waitForSelector('.govuk-panel--confirmation')
    t.match(await page.textContent('#acknowledged-cy'), /Wedi’i gydnabod am .* gan Siân Jones/)
    await expectNoSeriousAxeViolations(t, page, 'the acknowledged Welsh notification')
    await page.click('header a:has-text("Notifications")')
    await page.waitForURL(`${base}/notifications`)
    t.match(await page.textContent('#count'), /1 hysbysiad \/ 1 notification/)
    await expectNoSeriousAxeViolations(t, page, 'the Welsh notifications list')
    t.ok(await fitsNarrowScreen(page), 'fits 320 px')
    await page.selectOption('#status', 'open')
    await page.click('button:has-text("Hidlo")')
    await page.waitForURL(`${base}/notifications?status=open`)
    t.match(await page.textContent('main'), /Mae pob hysbysiad wedi’i gydnabod\.\s*Every notification has been acknowledged\./)
    await expectNoSeriousAxeViolations(t, page, 'the filtered Welsh list')
  })

  t.test('the acknowledgement page: Welsh first, then English first when the setting chooses', async (t) => {
    const fresh = await openPage(browser)
    await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident({}, { school: { urn: '401234' } }) })
    const second = await eventually(async () => h.smtp.messages.filter((m) => m.parsed.headers.get('x-encompass-kind') === 'notification')[1])
    const ack = local(/<a href="([^"]+\/ack\/[^"]+)">/.exec(String(second.parsed.html))![1]!)
    await fresh.goto(ack)
    t.equal(await fresh.title(), 'Cydnabod yr hysbysiad hwn / Acknowledge this notification – Operation Encompass')
    await expectNoSeriousAxeViolations(t, fresh, 'the acknowledgement page, Welsh first')
    t.ok(await fitsNarrowScreen(fresh), 'fits 320 px')
    await fresh.fill('#name', 'a\tb')
    await fresh.click('#acknowledge')
    await fresh.waitForSelector('.govuk-error-summary')
    await expectNoSeriousAxeViolations(t, fresh, 'the acknowledgement page with an error, in both languages')
    consoleProblems(fresh, true)
    await h.app.inject({ method: 'PATCH', url: '/v1/schools/401234', headers: json(admin), payload: { firstLanguage: 'en' } })
    await fresh.goto(local(ackHref))
    t.equal(await fresh.title(), 'Notification acknowledged / Hysbysiad wedi’i gydnabod – Operation Encompass', 'the first one, acknowledged above, English first')
    await fresh.goto(ack)
    t.equal(await fresh.getAttribute('h1 span:first-child', 'lang'), 'en')
    await expectNoSeriousAxeViolations(t, fresh, 'the acknowledgement page, English first')
    await fresh.fill('#name', 'Siân')
    await fresh.click('#acknowledge')
    await fresh.waitForSelector('.govuk-panel--confirmation')
    await expectNoSeriousAxeViolations(t, fresh, 'the acknowledged page, English first')
    t.same(consoleProblems(fresh), [], 'no console errors, nothing refused by the CSP')
    t.same(consoleProblems(page), [], 'no console errors, nothing refused by the CSP')
  })
}
