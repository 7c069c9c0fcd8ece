// A Key Adult acknowledges in a real browser (Debian's Chromium): the link from the captured
// e-mail opens the page, a mistake is shown the GOV.UK way (GOV.UK Frontend's script runs under the
// CSP and moves focus to the summary), pressing Acknowledge shows the confirmation, and the API
// then reads the notification as acknowledged by the name given. A second tab pressing later is
// told it was already done. Every page on the way passes axe and fits 320 px. Screenshots are kept
// in test-artifacts/.
import { mkdirSync } from 'node:fs'
import t from 'tap'
import { consoleProblems, expectNoSeriousAxeViolations, fitsNarrowScreen, launchBrowser, openPage } from '../helpers/browser.js'
import { aSchool, anIncident, createHarness } from '../helpers/harness.js'

const h = await createHarness({ workers: true })
t.teardown(() => h.close())
const browser = await launchBrowser(t)
if (browser) {
  const admin = await h.token('admin')
  const police = await h.token('police', 'cleveland')
  const dsl = await h.token('dsl', '111234')
  const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
  await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool() })
  const body = anIncident({}, { givenName: 'Zephyrine', familyName: 'Quillfeather', dateOfBirth: '2015-07-19' })
  await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: body })
  const [mail] = await h.smtp.waitFor(1)
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' })
  const local = (url: string) => url.replace(h.services.config.PUBLIC_BASE_URL, base)
  // The link as a person clicks it: the HTML part's "Open this page to acknowledge".
  const href = /<a href="([^"]+)"><strong>Open this page to acknowledge<\/strong><\/a>/.exec(String(mail!.parsed.html))![1]!
  const ackUrl = local(href.replace(/&amp;/g, '&'))
  const notificationId = String(mail!.parsed.headers.get('x-encompass-notification'))
  mkdirSync('test-artifacts', { recursive: true })
  const page = await openPage(browser)
  const other = await openPage(browser)

  t.test('the e-mail’s link opens the page, which names the setting, the day and the reference, and nothing of the child', async (t) => {
    await page.goto(ackUrl)
    await other.goto(ackUrl) // a colleague opens the same e-mail
    t.equal(await page.title(), 'Acknowledge this notification – Operation Encompass')
    const text = (await page.textContent('main'))!
    t.match(text, /Example Primary School \(URN 111234\)/)
    t.match(text, /Monday 23 November 2026/)
    t.match(text, body.reference)
    for (const bit of ['Zephyrine', 'Quillfeather', '2015-07-19', 'Verbal argument']) t.notOk(text.includes(bit), `no ${bit}`)
    t.match(await page.getAttribute('body', 'class'), /govuk-frontend-supported/, 'GOV.UK Frontend’s script ran')
    await expectNoSeriousAxeViolations(t, page, 'the acknowledgement page')
    t.ok(await fitsNarrowScreen(page), 'fits 320 px')
    await page.screenshot({ path: 'test-artifacts/acknowledge.png', fullPage: true })
    const n = await h.app.inject({ method: 'GET', url: `/v1/notifications/${notificationId}`, headers: json(dsl) })
    t.equal(n.json().status, 'sent', 'opening the page acknowledged nothing')
  })

  t.test('a mistake is shown in an error summary that takes the focus', async (t) => {
    await page.fill('#name', 'x'.repeat(101))
    await page.click('#acknowledge')
    await page.waitForSelector('.govuk-error-summary')
    t.match(await page.title(), /^Error: Acknowledge this notification/)
    t.ok(await page.evaluate(() => document.activeElement?.closest('.govuk-error-summary') !== null), 'focus moved to the summary')
    t.match(await page.textContent('#name-error'), /100 characters or fewer/)
    t.equal(await page.inputValue('#name'), 'x'.repeat(101), 'what was typed is kept')
    await expectNoSeriousAxeViolations(t, page, 'the acknowledgement page with an error')
    consoleProblems(page, true) // the refused form answered 400 on purpose
  })

  t.test('pressing Acknowledge confirms it, and the API reads it as acknowledged by that person', async (t) => {
    await page.fill('#name', 'Jo Bloggs')
    await page.click('#acknowledge')
    await page.waitForSelector('.govuk-panel--confirmation')
    t.match(await page.textContent('.govuk-panel__title'), /Notification acknowledged/)
    t.match(await page.textContent('#acknowledged'), /acknowledged at \d{1,2}:\d{2}(am|pm) on Friday 20 November 2026 by Jo Bloggs \(e-mail link\)/)
    await expectNoSeriousAxeViolations(t, page, 'the confirmation')
    t.ok(await fitsNarrowScreen(page), 'fits 320 px')
    await page.screenshot({ path: 'test-artifacts/acknowledged.png', fullPage: true })
    const n = await h.app.inject({ method: 'GET', url: `/v1/notifications/${notificationId}`, headers: json(dsl) })
    t.match(n.json(), { status: 'acknowledged', acknowledgedBy: 'Jo Bloggs (e-mail link)' })
    t.ok(n.json().acknowledgedAt)
    await page.reload()
    t.match(await page.textContent('#acknowledged'), /by Jo Bloggs/, 'reloading shows it again and sends nothing')
  })

  t.test('the colleague who presses later is told it was already acknowledged', async (t) => {
    await other.fill('#name', 'Sam Deputy')
    await other.click('#acknowledge')
    await other.waitForSelector('#acknowledged')
    t.equal(await other.locator('.govuk-panel--confirmation').count(), 0)
    t.match(await other.textContent('h1'), /Notification acknowledged/)
    t.match(await other.textContent('#acknowledged'), /by Jo Bloggs \(e-mail link\)/)
    const n = await h.app.inject({ method: 'GET', url: `/v1/notifications/${notificationId}`, headers: json(dsl) })
    t.equal(n.json().acknowledgedBy, 'Jo Bloggs (e-mail link)', 'the first acknowledgement stands')
    t.same(consoleProblems(other), [])
  })

  t.test('the details link asks for sign-in and shows nothing of the child', async (t) => {
    await page.click('a:has-text("Read the full details")')
    await page.waitForURL(/\/sign-in\?returnTo=%2Fnotifications%2F[0-9a-f-]{36}$/)
    t.match(await page.textContent('h1'), /Sign in/)
    t.notMatch((await page.textContent('main'))!, /Zephyrine|Quillfeather/)
    await expectNoSeriousAxeViolations(t, page, 'the sign-in page')
    t.ok(await fitsNarrowScreen(page))
  })

  t.test('a broken link, and a form sent from another site, each get a plain page', async (t) => {
    await page.goto(ackUrl.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))
    t.match(await page.textContent('h1'), /Link not recognised/)
    await expectNoSeriousAxeViolations(t, page, 'the broken link page')
    await page.goto(`${base}/no-such-page`)
    t.match(await page.textContent('h1'), /Page not found/)
    await expectNoSeriousAxeViolations(t, page, 'the not-found page')
    // A page that is not ours posts the form (from about:blank Chromium sends Origin: null).
    await page.goto('about:blank')
    await page.setContent(`<form method="post" action="${ackUrl}"><input name="name" value="Mallory"><button>Go</button></form>`)
    await page.click('button')
    await page.waitForSelector('h1')
    t.match(await page.textContent('h1'), /This form was sent from another website/)
    await expectNoSeriousAxeViolations(t, page, 'the cross-site refusal page')
    consoleProblems(page, true) // the 404 and 403 above answer so on purpose
    const n = await h.app.inject({ method: 'GET', url: `/v1/notifications/${notificationId}`, headers: json(dsl) })
    t.equal(n.json().acknowledgedBy, 'Jo Bloggs (e-mail link)')
  })

  t.test('no console errors: nothing was refused by the CSP', async (t) => {
    t.same(consoleProblems(page), [])
  })
}
