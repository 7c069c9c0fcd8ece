// An Encompass officer reports an incident in a real browser (Debian's Chromium), with no
// JavaScript needed: signs in with the force's token and lands on the force's incidents; sends the
// form empty and is shown each mistake beside its field and in the error summary; meets the API's
// own rule (a child outside the age band) with nothing stored; adds a second child and finds its
// school in the register; sends it and sees the incident with each child's state; sends the same
// form again (the same incident, nothing new) and a different one under the same reference
// (refused beside the reference); reports a child in no setting by choosing the local authority.
// Every page passes axe and fits 320 px.
import { mkdirSync } from 'node:fs'
import t from 'tap'
import { consoleProblems, expectNoSeriousAxeViolations, fitsNarrowScreen, launchBrowser, openPage } from '../helpers/browser.js'
import { aSchool, createHarness, eventually } from '../helpers/harness.js'
import type { Page } from 'playwright-core'

const h = await createHarness({ workers: true })
t.teardown(() => h.close())
const browser = await launchBrowser(t)
if (browser) {
  const db = h.services.db
  const admin = await h.token('admin')
  const police = await h.token('police', 'cleveland')
  const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
  await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool() })
  // A second school in the register with a postcode, for the officer to find by name.
  await db.query(`INSERT INTO schools (urn, name, la_code, la_name, postcode, town, phase, open, source)
                  VALUES ('222333', 'Riverside Juniors', '808', 'Stockton-on-Tees', 'TS18 1AB', 'Stockton', 'Primary', true, 'gias')`)
  await h.app.inject({ method: 'PUT', url: '/v1/schools/222333', headers: json(admin), payload: aSchool({ name: 'Riverside Juniors', contacts: [{ role: 'dsl', name: 'Lee Rivers', email: 'lee.rivers@example.org' }] }) })
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' })
  mkdirSync('test-artifacts', { recursive: true })
  const page = await openPage(browser)
  const count = async (table: string) => (await db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number
  const reference = 'CLE-2026-PAGE-1'

  async function fillIncident(p: Page, over: { summary?: string; dob?: string } = {}) {
    await p.fill('#reference', reference)
    await p.fill('#policeAwareAt', '2026-11-20T22:14')
    await p.check('#incidentType')
    await p.fill('#summary', over.summary ?? 'Verbal argument; child upstairs.')
    await p.fill('#children-0-givenName', 'Zephyrine')
    await p.fill('#children-0-familyName', 'Quillfeather')
    await p.fill('#children-0-dateOfBirth', over.dob ?? '2015-07-19')
    await p.check('#children-0-present')
    await p.fill('#children-0-school-urn', '111234')
  }

  t.test('an officer signs in with the force’s token and lands on the force’s incidents', async (t) => {
    await page.goto(`${base}/dashboard/login`)
    await page.fill('#token', police)
    await page.click('button:has-text("Sign in")')
    await page.waitForURL(`${base}/incidents`)
    t.equal(await page.title(), 'Incidents – Operation Encompass')
    t.match(await page.textContent('main'), /No incidents yet/)
    t.match(await page.textContent('header'), /Report an incident.*Incidents.*Review queue.*Sign out/s, 'the officer’s menu')
    await expectNoSeriousAxeViolations(t, page, 'the empty incidents page')
  })

  t.test('the form sent empty shows each mistake beside its field and in a summary; nothing is stored', async (t) => {
    await page.click('a:has-text("Report an incident")')
    await page.waitForURL(`${base}/incidents/new`)
    await expectNoSeriousAxeViolations(t, page, 'the incident form')
    t.ok(await fitsNarrowScreen(page), 'fits 320 px')
    await page.click('#submit-incident')
    await page.waitForSelector('.govuk-error-summary')
    t.match(await page.title(), /^Error: Report an incident/)
    const summary = (await page.textContent('.govuk-error-summary'))!
    for (const text of ['Enter the police reference', 'Enter the date and time the police became aware', 'Select the type of incident',
      'Child 1: enter the given name', 'Child 1: enter the family name', 'Child 1: enter the date of birth', 'Child 1: select whether the child was present']) {
      t.ok(summary.includes(text), `summary: ${text}`)
    }
    t.match(await page.textContent('#reference-error'), /Enter the police reference/, 'beside the field')
    t.match(await page.textContent('#children-0-dateOfBirth-error'), /enter the date of birth/)
    t.equal(await page.getAttribute('.govuk-error-summary a[href="#children-0-present"]', 'href'), '#children-0-present', 'the summary links to the field')
    t.ok(await page.evaluate(() => document.activeElement?.closest('.govuk-error-summary') !== null), 'focus moved to the summary')
    await expectNoSeriousAxeViolations(t, page, 'the incident form with errors')
    t.equal(await count('incidents'), 0)
    consoleProblems(page, true) // refused on purpose (400)
  })

  t.test('the API’s own rule: a child outside the force’s age band is named beside the date of birth', async (t) => {
    await fillIncident(page, { dob: '2001-01-01' })
    await page.click('#submit-incident')
    await page.waitForSelector('#children-0-dateOfBirth-error')
    t.match(await page.textContent('#children-0-dateOfBirth-error'), /Child 1: the child is 25 on 2026-11-20, outside this force's age band 0–17/)
    t.equal(await page.inputValue('#reference'), reference, 'what was typed is kept')
    t.equal(await page.inputValue('#policeAwareAt'), '2026-11-20T22:14')
    t.equal(await count('incidents'), 0, 'nothing stored')
    consoleProblems(page, true)
  })

  t.test('a second child is added without JavaScript, and its school found in the register', async (t) => {
    await page.fill('#children-0-dateOfBirth', '2015-07-19')
    await page.click('#add-child')
    await page.waitForSelector('#children-1-givenName')
    t.equal(await page.inputValue('#children-0-givenName'), 'Zephyrine', 'the first child is kept')
    await page.fill('#children-1-givenName', 'Orrin')
    await page.fill('#children-1-familyName', 'Quillfeather')
    await page.fill('#children-1-dateOfBirth', '2013-02-03')
    await page.check('#children-1-present-2')
    await page.fill('#children-1-school-name', 'Riverside Juniors')
    await page.fill('#children-1-school-postcode', 'TS18')
    await page.click('#find-1')
    await page.waitForSelector('#results-1')
    t.match(await page.textContent('#results-1'), /Riverside Juniors, TS18 1AB, Stockton-on-Tees \(URN 222333\)/)
    await expectNoSeriousAxeViolations(t, page, 'the form with register results')
    await page.click('#results-1 button[value="use-1-222333"]')
    await page.waitForSelector('.govuk-notification-banner')
    t.equal(await page.inputValue('#children-1-school-urn'), '222333', 'the chosen setting’s URN is filled in')
    t.equal(await count('incidents'), 0, 'searching stores nothing')
  })

  let incidentUrl = ''
  t.test('sent, the incident shows each child’s state, and the schools are e-mailed', async (t) => {
    await page.click('#submit-incident')
    await page.waitForURL(/\/incidents\/[0-9a-f-]{36}\?received=new$/)
    incidentUrl = page.url().split('?')[0]!
    t.equal(await page.title(), 'Incident – Operation Encompass', 'no child or reference in the title')
    t.notMatch(page.url(), /Zephyrine|Quillfeather|2015/, 'no child’s details in the URL')
    t.match(await page.textContent('.govuk-panel'), /Incident received/)
    t.match(await page.textContent('main'), /Zephyrine Quillfeather/)
    await expectNoSeriousAxeViolations(t, page, 'the incident page')
    t.ok(await fitsNarrowScreen(page), 'fits 320 px')
    const id = incidentUrl.split('/').pop()!
    const api = await h.app.inject({ method: 'GET', url: `/v1/incidents/${id}`, headers: json(police) })
    t.match(api.json(), {
      reference, policeAwareAt: '2026-11-20T22:14:00.000Z', incidentType: 'crime', summary: 'Verbal argument; child upstairs.',
      children: [{ givenName: 'Zephyrine', dateOfBirth: '2015-07-19', present: true }, { givenName: 'Orrin', present: false }],
    }, 'the API reads what the form sent')
    const mails = await h.smtp.waitFor(2)
    t.same(mails.map((m) => m.envelopeTo[0]).sort(), ['jo.bloggs@example.org', 'lee.rivers@example.org'], 'each school’s Key Adult is e-mailed')
    await eventually(async () => {
      await page.reload()
      return (await page.locator('.govuk-tag:has-text("Sent")').count()) === 2
    })
    t.match(await page.textContent('main'), /Riverside Juniors \(URN 222333\)/)
    await page.screenshot({ path: 'test-artifacts/incident.png', fullPage: true })
    await page.goto(`${base}/incidents`)
    t.match(await page.textContent('#incidents'), new RegExp(`${reference}[\\s\\S]*Zephyrine Quillfeather[\\s\\S]*Sent`))
    await expectNoSeriousAxeViolations(t, page, 'the incidents list')
    t.ok(await fitsNarrowScreen(page), 'the list fits 320 px')
  })

  t.test('the same form again is the same incident; different details under the reference are refused beside it', async (t) => {
    await page.goto(`${base}/incidents/new`)
    await fillIncident(page)
    await page.click('#add-child')
    await page.waitForSelector('#children-1-givenName')
    await page.fill('#children-1-givenName', 'Orrin')
    await page.fill('#children-1-familyName', 'Quillfeather')
    await page.fill('#children-1-dateOfBirth', '2013-02-03')
    await page.check('#children-1-present-2')
    await page.fill('#children-1-school-urn', '222333')
    await page.fill('#children-1-school-name', 'Riverside Juniors')
    await page.fill('#children-1-school-postcode', 'TS18 1AB')
    await page.click('#submit-incident')
    await page.waitForURL(/received=again$/)
    t.equal(page.url().split('?')[0], incidentUrl, 'the same incident')
    t.match(await page.textContent('.govuk-notification-banner'), /already received/)
    t.equal(await count('incidents'), 1)
    t.equal(await count('children'), 2, 'no second set of children')

    await page.goto(`${base}/incidents/new`)
    await fillIncident(page, { summary: 'Something else' })
    await page.click('#submit-incident')
    await page.waitForSelector('#reference-error')
    t.match(await page.textContent('#reference-error'), /already used by another incident with different details/)
    t.equal(await count('incidents'), 1)
    consoleProblems(page, true) // 409 on purpose
  })

  t.test('another force’s officer cannot open the incident', async (t) => {
    const other = await h.token('police', 'northumbria')
    const res = await h.app.inject({ method: 'GET', url: incidentUrl.replace(base, ''), headers: { authorization: `Bearer ${other}`, accept: 'text/html' } })
    t.equal(res.statusCode, 404)
    const list = await h.app.inject({ method: 'GET', url: '/incidents', headers: { authorization: `Bearer ${other}`, accept: 'text/html' } })
    t.notMatch(list.body, new RegExp(reference), 'nor sees it listed')
  })

  t.test('a child in no setting: the officer chooses the local authority, and its health visiting contact is told', async (t) => {
    const hv = await h.app.inject({ method: 'PUT', url: '/v1/local-authorities/808/health-visiting', headers: json(admin),
      payload: { contacts: [{ role: 'lead', name: 'Hana Visitor', email: 'hana.visitor@stockton.example.org' }] } })
    t.equal(hv.statusCode, 201)
    await page.goto(`${base}/incidents/new`)
    await page.fill('#reference', 'CLE-2026-PAGE-NOSET')
    await page.fill('#policeAwareAt', '2026-11-20T22:14')
    await page.check('#incidentType')
    await page.fill('#children-0-givenName', 'Wren')
    await page.fill('#children-0-familyName', 'Littlejohn')
    await page.fill('#children-0-dateOfBirth', '2023-06-01')
    await page.check('#children-0-present')
    await page.fill('#children-0-school-urn', '111234')
    await page.selectOption('#children-0-noSetting-laCode', '808')
    await page.click('#submit-incident')
    await page.waitForSelector('#children-0-noSetting-laCode-error')
    t.match(await page.textContent('#children-0-noSetting-laCode-error'), /give the school or setting, or choose no setting, not both/)
    t.equal(await page.inputValue('#children-0-noSetting-laCode'), '808', 'the choice is kept')
    await expectNoSeriousAxeViolations(t, page, 'the form with a setting and no setting')
    consoleProblems(page, true) // 400 on purpose
    await page.fill('#children-0-school-urn', '')
    await page.click('#submit-incident')
    await page.waitForURL(/\/incidents\/[0-9a-f-]{36}\?received=new$/)
    const mail = await eventually(async () => h.smtp.messages.find((m) => m.envelopeTo.includes('hana.visitor@stockton.example.org')), 30_000)
    t.match(mail.parsed.text, /Stockton-on-Tees health visiting/)
    await page.reload()
    t.match(await page.textContent('main'), /No setting: told through Stockton-on-Tees health visiting/)
  })

  t.test('no console errors: nothing was refused by the CSP', async (t) => {
    t.same(consoleProblems(page), [])
  })
}
