// A Key Adult's morning in a real browser (Debian's Chromium): the notification e-mail's "Read the
// full details" link → sign-in (asks for the address) → the e-mailed sign-in link → its page's
// Sign in button → back on the notification, which shows the child in full → Acknowledge → the
// list → sign out. Every page on the way passes axe and fits 320 px; screenshots are kept in
// test-artifacts/.
import { mkdirSync } from 'node:fs'
import t from 'tap'
import { consoleProblems, expectNoSeriousAxeViolations, fitsNarrowScreen, launchBrowser, openPage } from '../helpers/browser.js'
import { aSchool, anIncident, createHarness, eventually } from '../helpers/harness.js'

const h = await createHarness({ workers: true })
t.teardown(() => h.close())
const browser = await launchBrowser(t)
if (browser) {
  const admin = await h.token('admin')
  const police = await h.token('police', 'cleveland')
  const dsl = await h.token('dsl', '111234')
  const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
  await h.app.inject({ method: 'PUT', url: '/v1/forces/cleveland', headers: json(admin), payload: { name: 'Cleveland Police', contentProfile: 'full', deskEmail: 'encompass.desk@cleveland.police.example' } })
  await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool() })
  const body = anIncident({}, { givenName: 'Zephyrine', familyName: 'Quillfeather', dateOfBirth: '2015-07-19' })
  await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: body })
  const [mail] = await h.smtp.waitFor(1)
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' })
  const local = (url: string) => url.replace(h.services.config.PUBLIC_BASE_URL, base)
  const detailsHref = /<a href="([^"]+)">Read the full details<\/a>/.exec(String(mail!.parsed.html))![1]!
  const notificationId = String(mail!.parsed.headers.get('x-encompass-notification'))
  mkdirSync('test-artifacts', { recursive: true })
  const page = await openPage(browser)

  t.test('the details link asks the Key Adult to sign in, and the e-mail’s link brings them back to it', async (t) => {
    await page.goto(local(detailsHref))
    await page.waitForURL(/\/sign-in\?returnTo=/)
    t.equal(await page.title(), 'Sign in – Operation Encompass')
    await expectNoSeriousAxeViolations(t, page, 'the sign-in page')
    t.ok(await fitsNarrowScreen(page), 'fits 320 px')
    await page.fill('#email', 'not-an-address')
    await page.click('#send-link')
    await page.waitForSelector('.govuk-error-summary')
    t.match(await page.textContent('#email-error'), /correct format/)
    await expectNoSeriousAxeViolations(t, page, 'the sign-in page with an error')
    consoleProblems(page, true) // the refused form answered 400 on purpose
    await page.fill('#email', 'Jo.Bloggs@example.org')
    await page.click('#send-link')
    await page.waitForSelector('h1:has-text("Check your e-mail")')
    await expectNoSeriousAxeViolations(t, page, 'the check-your-e-mail page')
    t.ok(await fitsNarrowScreen(page))
    const signIn = await eventually(async () => h.smtp.messages.find((m) => m.parsed.headers.get('x-encompass-kind') === 'sign-in-link'))
    const href = /<a href="([^"]+)"><strong>Sign in to Operation Encompass<\/strong><\/a>/.exec(String(signIn.parsed.html))![1]!
    await page.goto(local(href))
    t.equal(await page.title(), 'Sign in to Operation Encompass – Operation Encompass')
    await expectNoSeriousAxeViolations(t, page, 'the sign-in link’s page')
    t.ok(await fitsNarrowScreen(page))
    await page.click('#sign-in')
    await page.waitForURL(`${base}/notifications/${notificationId}`)
  })

  t.test('the notification shows the child in full, what to do today and the desk, with a title that names no one', async (t) => {
    t.equal(await page.title(), 'Operation Encompass notification – Operation Encompass')
    const text = (await page.textContent('main'))!
    for (const bit of ['Zephyrine Quillfeather', 'Sunday 19 July 2015', body.reference, 'Verbal argument between parents', 'What to do today', 'encompass.desk@cleveland.police.example']) {
      t.ok(text.includes(bit), `shows ${bit}`)
    }
    t.match(await page.textContent('header'), /Notifications.*Sign out/s, 'the Key Adult’s menu')
    await expectNoSeriousAxeViolations(t, page, 'the notification page')
    t.ok(await fitsNarrowScreen(page), 'fits 320 px')
    await page.screenshot({ path: 'test-artifacts/key-adult-notification.png', fullPage: true })
    await page.click('#print-link')
    await page.waitForURL(`${base}/notifications/${notificationId}/print`)
    t.ok((await page.textContent('main'))!.includes('Zephyrine Quillfeather'))
    await expectNoSeriousAxeViolations(t, page, 'the print view')
    await page.emulateMedia({ media: 'print' })
    t.equal(await page.locator('header.enc-header').isVisible(), false, 'printed without the menus')
    await page.screenshot({ path: 'test-artifacts/key-adult-print.png', fullPage: true })
    await page.emulateMedia({ media: 'screen' })
    await page.goBack()
  })

  t.test('Acknowledge records the signed-in Key Adult', async (t) => {
    await page.click('#acknowledge')
    await page.waitForSelector('.govuk-panel--confirmation')
    t.match(await page.textContent('#acknowledged'), /Acknowledged at .* by Jo Bloggs \(signed in\)/)
    await expectNoSeriousAxeViolations(t, page, 'the acknowledged notification')
    const n = await h.app.inject({ method: 'GET', url: `/v1/notifications/${notificationId}`, headers: json(dsl) })
    t.match(n.json(), { status: 'acknowledged', acknowledgedBy: 'Jo Bloggs (signed in)' })
    const { rows } = await h.services.db.query("SELECT a.actor FROM audit_log a WHERE a.action = 'notification.acknowledged' AND a.subject_id = $1", [notificationId])
    const { rows: person } = await h.services.db.query("SELECT id FROM people WHERE email = 'jo.bloggs@example.org'")
    t.same(rows, [{ actor: `person:${person[0].id}` }])
  })

  t.test('the list shows the setting’s notifications with a filter that works without script', async (t) => {
    await page.click('header a:has-text("Notifications")')
    await page.waitForURL(`${base}/notifications`)
    t.match(await page.textContent('#notifications'), /Zephyrine Quillfeather.*Acknowledged/s)
    await expectNoSeriousAxeViolations(t, page, 'the notifications list')
    t.ok(await fitsNarrowScreen(page), 'fits 320 px')
    await page.selectOption('#status', 'open')
    await page.click('button:has-text("Apply filter")')
    await page.waitForURL(`${base}/notifications?status=open`)
    t.match(await page.textContent('main'), /Every notification has been acknowledged/)
    await expectNoSeriousAxeViolations(t, page, 'the filtered list')
  })

  t.test('signing out ends the session: the notification asks for sign-in again', async (t) => {
    await page.click('button:has-text("Sign out")')
    await page.waitForURL(`${base}/signed-out`)
    await expectNoSeriousAxeViolations(t, page, 'the signed-out page')
    await page.goto(`${base}/notifications/${notificationId}`)
    await page.waitForURL(/\/sign-in\?returnTo=/)
    t.notMatch((await page.textContent('main'))!, /Zephyrine|Quillfeather/)
    t.same(consoleProblems(page), [], 'no console errors, nothing refused by the CSP')
  })
}

if (browser) {
  t.test('an administrator keeps the people on file on /people, errors shown the GOV.UK way', async (t) => {
    const base = `http://127.0.0.1:${(h.app.server.address() as { port: number }).port}`
    const page = await openPage(browser)
    await page.goto(`${base}/dashboard/login`)
    await page.fill('#token', await h.token('admin'))
    await page.click('button:has-text("Sign in")')
    await page.waitForURL(`${base}/dashboard`)
    await page.click('header a:has-text("People")')
    await page.waitForURL(`${base}/people`)
    t.match(await page.textContent('#people'), /jo\.bloggs@example\.org/, 'the Key Adult who signed in is on file')
    await expectNoSeriousAxeViolations(t, page, 'the people page')
    t.ok(await fitsNarrowScreen(page), 'fits 320 px')
    await page.click('#register')
    await page.waitForSelector('.govuk-error-summary')
    t.match(await page.textContent('#role-error'), /Choose a role/)
    await expectNoSeriousAxeViolations(t, page, 'the people page with errors')
    consoleProblems(page, true) // the refused form answered 400 on purpose
    await page.fill('#name', 'Alex Officer')
    await page.fill('#email', 'alex.officer@cleveland.police.example')
    await page.check('#role-2')
    await page.fill('#force', 'cleveland')
    await page.click('#register')
    await page.waitForSelector('.govuk-notification-banner--success')
    t.match(await page.textContent('#people'), /alex\.officer@cleveland\.police\.example/)
    await page.screenshot({ path: 'test-artifacts/people.png', fullPage: true })
    t.same(consoleProblems(page), [])
  })
}
