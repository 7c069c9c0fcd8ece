// The review queue as an officer works it in a real browser (Debian's Chromium): a child the
// service could not place waits in /review; the officer opens it, is told what is missing (a
// setting, a reason) the GOV.UK way, searches the register by name and LA, places the child with a
// reason, and the school is e-mailed; a second child, with no setting, is routed to the LA's
// children's services. The desk's escalations show the setting's telephone number. Each placement
// is audited with the officer's reason; another force's officer cannot open the child. Every page
// passes axe and fits 320 px.
import t from 'tap'
import { consoleProblems, expectNoSeriousAxeViolations, fitsNarrowScreen, launchBrowser, openPage } from '../helpers/browser.js'
import { aSchool, anIncident, createHarness, eventually } from '../helpers/harness.js'

const h = await createHarness({ workers: true })
t.teardown(() => h.close())
const browser = await launchBrowser(t)
if (browser) {
  const db = h.services.db
  const admin = await h.token('admin')
  const police = await h.token('police', 'cleveland')
  const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
  const put = async (url: string, payload: Record<string, unknown>) => {
    const res = await h.app.inject({ method: 'PUT', url, headers: json(admin), payload })
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
  }
  await put('/v1/forces/cleveland', { name: 'Cleveland Police', deskEmail: 'desk@cleveland.police.example' })
  await put('/v1/schools/111234', aSchool({ contacts: [
    { role: 'dsl', name: 'Jo Bloggs', email: 'jo.bloggs@example.org', phone: '01642 111 222' },
    { role: 'deputy', name: 'Sam Deputy', email: 'sam.deputy@example.org' },
  ] }))
  await db.query(`INSERT INTO schools (urn, name, la_code, la_name, postcode, town, phase, open, source)
                  VALUES ('222333', 'Riverside Juniors', '808', 'Stockton-on-Tees', 'TS18 1AB', 'Stockton', 'Primary', true, 'gias')`)
  await put('/v1/schools/222333', aSchool({ name: 'Riverside Juniors', contacts: [{ role: 'dsl', name: 'Lee Rivers', email: 'lee.rivers@example.org' }] }))
  await put('/v1/local-authorities/808/childrens-services', { contacts: [{ role: 'lead', name: 'Pat Hale', email: 'pat.hale@stockton.example.org' }] })

  // Two children the service cannot place (a school name nothing in the register fits), and an
  // incident from days ago whose deadline has passed (escalated at once to the desk).
  const held = anIncident({ children: [
    { givenName: 'Tamsin', familyName: 'Oakridge', dateOfBirth: '2014-03-02', present: true, school: { name: 'Nowhere Academy Of Nothing', postcode: 'ZZ9 9ZZ' } },
    { givenName: 'Corin', familyName: 'Oakridge', dateOfBirth: '2017-08-09', present: false, school: { name: 'Nowhere Academy Of Nothing', postcode: 'ZZ9 9ZZ' } },
  ] })
  const heldRes = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: held })
  const heldId = heldRes.json().id as string
  const [first, second] = heldRes.json().children.map((c: { id: string }) => c.id) as [string, string]
  const late = anIncident({ policeAwareAt: '2026-11-16T10:00:00Z', occurredAt: '2026-11-16T09:00:00Z' }, { givenName: 'Wren', familyName: 'Latimer' })
  const lateRes = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: late })
  await eventually(async () => {
    const { rows } = await db.query(`SELECT count(*) FILTER (WHERE match_status = 'unmatched')::int AS held FROM children`)
    const n = await h.app.inject({ method: 'GET', url: `/v1/incidents/${lateRes.json().id}`, headers: json(police) })
    return rows[0].held === 2 && n.json().children[0].notification?.status === 'escalated'
  }, 30_000)
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' })
  const page = await openPage(browser)
  const childUrl = `${base}/review/${heldId}/${first}`

  t.test('the queue lists the held children, and the desk’s escalations with the setting’s number', async (t) => {
    await page.goto(`${base}/dashboard/login`)
    await page.fill('#token', police)
    await page.click('button:has-text("Sign in")')
    await page.waitForURL(`${base}/incidents`)
    await page.click('header a:has-text("Review queue")')
    await page.waitForURL(`${base}/review`)
    t.equal(await page.title(), 'Review queue – Operation Encompass')
    const heldText = (await page.textContent('#held-children'))!
    t.match(heldText, /Tamsin Oakridge/)
    t.match(heldText, /Corin Oakridge/)
    t.match(heldText, /No setting in the register fits the name and postcode given/)
    const desk = (await page.textContent('#desk-escalations'))!
    t.match(desk, /Example Primary School \(URN 111234\)/)
    t.match(desk, /Wren Latimer/)
    t.match(desk, /Jo Bloggs \(Key Adult\):\s*01642 111 222/)
    t.equal(await page.getAttribute('#desk-escalations a[href^="tel:"]', 'href'), 'tel:01642111222')
    await expectNoSeriousAxeViolations(t, page, 'the review queue')
    t.ok(await fitsNarrowScreen(page), 'fits 320 px')
  })

  t.test('placing needs a setting and a reason, shown the GOV.UK way; nothing changes', async (t) => {
    await page.click(`#child-${first} a:has-text("Place")`)
    await page.waitForURL(childUrl)
    t.equal(await page.title(), 'Place a child – Operation Encompass', 'no child in the title')
    await expectNoSeriousAxeViolations(t, page, 'the held child page')
    t.ok(await fitsNarrowScreen(page), 'fits 320 px')
    await page.click('#place')
    await page.waitForSelector('.govuk-error-summary')
    t.match(await page.textContent('#urn-error'), /Choose a setting, or enter its URN/)
    t.match(await page.textContent('#placeReason-error'), /Enter the reason/)
    await expectNoSeriousAxeViolations(t, page, 'the held child page with errors')
    const { rows } = await db.query('SELECT match_status FROM children WHERE id = $1', [first])
    t.equal(rows[0].match_status, 'unmatched')
    consoleProblems(page, true) // 400 on purpose
  })

  t.test('the officer searches the register, places the child with a reason, and the school is e-mailed', async (t) => {
    await page.goto(childUrl)
    await page.fill('#search-name', 'riverside')
    await page.fill('#search-la', '808')
    await page.click('#search')
    await page.waitForURL(/\?name=riverside/)
    await page.check('input[name="urn"][value="222333"]')
    await page.fill('#placeReason', 'Mother confirmed the school by phone')
    await page.click('#place')
    await page.waitForURL(`${base}/review?done=placed`)
    t.match(await page.textContent('.govuk-notification-banner'), /The child was placed/)
    t.notOk((await page.textContent('main'))!.includes('Tamsin'), 'the child has left the queue')
    await expectNoSeriousAxeViolations(t, page, 'the queue after placing')
    const n = await h.app.inject({ method: 'GET', url: `/v1/incidents/${heldId}`, headers: json(police) })
    t.match(n.json().children[0].match, { status: 'matched', urn: '222333', method: 'manual' })
    await eventually(async () => h.smtp.messages.find((m) => m.envelopeTo.includes('lee.rivers@example.org')))
    const audit = await db.query(`SELECT actor_role, detail FROM audit_log WHERE action = 'child.assign' AND subject_id = $1`, [first])
    t.equal(audit.rows.length, 1)
    t.match(audit.rows[0], { actor_role: 'police', detail: { officerReason: 'Mother confirmed the school by phone', urn: '222333' } })
    t.ok(audit.rows[0].detail.sessionId, 'recorded against the officer’s session')
  })

  t.test('a child with no setting is routed to the LA’s children’s services', async (t) => {
    await page.goto(`${base}/review/${heldId}/${second}`)
    await page.fill('#laCode', '808')
    await page.fill('#reason', 'Educated at home, confirmed with the LA')
    await page.click('#route-childrens-services')
    await page.waitForURL(`${base}/review?done=childrens-services`)
    t.match(await page.textContent('#no-held'), /No children are waiting/)
    const n = await h.app.inject({ method: 'GET', url: `/v1/incidents/${heldId}`, headers: json(police) })
    t.equal(n.json().children[1].match.status, 'no-setting')
    // Sending the form again (a second tab) changes nothing and says so.
    const again = await page.request.post(`${base}/review/${heldId}/${second}`, { form: { action: 'childrens-services', laCode: '808', reason: 'again' }, headers: { origin: base }, maxRedirects: 0 })
    t.equal(again.status(), 303)
    t.equal(again.headers().location, '/review?done=already')
  })

  t.test('another force’s officer cannot open the child, and a GET changes nothing', async (t) => {
    const other = await h.token('police', 'northumbria')
    const res = await h.app.inject({ method: 'GET', url: `/review/${heldId}/${first}`, headers: { authorization: `Bearer ${other}`, accept: 'text/html' } })
    t.equal(res.statusCode, 404)
    const list = await h.app.inject({ method: 'GET', url: '/review', headers: { authorization: `Bearer ${other}`, accept: 'text/html' } })
    t.notMatch(list.body, /Wren|Latimer|Oakridge/, 'nor sees the other force’s children or escalations')
  })

  t.test('no console errors: nothing was refused by the CSP', async (t) => {
    t.same(consoleProblems(page), [])
  })
}
