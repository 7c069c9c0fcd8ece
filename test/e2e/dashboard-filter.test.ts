// The dashboard narrowed (issue 13, Board): a date range and one local authority or force, chosen
// in a GET form that works without JavaScript; the figures are exactly the plain query's over
// those notifications, the CSV follows the same choice, a bad choice is refused naming the field,
// and the page with its form passes axe in Chromium.
import t from 'tap'
import { seedDemo } from '../../src/demo/seed-demo.js'
import { addDays, londonDateOf } from '../../src/domain/london-time.js'
import { latencyReportReference } from '../../src/store/reports-store.js'
import { expectNoSeriousAxeViolations, fitsNarrowScreen, launchBrowser, openPage } from '../helpers/browser.js'
import { createHarness } from '../helpers/harness.js'

const h = await createHarness({ workers: false })
t.teardown(() => h.close())
await seedDemo(h.services.db, { incidents: 600, seed: 11, end: h.clock.now() }, () => {})
const auditor = await h.token('auditor')
const to = londonDateOf(h.clock.now())
const from = addDays(to, -364)
const get = (query: string, accept = 'text/html') =>
  h.app.inject({ method: 'GET', url: `/dashboard?${query}`, headers: { authorization: `Bearer ${auditor}`, accept } })
const browser = await launchBrowser(t)
const kpi = (body: string) => Number(/id="kpi-notifications">([0-9,]+)</.exec(body)![1]!.replaceAll(',', ''))

t.test('one local authority: the figures are its own, exactly', async (t) => {
  const all = await get('')
  const one = await get(`from=${from}&to=${to}&la=805`)
  t.equal(one.statusCode, 200)
  const expected = await latencyReportReference(h.services.db, { from, to, groupBy: 'la', filter: { la: '805' } })
  t.ok(expected.overall.notifications > 0, 'the demo year has notifications in LA 805')
  t.equal(kpi(one.body), expected.overall.notifications)
  t.ok(kpi(one.body) < kpi(all.body), 'fewer than all')
  t.same(expected.rows.map((r) => r.key), ['805'])
  t.match(one.body, /id="narrowed">Showing local authority .*\(805\) only/)
  t.match(one.body, /<option value="805" selected>/)
  t.match(one.body, /href="\/dashboard\/latency\.csv\?from=[0-9-]+&amp;to=[0-9-]+&amp;groupBy=month&amp;la=805"/, 'the downloads follow the choice')
  const csv = await h.app.inject({ method: 'GET', url: `/dashboard/latency.csv?from=${from}&to=${to}&groupBy=la&la=805`, headers: { authorization: `Bearer ${auditor}` } })
  t.same(csv.body.trim().split('\n').slice(1).map((l) => l.split(',')[0]!.replaceAll('"', '')), ['overall', '805'])
})

t.test('one force, and a narrower date range', async (t) => {
  const res = await get(`from=${addDays(to, -30)}&to=${to}&force=cleveland`)
  const expected = await latencyReportReference(h.services.db, { from: addDays(to, -30), to, groupBy: 'month', filter: { force: 'cleveland' } })
  t.equal(kpi(res.body), expected.overall.notifications)
  t.match(res.body, /Showing force cleveland only/)
  const none = await get(`from=${from}&to=${to}&force=northumbria`)
  t.equal(kpi(none.body), 0, 'a force with no notifications shows none')
})

t.test('a bad choice is refused naming the field', async (t) => {
  for (const [q, field] of [['la=80', 'la'], ['force=Not A Force', 'force'], ['from=2026-02-30', 'from']] as const) {
    const res = await get(q, 'application/json')
    t.equal(res.statusCode, 400, q)
    t.ok(res.json().errors.some((e: { path: string }) => e.path === `/query/${field}`), `names ${field}`)
  }
})

if (browser) {
  t.test('the form in Chromium: choose an LA, the page follows, axe finds nothing serious', async (t) => {
    const base = await h.app.listen({ port: 0, host: '127.0.0.1' })
    const page = await openPage(browser, { extraHTTPHeaders: { authorization: `Bearer ${auditor}` } })
    await page.goto(`${base}/dashboard`)
    await page.selectOption('#la', '806')
    await page.click('#dashboard-filter button[type=submit]')
    await page.waitForURL(/la=806/)
    t.match(await page.textContent('#narrowed'), /\(806\) only/)
    await expectNoSeriousAxeViolations(t, page, 'the dashboard narrowed to one LA')
    t.ok(await fitsNarrowScreen(page), 'fits 320 px')
  })
}
