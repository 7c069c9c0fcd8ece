// The boards' dashboard in a real headless browser (Debian's Chromium driven by playwright-core):
// sign in with an auditor token, the page loads with no console errors, the charts and tables show
// the seeded figures, the CSV downloads, and no child is named. A screenshot is kept in
// test-artifacts/dashboard.png.
import { existsSync, mkdirSync } from 'node:fs'
import t from 'tap'
import { chromium, type Browser } from 'playwright-core'
import { seedDemo } from '../../src/demo/seed-demo.js'
import { addDays, londonDateOf } from '../../src/domain/london-time.js'
import { latencyReport } from '../../src/store/reports-store.js'
import { createHarness } from '../helpers/harness.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
if (!existsSync(CHROMIUM)) {
  t.fail(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (.ci/run does)`)
} else {
  const h = await createHarness({ workers: false })
  t.teardown(() => h.close())
  await seedDemo(h.services.db, { incidents: 1500, seed: 7, end: h.clock.now() }, () => {})
  const auditor = await h.token('auditor')
  const address = await h.app.listen({ port: 0, host: '127.0.0.1' })
  const to = londonDateOf(h.clock.now())
  const from = addDays(to, -364)
  const month = await latencyReport(h.services.db, { from, to, groupBy: 'month' })
  const la = await latencyReport(h.services.db, { from, to, groupBy: 'la' })

  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync'],
  })
  t.teardown(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
  const problems: string[] = []
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()))
  page.on('pageerror', (e) => problems.push(e.message))

  t.test('an auditor signs in and sees the seeded year', async (t) => {
    await page.goto(`${address}/dashboard`)
    t.match(page.url(), /\/dashboard\/login$/, 'without a session the browser is sent to sign in')
    await page.fill('#token', 'enc_wrong')
    await page.click('button[type=submit]')
    t.match(await page.textContent('.error'), /not an auditor/)
    problems.length = 0 // the refused sign-in above answers 401 on purpose
    await page.fill('#token', auditor)
    await page.click('button[type=submit]')
    await page.waitForSelector('#kpis')
    t.match(page.url(), /\/dashboard$/)
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
    mkdirSync('test-artifacts', { recursive: true })
    await page.screenshot({ path: 'test-artifacts/dashboard.png', fullPage: true })
    t.same(problems, [], 'no console errors')
  })

  t.test('the CSV download carries the same rows', async (t) => {
    const href = await page.getAttribute('a[href*="groupBy=la"]', 'href')
    const res = await page.request.get(`${address}${href}`)
    t.equal(res.status(), 200)
    t.match(res.headers()['content-type'], /^text\/csv/)
    const lines = (await res.text()).trim().split(/\r?\n/)
    t.ok(lines.length >= la.rows.length + 1)
    t.ok(lines.some((l) => l.startsWith('805,') || l.startsWith('"805"')), 'a row per LA')
  })

  t.test('a police token cannot open the dashboard', async (t) => {
    const police = await h.token('police', 'cleveland')
    const res = await h.app.inject({ method: 'GET', url: '/dashboard', headers: { authorization: `Bearer ${police}` } })
    t.equal(res.statusCode, 403)
    const login = await h.app.inject({ method: 'POST', url: '/dashboard/login', payload: `token=${police}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    t.equal(login.statusCode, 401)
  })
}
