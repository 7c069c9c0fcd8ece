// The boards' dashboard in a real headless browser (Debian's Chromium driven by playwright-core):
// sign in with an auditor token, the page loads with no console errors (so nothing broke the
// CSP), the charts and tables show the seeded figures, the CSV downloads, no child is named, and
// sign-out ends the session. Every page passes axe with no serious or critical fault and fits a
// 320 px screen. A screenshot is kept in test-artifacts/dashboard.png.
import { mkdirSync } from 'node:fs'
import t from 'tap'
import { seedDemo } from '../../src/demo/seed-demo.js'
import { addDays, londonDateOf } from '../../src/domain/london-time.js'
import { latencyReport } from '../../src/store/reports-store.js'
import { consoleProblems, expectNoSeriousAxeViolations, fitsNarrowScreen, launchBrowser, openPage } from '../helpers/browser.js'
import { createHarness } from '../helpers/harness.js'

const h = await createHarness({ workers: false })
t.teardown(() => h.close())
const browser = await launchBrowser(t)
if (browser) {
  await seedDemo(h.services.db, { incidents: 1500, seed: 7, end: h.clock.now() }, () => {})
  const auditor = await h.token('auditor')
  // The forms are accepted from the origin the browser addressed (see src/http/forms.ts).
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' })
  const to = londonDateOf(h.clock.now())
  const from = addDays(to, -364)
  const month = await latencyReport(h.services.db, { from, to, groupBy: 'month' })
  const la = await latencyReport(h.services.db, { from, to, groupBy: 'la' })
  const page = await openPage(browser, { viewport: { width: 1200, height: 900 } })

  t.test('an auditor signs in and sees the seeded year', async (t) => {
    await page.goto(`${base}/dashboard`)
    t.match(page.url(), /\/sign-in\?returnTo=%2Fdashboard$/, 'without a session the browser is sent to sign in')
    await expectNoSeriousAxeViolations(t, page, 'the sign-in page')
    await page.click('a:has-text("Sign in with an access token")')
    await page.waitForURL(/\/dashboard\/login/)
    await expectNoSeriousAxeViolations(t, page, 'the token sign-in page')
    t.ok(await fitsNarrowScreen(page), 'the sign-in page fits 320 px')
    await page.fill('#token', 'enc_wrong')
    await page.click('button[type=submit]')
    t.match(await page.textContent('.govuk-error-summary'), /not a police, auditor or administrator token/)
    t.match(await page.title(), /^Error: /, 'the title says there is an error')
    await expectNoSeriousAxeViolations(t, page, 'the sign-in page with an error')
    consoleProblems(page, true) // the refused sign-in above answers 401 on purpose
    await page.fill('#token', auditor)
    await page.click('button[type=submit]')
    await page.waitForSelector('#kpis')
    t.match(page.url(), /\/dashboard$/)
    const cookies = await page.context().cookies()
    t.same(cookies.map((c) => ({ name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite })), [{ name: 'enc_session', httpOnly: true, sameSite: 'Lax' }])
    t.not(cookies[0]!.value, auditor, 'the browser holds a session, not the token')
    t.equal(await page.textContent('#kpi-notifications'), month.overall.notifications.toLocaleString('en-GB'), 'headline count = the report')
    t.equal(await page.textContent('#kpi-ontime'), `${(month.overall.onTimeRate * 100).toFixed(1)}%`)
    t.equal(await page.locator('#chart-ontime-month rect').count(), month.rows.length, 'one bar per month')
    t.equal(await page.locator('#table-month tbody tr').count(), month.rows.length)
    t.equal(await page.locator('#chart-la rect').count(), la.rows.length, 'one bar per local authority')
    const laTable = await page.textContent('#table-la')
    t.match(laTable, /Hartlepool \(805\)/)
    t.match(laTable, /Stockton-on-Tees \(808\)/)
    const firstLa = la.rows[0]!
    t.match(laTable, String(firstLa.notifications), 'the LA table carries the report’s counts')
    t.equal(await page.locator('#chart-weekday rect').count(), 7)
    t.equal(await page.locator('#chart-stages rect').count(), 6, 'median and 90th percentile for three stages')
    const delayTotal = (await page.locator('#table-delay tbody tr td:nth-child(2)').allTextContents()).reduce((a, b) => a + Number(b), 0)
    t.equal(delayTotal, month.overall.sent, 'the delay distribution covers every sent notification')
    const body = await page.textContent('body')
    t.notMatch(body, /Demo|Child \d/, 'no child is named on the page')
    t.match(await page.title(), /^How quickly schools are told – Operation Encompass$/)
    await expectNoSeriousAxeViolations(t, page, 'the dashboard')
    t.ok(await fitsNarrowScreen(page), 'the dashboard fits 320 px')
    mkdirSync('test-artifacts', { recursive: true })
    await page.screenshot({ path: 'test-artifacts/dashboard.png', fullPage: true })
    t.same(consoleProblems(page), [], 'no console errors (nothing refused by the CSP)')
  })

  t.test('the CSV download carries the same rows', async (t) => {
    const href = await page.getAttribute('a[href*="groupBy=la"]', 'href')
    const res = await page.request.get(`${base}${href}`)
    t.equal(res.status(), 200)
    t.match(res.headers()['content-type'], /^text\/csv/)
    const lines = (await res.text()).trim().split(/\r?\n/)
    t.ok(lines.length >= la.rows.length + 1)
    t.ok(lines.some((l) => l.startsWith('805,') || l.startsWith('"805"')), 'a row per LA')
  })

  t.test('signing out ends the session: the dashboard asks for sign-in again', async (t) => {
    const cookie = (await page.context().cookies())[0]!
    await page.click('button:has-text("Sign out")')
    await page.waitForURL(/\/signed-out$/)
    t.match(await page.textContent('h1'), /You have signed out/)
    await expectNoSeriousAxeViolations(t, page, 'the signed-out page')
    t.same(await page.context().cookies(), [], 'the cookie is gone from the browser')
    await page.goto(`${base}/dashboard`)
    t.match(page.url(), /\/sign-in\?returnTo=%2Fdashboard$/)
    const replay = await h.app.inject({ method: 'GET', url: '/dashboard', headers: { cookie: `enc_session=${cookie.value}` } })
    t.equal(replay.statusCode, 303, 'a copy of the old cookie does not work either')
    t.same(consoleProblems(page), [])
  })

  t.test('a police token cannot open the dashboard; signed in, an officer lands on the force’s incidents', async (t) => {
    const police = await h.token('police', 'cleveland')
    const res = await h.app.inject({ method: 'GET', url: '/dashboard', headers: { authorization: `Bearer ${police}` } })
    t.equal(res.statusCode, 403)
    const login = await h.app.inject({
      method: 'POST', url: '/dashboard/login', payload: `token=${police}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: h.services.config.PUBLIC_BASE_URL },
    })
    t.equal(login.statusCode, 303)
    t.equal(login.headers.location, '/incidents')
    const cookie = String(login.headers['set-cookie']).split(';')[0]!
    const page = await h.app.inject({ method: 'GET', url: '/dashboard', headers: { cookie, accept: 'text/html' } })
    t.equal(page.statusCode, 403, 'the session of a police officer does not open the dashboard')
  })
}
