// An officer's follow-ups in a real browser (Debian's Chromium), no JavaScript needed: from an
// incident's page they correct a child's name (a mistake is shown beside its field first, with
// nothing written), and the Key Adult already told gets one e-mail marked as a correction; then
// they withdraw the incident with a reason (an empty reason refused beside the field), and the
// Key Adult gets one withdrawal e-mail. Every page passes axe.
import t from 'tap'
import { expectNoSeriousAxeViolations, launchBrowser, openPage } from '../helpers/browser.js'
import { aSchool, anIncident, createHarness, eventually } from '../helpers/harness.js'

const h = await createHarness({ workers: true })
t.teardown(() => h.close())
const browser = await launchBrowser(t)
if (browser) {
  const admin = await h.token('admin')
  const police = await h.token('police', 'cleveland')
  const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
  await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool() })
  const created = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident() })
  const id = created.json().id as string
  await h.smtp.waitFor(1)
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' })
  const page = await openPage(browser)
  const toDsl = () => h.smtp.messages.filter((m) => m.envelopeTo.includes('jo.bloggs@example.org'))

  t.test('the officer corrects a child’s name; the Key Adult told gets one correction e-mail', async (t) => {
    await page.goto(`${base}/dashboard/login`)
    await page.fill('#token', police)
    await page.click('button:has-text("Sign in")')
    await page.waitForURL(`${base}/incidents`)
    await page.goto(`${base}/incidents/${id}`)
    await page.click('a:has-text("Correct this incident")')
    await page.waitForURL(`${base}/incidents/${id}/correct`)
    await expectNoSeriousAxeViolations(t, page, 'the correction form')
    t.equal(await page.inputValue('#children-0-givenName'), 'Amy', 'the form starts from what is held')

    await page.fill('#children-0-dateOfBirth', '1999-01-01')
    await page.click('button:has-text("Save correction")')
    t.match(await page.textContent('.govuk-error-summary'), /Child 1: date of birth .*age band/)
    t.match(await page.textContent('#children-0-dateOfBirth-error'), /age band/, 'the mistake beside its field')
    await expectNoSeriousAxeViolations(t, page, 'the correction form with an error')
    t.equal((await h.services.db.query('SELECT revision FROM incidents WHERE id = $1', [id])).rows[0].revision, 0, 'nothing written')

    await page.fill('#children-0-dateOfBirth', '2016-05-04')
    await page.fill('#children-0-givenName', 'Amelia')
    await page.click('button:has-text("Save correction")')
    await page.waitForURL(`${base}/incidents/${id}?followUp=corrected`)
    t.match(await page.textContent('main'), /Correction saved/)
    t.match(await page.textContent('main'), /Amelia/)
    await expectNoSeriousAxeViolations(t, page, 'the corrected incident')
    await eventually(async () => toDsl().length === 2)
    t.match(toDsl()[1]!.parsed.subject ?? '', /^CORRECTION/)
  })

  t.test('the officer withdraws the incident with a reason; the Key Adult told gets one withdrawal e-mail', async (t) => {
    await page.click('a:has-text("Withdraw this incident")')
    await page.waitForURL(`${base}/incidents/${id}/withdraw`)
    await expectNoSeriousAxeViolations(t, page, 'the withdrawal page')
    t.match(await page.textContent('main'), /1 setting already told will get an e-mail/)
    await page.click('button:has-text("Withdraw incident")')
    t.match(await page.textContent('#reason-error'), /Enter why you are withdrawing/)
    await expectNoSeriousAxeViolations(t, page, 'the withdrawal page with an error')
    t.equal((await h.app.inject({ method: 'GET', url: `/v1/incidents/${id}`, headers: json(police) })).json().status, 'accepted', 'nothing written')

    await page.fill('#reason', 'Recorded against the wrong family.')
    await page.click('button:has-text("Withdraw incident")')
    await page.waitForURL(`${base}/incidents/${id}?followUp=withdrawn`)
    t.match(await page.textContent('h1'), /Withdrawn/)
    t.match(await page.textContent('main'), /Recorded against the wrong family/)
    t.equal(await page.locator('a:has-text("Withdraw this incident")').count(), 0, 'no follow-ups on a withdrawn incident')
    await expectNoSeriousAxeViolations(t, page, 'the withdrawn incident')
    await eventually(async () => toDsl().length === 3)
    t.match(toDsl()[2]!.parsed.subject ?? '', /^WITHDRAWN/)
    t.equal((await h.app.inject({ method: 'GET', url: `/v1/incidents/${id}`, headers: json(police) })).json().status, 'withdrawn')
  })
}
