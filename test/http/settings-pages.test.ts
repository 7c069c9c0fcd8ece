// The LA administrator's pages as forms without JavaScript, over real Postgres and Redis: search,
// a setting's Key Adults added, changed and removed through the PATCH flow (the DfE name kept),
// errors beside the fields and in a summary with nothing stored, term dates uploaded as a file
// (multipart) or pasted with bad lines named, the school days they make, a bulk CSV refused whole
// for one bad row and then saved, the LA's children's services contact, and delivery failures
// without any child's details. Other roles are refused, and so is a form from another site.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { processMatch } from '../../src/queue/match-worker.js'
import { anIncident, createHarness } from '../helpers/harness.js'

const h = await createHarness()
t.teardown(() => h.close())
const { db } = h.services
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const origin = h.services.config.PUBLIC_BASE_URL
const page = (url: string, token = admin) => h.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, accept: 'text/html' } })
const post = (url: string, form: Record<string, string>, token = admin) =>
  h.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}`, accept: 'text/html', origin, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() })
const upload = (url: string, fields: Record<string, string>, file?: { name: string; filename: string; text: string }) => {
  const boundary = `----enc${randomBytes(8).toString('hex')}`
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
  if (file) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n${file.text}\r\n`)
  return h.app.inject({
    method: 'POST', url, payload: `${parts.join('')}--${boundary}--\r\n`,
    headers: { authorization: `Bearer ${admin}`, accept: 'text/html', origin, 'content-type': `multipart/form-data; boundary=${boundary}` },
  })
}
const contacts = async (urn: string) => (await db.query(`SELECT role, name, email, phone, trained_on::text AS "trainedOn" FROM school_contacts WHERE urn = $1 ORDER BY position`, [urn])).rows

await db.query(`INSERT INTO schools (urn, name, la_code, la_name, postcode, town, phase, open, source) VALUES
  ('111234', 'Oakfield Primary School', '808', 'Stockton-on-Tees', 'TS18 1AB', 'Stockton', 'Primary', true, 'gias'),
  ('222333', 'Riverside Juniors', '808', 'Stockton-on-Tees', 'TS18 2CD', 'Stockton', 'Primary', true, 'gias'),
  ('333444', 'Hilltop Academy', '805', 'Hartlepool', 'TS24 1AA', 'Hartlepool', 'Secondary', true, 'gias')`)
await db.query(`INSERT INTO school_contacts (urn, role, name, email, position) VALUES ('111234', 'dsl', 'Jo Bloggs', 'jo.bloggs@example.org', 0)`)

t.test('search finds settings by name, URN, postcode and LA; a bad URN is shown beside its field', async (t) => {
  const byName = await page('/settings?name=oakfield')
  t.equal(byName.statusCode, 200)
  t.match(byName.body, /href="\/settings\/111234">Oakfield Primary School</)
  t.notMatch(byName.body, /Riverside/)
  t.match((await page('/settings?urn=222333')).body, /Riverside Juniors/)
  const byPostcode = (await page('/settings?postcode=ts18')).body
  t.match(byPostcode, /Oakfield/)
  t.match(byPostcode, /Riverside/)
  t.notMatch(byPostcode, /Hilltop/)
  const byLa = (await page('/settings?la=805')).body
  t.match(byLa, /Hilltop/)
  t.notMatch(byLa, /Oakfield/)
  const byLaName = (await page('/settings?la=hartle')).body
  t.match(byLaName, /Hilltop/)
  t.notMatch(byLaName, /Oakfield/)
  t.equal((await page('/settings?la=80')).statusCode, 400, 'a code of the wrong length is shown beside its field')
  const bad = await page('/settings?urn=12')
  t.equal(bad.statusCode, 400)
  t.match(bad.body, /<title>Error: Settings/)
  t.match(bad.body, /govuk-error-summary/)
  t.match(bad.body, /href="#urn">The URN must be 5 to 8 digits/)
  t.match(bad.body, /id="urn-error"/)
})

t.test('a Key Adult is added by the form: errors first, nothing stored; then saved, the DfE name kept', async (t) => {
  const bad = await post('/settings/111234/key-adults', { role: '', name: 'Sam Deputy', email: 'office@example.org', 'trainedOn-day': '31', 'trainedOn-month': '2', 'trainedOn-year': '2026' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, /href="#role">Select whether they are the designated safeguarding lead or a deputy/)
  t.match(bad.body, /href="#trainedOn-day">The training date must be a real date/)
  t.match(bad.body, /value="Sam Deputy"/, 'what was typed is kept')
  const generic = await post('/settings/111234/key-adults', { role: 'deputy', name: 'Sam Deputy', email: 'office@example.org' })
  t.equal(generic.statusCode, 422, 'the contact rules are the API’s')
  t.match(generic.body, /href="#email">Enter a named person’s e-mail address, not a shared inbox/)
  t.equal((await contacts('111234')).length, 1, 'nothing stored')

  const ok = await post('/settings/111234/key-adults', { role: 'deputy', name: 'Sam Deputy', email: 'sam.deputy@example.org', phone: '01642 000000', 'trainedOn-day': '1', 'trainedOn-month': '9', 'trainedOn-year': '2026' })
  t.equal(ok.statusCode, 303)
  t.equal(ok.headers.location, '/settings/111234?done=added#key-adults')
  t.same(await contacts('111234'), [
    { role: 'dsl', name: 'Jo Bloggs', email: 'jo.bloggs@example.org', phone: null, trainedOn: null },
    { role: 'deputy', name: 'Sam Deputy', email: 'sam.deputy@example.org', phone: '01642 000000', trainedOn: '2026-09-01' },
  ])
  const { rows } = await db.query(`SELECT name FROM schools WHERE urn = '111234'`)
  t.equal(rows[0].name, 'Oakfield Primary School')
  const shown = await page('/settings/111234?done=added')
  t.match(shown.body, /The Key Adult was added/)
  t.match(shown.body, /Tuesday 1 September 2026/)
  const audit = await db.query(`SELECT detail FROM audit_log WHERE action = 'school.key-adults'`)
  t.equal(audit.rows.length, 1, 'audited once: the refused forms were not')
})

t.test('a Key Adult is changed (made DSL, trained) and removed by the forms', async (t) => {
  const form = await page('/settings/111234/key-adults/2')
  t.equal(form.statusCode, 200)
  t.match(form.body, /value="Sam Deputy"/)
  const future = await post('/settings/111234/key-adults/2', { person: 'sam.deputy@example.org', role: 'dsl', name: 'Sam Deputy', 'trainedOn-day': '1', 'trainedOn-month': '1', 'trainedOn-year': '2099' })
  t.equal(future.statusCode, 422)
  t.match(future.body, /The training date must be today or in the past/)
  const saved = await post('/settings/111234/key-adults/2', { person: 'sam.deputy@example.org', role: 'dsl', name: 'Sam Deputy-Jones', phone: '', 'trainedOn-day': '12', 'trainedOn-month': '10', 'trainedOn-year': '2026' })
  t.equal(saved.statusCode, 303)
  t.same((await contacts('111234'))[1], { role: 'dsl', name: 'Sam Deputy-Jones', email: 'sam.deputy@example.org', phone: null, trainedOn: '2026-10-12' })
  const removed = await post('/settings/111234/key-adults/1/remove', { person: 'jo.bloggs@example.org' })
  t.equal(removed.statusCode, 303)
  t.same((await contacts('111234')).map((c) => c.email), ['sam.deputy@example.org'])
  const again = await post('/settings/111234/key-adults/1/remove', { person: 'jo.bloggs@example.org' })
  t.equal(again.statusCode, 303, 'removing someone already gone changes nothing')
  t.same((await contacts('111234')).map((c) => c.email), ['sam.deputy@example.org'])
})

t.test('term dates: a bad ICS is refused naming its line; an uploaded file closes the LA’s half-term', async (t) => {
  const broken = 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261130\r\nDTEND;VALUE=DATE:20269999\r\nSUMMARY:Oops\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n'
  const bad = await post('/settings/111234/term-dates', { appliesTo: 'la', paste: broken })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, /iCalendar line 4: DTEND must be a date YYYYMMDD/)
  t.equal((await db.query('SELECT count(*)::int AS n FROM la_closures')).rows[0].n, 0, 'nothing stored')
  const none = await post('/settings/111234/term-dates', { appliesTo: 'la', paste: '' })
  t.match(none.body, /href="#file">Choose a term-dates file/)

  const ics = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261130\r\nDTEND;VALUE=DATE:20261202\r\nSUMMARY:Staff training\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n'
  const ok = await upload('/settings/111234/term-dates', { appliesTo: 'la' }, { name: 'file', filename: 'stockton.ics', text: ics })
  t.equal(ok.statusCode, 303)
  t.same((await db.query(`SELECT date::text, label FROM la_closures WHERE la_code = '808' ORDER BY date`)).rows,
    [{ date: '2026-11-30', label: 'Staff training' }, { date: '2026-12-01', label: 'Staff training' }])
  const shown = await page('/settings/222333')
  t.match(shown.body, /data-date="2026-11-30">\s*<th[^>]*>Monday 30 November 2026<\/th>\s*<td[^>]*><strong class="govuk-tag govuk-tag--grey">Closed<\/strong> <span class="govuk-body-s">Staff training/, 'another setting of the LA is closed that day')
  t.match(shown.body, /data-date="2026-12-02">\s*<th[^>]*>Wednesday 2 December 2026<\/th>\s*<td[^>]*><strong class="govuk-tag govuk-tag--green">School day/)

  const own = 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261201\r\nSUMMARY:Open day\r\nDTEND;VALUE=DATE:20261201\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n'
  const refused = await upload('/settings/111234/term-dates', { appliesTo: 'setting' }, { name: 'file', filename: 'own.ics', text: own })
  t.equal(refused.statusCode, 400)
  t.match(refused.body, /own\.ics: iCalendar line 2: event ends/)
  const mine = 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261130\r\nDTEND;VALUE=DATE:20261201\r\nSUMMARY:Academy INSET\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261203\r\nDTEND;VALUE=DATE:20261204\r\nSUMMARY:Academy closure\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n'
  t.equal((await upload('/settings/111234/term-dates', { appliesTo: 'setting' }, { name: 'file', filename: 'academy.ics', text: mine })).statusCode, 303)
  const academy = await page('/settings/111234')
  t.match(academy.body, /data-date="2026-12-01">\s*<th[^>]*>Tuesday 1 December 2026<\/th>\s*<td[^>]*><strong class="govuk-tag govuk-tag--green">School day/, 'its own dates beat the LA’s inside what the file covers')
  t.match(academy.body, /data-date="2026-12-03">\s*<th[^>]*>Thursday 3 December 2026<\/th>\s*<td[^>]*><strong class="govuk-tag govuk-tag--grey">Closed<\/strong> <span class="govuk-body-s">Academy closure/)
})

t.test('a bulk CSV with a bad row is refused whole, by line; corrected, it is saved', async (t) => {
  const csv = 'urn,role,name,email,phone,trainedOn\n222333,dsl,Lee Rivers,lee.rivers@example.org,,2026-01-05\n999999,deputy,Nobody Here,nobody@example.org,,\n222333,deputy,The Office,office@example.org,,\n333444,head,Pat Hill,pat.hill@example.org,,\n'
  const bad = await upload('/settings/key-adults/upload', {}, { name: 'file', filename: 'key-adults.csv', text: csv })
  t.equal(bad.statusCode, 422)
  t.match(bad.body, /3 problems/)
  t.match(bad.body, /<td class="govuk-table__cell">3<\/td><td class="govuk-table__cell">urn<\/td><td class="govuk-table__cell">is not a setting in the directory/)
  t.match(bad.body, /<td class="govuk-table__cell">4<\/td><td class="govuk-table__cell">email<\/td><td class="govuk-table__cell">must be a named person’s address/)
  t.match(bad.body, /<td class="govuk-table__cell">5<\/td><td class="govuk-table__cell">role<\/td>/)
  t.same(await contacts('222333'), [], 'nothing stored, not even the good row')

  const good = 'urn,role,name,email,phone,trainedOn\n222333,dsl,Lee Rivers,lee.rivers@example.org,,2026-01-05\n111234,deputy,Sam Deputy,sam.deputy@example.org,01642 999999,\n'
  const ok = await post('/settings/key-adults/upload', { paste: good })
  t.equal(ok.statusCode, 200)
  t.match(ok.body, /1 added and 1 changed, at 2 settings/)
  t.same(await contacts('222333'), [{ role: 'dsl', name: 'Lee Rivers', email: 'lee.rivers@example.org', phone: null, trainedOn: '2026-01-05' }])
  t.same((await contacts('111234'))[0], { role: 'deputy', name: 'Sam Deputy', email: 'sam.deputy@example.org', phone: '01642 999999', trainedOn: null }, 'an address already there is changed, not added twice')
  const template = await page('/settings/key-adults/template.csv')
  t.match(template.headers['content-type'], /^text\/csv/)
  t.match(template.body, /^urn,role,name,email,phone,trainedOn\n/)
})

t.test('the LA’s children’s services contact: a shared inbox refused beside its field, then saved', async (t) => {
  const bad = await post('/settings/la/808/contact', { 'lead-name': 'Pat Hale', 'lead-email': 'mash@stockton.example.org' })
  t.equal(bad.statusCode, 422)
  t.match(bad.body, /href="#lead-email">Lead: enter a named person’s e-mail address/)
  const missing = await post('/settings/la/808/contact', { 'lead-name': '', 'lead-email': '' })
  t.equal(missing.statusCode, 400)
  t.match(missing.body, /href="#lead-name">Lead: enter the person’s full name/)
  const ok = await post('/settings/la/808/contact', { 'lead-name': 'Pat Hale', 'lead-email': 'pat.hale@stockton.example.org', 'deputy-name': 'Lou Reed', 'deputy-email': 'lou.reed@stockton.example.org' })
  t.equal(ok.statusCode, 303)
  const api = await h.app.inject({ method: 'GET', url: '/v1/local-authorities/808/childrens-services', headers: { authorization: `Bearer ${admin}` } })
  t.same(api.json().contacts.map((c: { role: string; email: string }) => [c.role, c.email]), [['lead', 'pat.hale@stockton.example.org'], ['deputy', 'lou.reed@stockton.example.org']])
  t.match((await page('/settings/la/808/contact?done=saved')).body, /value="pat.hale@stockton.example.org"/)
  t.equal((await page('/settings/la/999/contact')).statusCode, 404)
})

t.test('delivery failures list the setting, when and why, and no child', async (t) => {
  const { rows: [incident] } = await db.query(`INSERT INTO incidents (force_code, reference, content_hash, police_aware_at, incident_type)
    VALUES ('cleveland', 'CLE-FAIL-1', 'x', '2026-11-20T22:14:00Z', 'crime') RETURNING id`)
  const { rows: [child] } = await db.query(`INSERT INTO children (incident_id, position, given_name, family_name, date_of_birth, present, match_status)
    VALUES ($1, 0, 'Tamsin', 'Oakridge', '2014-03-02', true, 'matched') RETURNING id`, [incident.id])
  const { rows: [n] } = await db.query(`INSERT INTO notifications (child_id, incident_id, force_code, urn, la_code, status, police_aware_at, received_at, matched_at, due_by, school_day, send_after, message_id, failed_at)
    VALUES ($1, $2, 'cleveland', '222333', '808', 'failed', now(), now(), now(), now(), '2026-11-23', now(), 'm-1@test', now()) RETURNING id`, [child.id, incident.id])
  await db.query(`INSERT INTO notification_events (notification_id, kind, recipients, detail) VALUES
    ($1, 'dsl-refused', '{lee.rivers@example.org}', '550 5.1.1 mailbox unavailable'),
    ($1, 'failed', NULL, 'SMTP refused the Key Adult address and there is no deputy')`, [n.id])
  const res = await page('/delivery-failures')
  t.equal(res.statusCode, 200)
  t.match(res.body, /Riverside Juniors/)
  t.match(res.body, /Address refused<\/strong>\s*<br>lee.rivers@example.org/)
  t.match(res.body, /550 5.1.1 mailbox unavailable/)
  t.match(res.body, /Not delivered/)
  t.notMatch(res.body, /Tamsin|Oakridge|2014|CLE-FAIL-1/, 'no child’s details, nor the police reference')
})

t.test('a setting holding a child back for want of a Key Adult is listed, and clears when one is added', async (t) => {
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: { authorization: `Bearer ${police}`, 'content-type': 'application/json' },
    payload: anIncident({}, { givenName: 'Corin', familyName: 'Hill', school: { urn: '333444' } }) })
  t.equal(res.statusCode, 202)
  const childId = res.json().children[0].id
  await processMatch(h.services, childId)
  const listed = await page('/settings')
  t.match(listed.body, /id="alerts"/)
  t.match(listed.body, /href="\/settings\/333444">Hilltop Academy<\/a>[\s\S]*No named Key Adult[\s\S]*>1<\/td>/)
  t.notMatch(listed.body, /Corin/, 'counts only, no child')
  t.equal((await post('/settings/333444/key-adults', { role: 'dsl', name: 'Pat Hill', email: 'pat.hill@example.org' })).statusCode, 303)
  const { rows } = await db.query('SELECT match_status FROM children WHERE id = $1', [childId])
  t.equal(rows[0].match_status, 'pending', 'the held child goes back to be matched')
  t.notMatch((await page('/settings')).body, /Hilltop Academy/)
})

t.test('an upload that cannot be read is told beside the file field, never a 5xx; nothing stored', async (t) => {
  const before = (await db.query('SELECT count(*)::int AS n FROM school_calendar_exceptions')).rows[0].n
  const latin1 = await h.app.inject({
    method: 'POST', url: '/settings/key-adults/upload',
    headers: { authorization: `Bearer ${admin}`, accept: 'text/html', origin, 'content-type': 'multipart/form-data; boundary=b' },
    payload: Buffer.concat([Buffer.from('--b\r\nContent-Disposition: form-data; name="file"; filename="k.csv"\r\n\r\n'), Buffer.from('urn,role,name,email\n222333,dsl,Ren\xe9e,renee@example.org\n', 'latin1'), Buffer.from('\r\n--b--\r\n')]),
  })
  t.equal(latin1.statusCode, 400)
  t.match(latin1.body, /href="#file">The file must be saved as UTF-8 text/)
  const garbled = await h.app.inject({
    method: 'POST', url: '/settings/111234/term-dates',
    headers: { authorization: `Bearer ${admin}`, accept: 'text/html', origin, 'content-type': 'multipart/form-data; boundary=b' },
    payload: '--b\r\nContent-Disposition: form-data; name="appliesTo"\r\n\r\nla\r\n--b\r\nContent-Disposition: form-da',
  })
  t.equal(garbled.statusCode, 400)
  t.match(garbled.body, /href="#file">The upload could not be read/)
  const empty = await upload('/settings/111234/term-dates', { appliesTo: 'setting' }, { name: 'file', filename: 'empty.ics', text: '' })
  t.match(empty.body, /The selected file is empty/)
  t.equal((await db.query('SELECT count(*)::int AS n FROM school_calendar_exceptions')).rows[0].n, before)
})

t.test('only administrators; a form from another site is refused before anything is done', async (t) => {
  t.equal((await page('/settings', police)).statusCode, 403)
  t.equal((await page('/settings', await h.token('auditor'))).statusCode, 403, 'a board’s auditor is not an LA administrator')
  t.equal((await post('/settings/222333/key-adults/1/remove', { person: 'lee.rivers@example.org' }, await h.token('auditor'))).statusCode, 403)
  t.equal((await page('/delivery-failures', police)).statusCode, 403)
  t.equal((await post('/settings/222333/key-adults/1/remove', { person: 'lee.rivers@example.org' }, police)).statusCode, 403)
  const forged = await h.app.inject({
    method: 'POST', url: '/settings/222333/key-adults/1/remove', payload: 'person=lee.rivers%40example.org',
    headers: { authorization: `Bearer ${admin}`, accept: 'text/html', origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
  })
  t.equal(forged.statusCode, 403)
  t.equal((await contacts('222333')).length, 1, 'still there')
  t.equal((await page('/settings/99003808')).statusCode, 404, 'an LA’s children’s services is not a setting here')
  t.equal((await page('/settings/123456789')).statusCode, 404)
  t.equal((await page('/settings/222333/key-adults/9')).statusCode, 404)
})
