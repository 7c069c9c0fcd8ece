// An LA administrator keeps a setting's Key Adults in a real browser (Debian's Chromium): signs
// in, opens Settings from the menu, searches by name, opens the setting, tries to add a Key Adult
// with a shared inbox and no role (told the GOV.UK way, beside each field and in the summary),
// corrects it, removes the old DSL, and reads which coming days are school days (the LA's
// INSET day among them), and sets the LA's health visiting contact. Every page passes axe and fits 320 px; no console errors.
import t from 'tap'
import type { Test } from 'tap'
import { parseTermDates } from '../../src/domain/term-dates.js'
import { replaceTermDates } from '../../src/store/calendar-store.js'
import { consoleProblems, expectNoSeriousAxeViolations, fitsNarrowScreen, launchBrowser, openPage } from '../helpers/browser.js'
import { createHarness } from '../helpers/harness.js'

type Tap = Test

const h = await createHarness()
t.teardown(() => h.close())
const browser = await launchBrowser(t)
if (browser) {
  const db = h.services.db
  const admin = await h.token('admin')
  await db.query(`INSERT INTO schools (urn, name, la_code, la_name, postcode, town, phase, open, source) VALUES
    ('111234', 'Oakfield Primary School', '808', 'Stockton-on-Tees', 'TS18 1AB', 'Stockton', 'Primary', true, 'gias'),
    ('222333', 'Oakfield Nursery', '808', 'Stockton-on-Tees', 'TS18 9ZZ', 'Stockton', 'Nursery', true, 'gias')`)
  await db.query(`INSERT INTO school_contacts (urn, role, name, email, position) VALUES ('111234', 'dsl', 'Jo Bloggs', 'jo.bloggs@example.org', 0)`)
  // The harness's "now" is Friday 20 November 2026: the LA closes Monday 30 November for training.
  await replaceTermDates(db, '808', parseTermDates('stockton.ics',
    'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261130\r\nDTEND;VALUE=DATE:20261201\r\nSUMMARY:INSET day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n'))
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' })
  const page = await openPage(browser)
  const check = async (t: Tap, label: string) => {
    await expectNoSeriousAxeViolations(t, page, label)
    t.ok(await fitsNarrowScreen(page), `${label} fits 320 px`)
  }

  t.test('the administrator finds the setting from the menu', async (t) => {
    await page.goto(`${base}/dashboard/login`)
    await page.fill('#token', admin)
    await page.click('button:has-text("Sign in")')
    await page.waitForURL(`${base}/dashboard`)
    await page.click('header a:has-text("Settings")')
    await page.waitForURL(`${base}/settings`)
    t.equal(await page.title(), 'Settings – Operation Encompass')
    await check(t, 'the settings search')
    await page.fill('#name', 'oakfield primary')
    await page.click('#search')
    await page.waitForURL(/\/settings\?name=oakfield/)
    const results = (await page.textContent('#results'))!
    t.match(results, /Oakfield Primary School/)
    t.notMatch(results, /Oakfield Nursery/)
    await check(t, 'the search results')
    await page.click('#results a:has-text("Oakfield Primary School")')
    await page.waitForURL(`${base}/settings/111234`)
    t.equal(await page.title(), 'Oakfield Primary School – Operation Encompass')
    await check(t, 'the setting')
  })

  t.test('adding a Key Adult: a shared inbox and no role are shown beside the fields; corrected, it is saved', async (t) => {
    await page.fill('#name', 'Sam Deputy')
    await page.fill('#email', 'office@example.org')
    await page.click('#add')
    await page.waitForLoadState()
    t.equal(await page.title(), 'Error: Oakfield Primary School – Operation Encompass')
    const summary = (await page.textContent('.govuk-error-summary'))!
    t.match(summary, /Select whether they are the designated safeguarding lead or a deputy/)
    t.match((await page.textContent('#role-error'))!, /Select whether they are the designated safeguarding lead or a deputy/)
    t.equal(await page.inputValue('#name'), 'Sam Deputy', 'what was typed is kept')
    await check(t, 'the add form with errors')
    await page.click('label:has-text("Deputy")')
    await page.click('#add')
    await page.waitForLoadState()
    t.match((await page.textContent('#email-error'))!, /Enter a named person’s e-mail address, not a shared inbox/)
    t.match((await page.textContent('.govuk-error-summary'))!, /shared inbox/)
    await check(t, 'the add form refused by the contact rules')
    t.same(consoleProblems(page, true).map((m) => m.replace(/ \(.*$/, '')), [
      'Failed to load resource: the server responded with a status of 400',
      'Failed to load resource: the server responded with a status of 422',
    ], 'the refused forms answered 400 and 422 on purpose, and nothing else went wrong')
    await page.fill('#email', 'sam.deputy@example.org')
    await page.fill('#trainedOn-day', '1')
    await page.fill('#trainedOn-month', '9')
    await page.fill('#trainedOn-year', '2026')
    await page.click('#add')
    await page.waitForURL(`${base}/settings/111234?done=added#key-adults`)
    t.match((await page.textContent('.govuk-notification-banner'))!, /The Key Adult was added/)
    const list = (await page.textContent('#key-adult-list'))!
    t.match(list, /Sam Deputy\s*Deputy/)
    t.match(list, /Tuesday 1 September 2026/)
    t.equal(await page.textContent('h1'), 'Oakfield Primary School', 'the name is the register’s still')
    await check(t, 'the setting after adding')
  })

  t.test('removing the old DSL leaves the new deputy', async (t) => {
    await page.click('#key-adult-1 button:has-text("Remove")')
    await page.waitForURL(`${base}/settings/111234?done=removed#key-adults`)
    const list = (await page.textContent('#key-adult-list'))!
    t.notMatch(list, /Jo Bloggs/)
    t.match(list, /Sam Deputy/)
    const { rows } = await db.query(`SELECT email FROM school_contacts WHERE urn = '111234'`)
    t.same(rows, [{ email: 'sam.deputy@example.org' }])
  })

  t.test('the calendar shows the coming school days, with the LA’s INSET day closed', async (t) => {
    const friday = (await page.textContent('tr[data-date="2026-11-20"]'))!
    t.match(friday, /Friday 20 November 2026 \(today\)\s*School day/)
    const inset = (await page.textContent('tr[data-date="2026-11-30"]'))!
    t.match(inset, /Monday 30 November 2026\s*Closed\s*INSET day/)
    t.equal(await page.$('tr[data-date="2026-11-21"]'), null, 'a Saturday is not listed as a day')
    t.match((await page.textContent('tr[data-date="2026-12-01"]'))!, /School day/)
    await check(t, 'the setting’s calendar')
    t.same(consoleProblems(page), [], 'no console errors or CSP refusals')
  })

  t.test('the setting’s own term dates, chosen as a file in the browser, change its calendar', async (t) => {
    await page.click('a:has-text("Upload term dates")')
    await page.waitForURL(`${base}/settings/111234/term-dates`)
    await check(t, 'the term-dates form')
    await page.click('label:has-text("This setting’s own")')
    await page.setInputFiles('#file', { name: 'academy.ics', mimeType: 'text/calendar', buffer: Buffer.from(
      'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261130\r\nDTEND;VALUE=DATE:20261130\r\nSUMMARY:Broken\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n') })
    await page.click('#upload')
    await page.waitForLoadState()
    t.match((await page.textContent('#file-error'))!, /academy\.ics: iCalendar line 2: event ends/)
    await check(t, 'the term-dates form with a refused file')
    consoleProblems(page, true) // the refused file answered 400 on purpose
    await page.click('label:has-text("This setting’s own")')
    await page.setInputFiles('#file', { name: 'academy.ics', mimeType: 'text/calendar', buffer: Buffer.from(
      'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261127\r\nSUMMARY:Academy closure\r\nEND:VEVENT\r\n' +
      'BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261201\r\nDTEND;VALUE=DATE:20261202\r\nSUMMARY:Academy training day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n') })
    await page.click('#upload')
    await page.waitForURL(`${base}/settings/111234?done=terms-setting#calendar`)
    t.match((await page.textContent('tr[data-date="2026-12-01"]'))!, /Closed\s*Academy training day/)
    t.match((await page.textContent('tr[data-date="2026-11-27"]'))!, /Closed\s*Academy closure/)
    t.match((await page.textContent('tr[data-date="2026-11-30"]'))!, /School day/, 'inside the dates its file covers, the LA’s INSET day is not the academy’s')
    t.match((await page.textContent('tr[data-date="2026-12-02"]'))!, /School day/)
  })

  t.test('the bulk upload, the LA’s contact and delivery failures pass axe and fit a phone', async (t) => {
    await page.goto(`${base}/settings/key-adults/upload`)
    await check(t, 'the bulk upload form')
    await page.setInputFiles('#file', { name: 'key-adults.csv', mimeType: 'text/csv', buffer: Buffer.from('urn,role,name,email\n222333,dsl,Office,office@example.org\n') })
    await page.click('#upload')
    await page.waitForLoadState()
    t.match((await page.textContent('#row-problems'))!, /2\s*email\s*must be a named person’s address/)
    await check(t, 'the bulk upload refused')
    consoleProblems(page, true) // the refused file answered 422 on purpose
    await page.setInputFiles('#file', { name: 'key-adults.csv', mimeType: 'text/csv', buffer: Buffer.from('urn,role,name,email\n222333,dsl,Lee Rivers,lee.rivers@example.org\n') })
    await page.click('#upload')
    await page.waitForLoadState()
    t.match((await page.textContent('#saved'))!, /1 added and 0 changed, at 1 setting/)
    await check(t, 'the bulk upload saved')
    await page.goto(`${base}/settings/la/808/contact`)
    await check(t, 'the LA’s children’s services contact')
    // Health visiting, on the same page: a team inbox refused beside its field, then saved.
    await page.fill('#hv-lead-name', 'Hana Visitor')
    await page.fill('#hv-lead-email', 'duty@stockton.example.org')
    await page.click('#hv-save')
    await page.waitForLoadState()
    t.match((await page.textContent('#hv-lead-email-error'))!, /named person’s e-mail address/)
    t.match((await page.getAttribute('.govuk-error-summary a', 'href'))!, /#hv-lead-email/)
    await check(t, 'the health visiting contact refused')
    consoleProblems(page, true) // the refused form answered 422 on purpose
    await page.fill('#hv-lead-email', 'hana.visitor@stockton.example.org')
    await page.click('#hv-save')
    await page.waitForURL(`${base}/settings/la/808/contact?done=saved-hv`)
    t.match((await page.textContent('.govuk-notification-banner'))!, /health visiting contact was saved/)
    t.equal(await page.inputValue('#hv-lead-email'), 'hana.visitor@stockton.example.org')
    await check(t, 'the health visiting contact saved')
    const api = await h.app.inject({ method: 'GET', url: '/v1/local-authorities/808/health-visiting', headers: { authorization: `Bearer ${admin}` } })
    t.match(api.json(), { urn: '99010808', contacts: [{ role: 'lead', name: 'Hana Visitor', email: 'hana.visitor@stockton.example.org' }] })
    await page.goto(`${base}/delivery-failures`)
    await check(t, 'delivery failures')
    t.same(consoleProblems(page), [])
  })
}
