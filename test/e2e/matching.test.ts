// Finding the right setting and the right Key Adult for every child, end to end over real
// Postgres, Redis and SMTP with the whole DfE register loaded: a URN, a misspelt name with a
// postcode district, a school in another LA, only the LA's pupil roll, no setting at all (the
// LA's children's services are told), and a closed school (held, administrators alerted).
// Names and dates of birth never reach the logs or Redis.
import t, { type Test } from 'tap'
import { rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../../src/cli.js'
import { aSchool, anIncident, createHarness, eventually, importRealRegister } from '../helpers/harness.js'

const h = await createHarness({ workers: true })
t.teardown(() => h.close())
const { db } = h.services
await importRealRegister(db)
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })

/** Invented Key Adults for a real setting (never the real school's addresses). */
async function keyAdults(t: Test, urn: string): Promise<string> {
  const { rows } = await db.query<{ name: string; la_code: string }>('SELECT name, la_code FROM schools WHERE urn = $1', [urn])
  const dsl = `jo.lead.${urn}@example.org`
  const res = await h.app.inject({
    method: 'PUT', url: `/v1/schools/${urn}`, headers: json(admin),
    payload: aSchool({ name: rows[0]!.name, laCode: rows[0]!.la_code, contacts: [{ role: 'dsl', name: `Jo Lead ${urn}`, email: dsl }] }),
  })
  t.equal(res.statusCode, 200, `Key Adult for ${urn}`)
  return dsl
}

async function submit(child: Record<string, unknown>) {
  const body = anIncident({}, child)
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: body })
  t.equal(res.statusCode, 202)
  return res.json() as { id: string; children: { id: string }[] }
}

async function settled(id: string, status: string[] = ['matched', 'no-setting', 'unmatched']) {
  return eventually(async () => {
    const v = (await h.app.inject({ method: 'GET', url: `/v1/incidents/${id}`, headers: json(police) })).json()
    const c = v.children[0]
    return status.includes(c.match.status) && (c.match.status === 'unmatched' || c.notification?.status === 'sent') ? v : null
  }, 30_000)
}

const mailTo = (address: string) => eventually(async () => h.smtp.messages.find((m) => m.envelopeTo.includes(address)))

t.test('a URN in the directory: the school’s Key Adult is told (method urn)', async (t) => {
  const dsl = await keyAdults(t, '111540')
  const incident = await submit({ school: { urn: '111540' } })
  const view = await settled(incident.id)
  t.has(view.children[0].match, { status: 'matched', urn: '111540', method: 'urn' })
  t.ok(await mailTo(dsl))
})

t.test('a misspelt, abbreviated name and a postcode district find the school (method name-postcode)', async (t) => {
  const dsl = await keyAdults(t, '140599') // Yarm Primary School, TS15 9HF
  const incident = await submit({ school: { name: 'Yarm Primray Sch', postcode: 'TS15' } })
  const view = await settled(incident.id)
  t.has(view.children[0].match, { status: 'matched', urn: '140599', method: 'name-postcode' })
  t.ok(await mailTo(dsl))
  const { rows } = await db.query('SELECT match_confidence, match_candidates FROM children WHERE id = $1', [incident.children[0]!.id])
  t.ok(rows[0].match_confidence >= 0.75 && rows[0].match_confidence <= 1, 'how sure the service was is recorded')
  t.same(Object.keys(rows[0].match_candidates[0]).sort(), ['laCode', 'method', 'name', 'open', 'postcode', 'score', 'urn'], 'candidates: register facts only')
})

t.test('a school in another local authority is a valid match (Essex, for a Cleveland child)', async (t) => {
  const dsl = await keyAdults(t, '131806')
  const incident = await submit({ school: { name: 'Oakfield Primary School', postcode: 'SS12' } })
  const view = await settled(incident.id)
  t.has(view.children[0].match, { status: 'matched', urn: '131806', method: 'name-postcode' })
  t.ok(await mailTo(dsl))
})

t.test('with no school given, the LA’s pupil roll places the child (method pupil-roll)', async (t) => {
  const dsl = await keyAdults(t, '146449') // St Mary's Church of England Primary School, TS21 1DL
  const csv = 'Forename,Surname,DOB,URN\n"Zoë","O\'Brien-Smith",04/05/2016,146449\nSam,Jones,04/05/2016,140599\n'
  const up = await h.app.inject({ method: 'POST', url: '/v1/pupil-rolls/808', headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' }, payload: csv })
  t.equal(up.statusCode, 200)
  t.match(up.json(), { laCode: '808', pupils: 2, noSetting: 0, unknownUrns: [] })
  const incident = await submit({ givenName: 'ZOE', familyName: 'OBrien Smith', dateOfBirth: '2016-05-04', school: undefined })
  const view = await settled(incident.id)
  t.has(view.children[0].match, { status: 'matched', urn: '146449', method: 'pupil-roll' })
  t.ok(await mailTo(dsl))
})

t.test('a child with no setting: the LA’s children’s services are told instead (match no-setting)', async (t) => {
  const generic = await h.app.inject({
    method: 'PUT', url: '/v1/local-authorities/807/childrens-services', headers: json(admin),
    payload: { contacts: [{ role: 'lead', name: 'Front Door', email: 'office@redcar.example.org' }] },
  })
  t.equal(generic.statusCode, 422, 'a generic role inbox is refused')
  t.equal(generic.json().errors[0].path, '/contacts/0/email')
  const dir = tmpdir()
  const roll = join(dir, `roll-807-${process.pid}.csv`)
  writeFileSync(roll, 'given_name,family_name,date_of_birth,urn\nRiley,Ashworth,2014-09-30,\n')
  t.teardown(() => rmSync(roll, { force: true }))
  const lines: string[] = []
  await runCli(['pupils', 'import', '--la', '807', roll], db, (l) => lines.push(l))
  await runCli(['la-contacts', 'set', '--la', '807', '--lead', 'Pat Hale <pat.hale@redcar.example.org>', '--deputy', 'Lou Reed <lou.reed@redcar.example.org>'], db, (l) => lines.push(l))
  t.match(lines.join('\n'), /1 pupils, 1 with no setting[\s\S]*children's services contact \(2 named people\)/)
  const cs = (await h.app.inject({ method: 'GET', url: '/v1/local-authorities/807/childrens-services', headers: json(admin) })).json()
  t.match(cs, { laCode: '807', urn: '99000807', name: "Redcar and Cleveland children's services", contacts: [{ role: 'lead', email: 'pat.hale@redcar.example.org' }, { role: 'deputy' }] })

  const incident = await submit({ givenName: 'Riley', familyName: 'Ashworth', dateOfBirth: '2014-09-30', school: undefined })
  const view = await settled(incident.id)
  t.has(view.children[0].match, { status: 'no-setting', urn: null, method: 'pupil-roll', reason: 'la-childrens-services:807' })
  t.equal(view.children[0].notification.status, 'sent')
  const mail = await mailTo('pat.hale@redcar.example.org')
  t.match(mail.parsed.text, /Redcar and Cleveland children's services/)
})

t.test('a closed school is never sent to: the child is held and administrators are alerted', async (t) => {
  const incident = await submit({ school: { name: 'Oakfield Community Infant School', postcode: 'WA7' } })
  const view = await settled(incident.id, ['unmatched'])
  t.has(view.children[0].match, { status: 'unmatched', urn: '111190', reason: 'setting-closed' })
  t.equal(view.children[0].notification, null)
  const alerts = (await h.app.inject({ method: 'GET', url: '/v1/directory/alerts', headers: json(admin) })).json()
  t.match(alerts.items, [{ kind: 'setting-closed', urn: '111190', settingName: 'Oakfield Community Infant School', childrenHeld: 1 }])
  t.match(h.logs.text, /ALERT: the directory is holding a child back/)
})

t.test('a setting without a named Key Adult is never sent to either, and goes out once an administrator names one', async (t) => {
  const incident = await submit({ school: { name: 'Harrow Gate Academy', postcode: 'TS19 8DE' } })
  const view = await settled(incident.id, ['unmatched'])
  t.has(view.children[0].match, { status: 'unmatched', urn: '141301', reason: 'no-key-adult' })
  const alerts = (await h.app.inject({ method: 'GET', url: '/v1/directory/alerts', headers: json(admin) })).json()
  t.ok(alerts.items.some((a: { kind: string; urn: string }) => a.kind === 'no-key-adult' && a.urn === '141301'))
  const dsl = await keyAdults(t, '141301')
  const placed = await settled(incident.id, ['matched'])
  t.has(placed.children[0].match, { status: 'matched', urn: '141301', method: 'name-postcode' }, 'matched again by the worker, no officer needed')
  t.equal(placed.children[0].notification.status, 'sent')
  t.ok(await mailTo(dsl))
  const after = (await h.app.inject({ method: 'GET', url: '/v1/directory/alerts', headers: json(admin) })).json()
  t.notOk(after.items.some((a: { kind: string; urn: string }) => a.kind === 'no-key-adult' && a.urn === '141301'), 'and the alert has cleared')
})

t.test('a URN that contradicts the school name typed beside it is held, never sent to the wrong school', async (t) => {
  await keyAdults(t, '146449') // St Mary's Church of England Primary School, TS21 1DL
  const incident = await submit({ school: { urn: '146449', name: 'Harrow Gate Academy', postcode: 'TS19 8DE' } })
  const view = await settled(incident.id, ['unmatched'])
  t.has(view.children[0].match, { status: 'unmatched', urn: '146449', reason: 'urn-disagrees' })
  t.equal(view.children[0].notification, null)
  const queue = (await h.app.inject({ method: 'GET', url: '/v1/incidents?match=unmatched', headers: json(police) })).json()
  const held = queue.items.find((i: { incidentId: string }) => i.incidentId === incident.id)
  t.ok(held.candidates.some((c: { urn: string }) => c.urn === '141301'), 'the school the name points to is offered to the officer')
  const agrees = await submit({ school: { urn: '146449', name: "St Marys C of E Primary", postcode: 'TS21' } })
  t.has((await settled(agrees.id, ['matched'])).children[0].match, { status: 'matched', urn: '146449', method: 'urn' }, 'a name that agrees, however abbreviated, is fine')
})

t.test('a pupil-roll entry that only nearly agrees is offered to an officer, not sent on', async (t) => {
  const csv = 'Forename,Surname,DOB,URN\nSamuel,Smith,2013-03-03,146449\n'
  const up = await h.app.inject({ method: 'POST', url: '/v1/pupil-rolls/805', headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' }, payload: csv })
  t.equal(up.statusCode, 200)
  const incident = await submit({ givenName: 'Sam', familyName: 'Smyth', dateOfBirth: '2013-03-03', school: undefined })
  const view = await settled(incident.id, ['unmatched'])
  t.has(view.children[0].match, { status: 'unmatched', reason: 'pupil-roll-low-confidence' })
  const queue = (await h.app.inject({ method: 'GET', url: '/v1/incidents?match=unmatched', headers: json(police) })).json()
  const held = queue.items.find((i: { incidentId: string }) => i.incidentId === incident.id)
  t.match(held.candidates, [{ urn: '146449', method: 'pupil-roll' }])
})

t.test('directory input that could misplace a child is refused with the field named', async (t) => {
  const csv = (body: string) => h.app.inject({ method: 'POST', url: '/v1/pupil-rolls/808', headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' }, payload: body })
  const noUrn = await csv('Forename,Surname,DOB,School\nAmy,Example,2016-05-04,146449\n')
  t.equal(noUrn.statusCode, 422, 'a roll without a URN column would make every child look home educated')
  t.match(noUrn.json().errors[0].message, /urn/)
  const broken = await csv('Forename,Surname,DOB,URN\n"Amy,Example,2016-05-04,146449\n')
  t.equal(broken.statusCode, 422, 'broken CSV quoting is a 422, not a 500')
  const notObject = await h.app.inject({ method: 'POST', url: '/v1/pupil-rolls/808', headers: json(admin), payload: [5] })
  t.equal(notObject.statusCode, 400)
  t.equal(notObject.json().errors[0].path, '/0')
  const { rows } = await db.query("SELECT count(*)::int AS n FROM pupil_roll WHERE la_code = '808'")
  t.equal(rows[0].n, 2, 'the earlier roll stands')
  const nul = await h.app.inject({
    method: 'PUT', url: '/v1/local-authorities/805/childrens-services', headers: json(admin),
    payload: { contacts: [{ role: 'lead', name: 'Pat\u0000Hale', email: 'pat.hale@hartlepool.example.org' }] },
  })
  t.equal(nul.statusCode, 400)
  t.equal(nul.json().errors[0].path, '/contacts/0/name')
  const noLead = await h.app.inject({
    method: 'PUT', url: '/v1/local-authorities/805/childrens-services', headers: json(admin),
    payload: { contacts: [{ role: 'deputy', name: 'Pat Hale', email: 'pat.hale@hartlepool.example.org' }] },
  })
  t.equal(noLead.statusCode, 422, 'children’s services need a named lead')
  const reserved = await h.app.inject({ method: 'PUT', url: '/v1/schools/99000808', headers: json(admin), payload: aSchool() })
  t.equal(reserved.statusCode, 422, 'the children’s services URN range is not a school')
  for (const email of ['office+oe@school.example.org', 'info.stmarys@school.example.org']) {
    const res = await h.app.inject({ method: 'PUT', url: '/v1/schools/146449', headers: json(admin), payload: aSchool({ contacts: [{ role: 'dsl', name: 'A Person', email }] }) })
    t.equal(res.statusCode, 422, `${email} is a role inbox`)
  }
})

t.test('pupil roll uploads: admin only, every bad row named, a rejected upload stores nothing', async (t) => {
  const url = '/v1/pupil-rolls/808'
  t.equal((await h.app.inject({ method: 'POST', url, headers: json(police), payload: [] })).statusCode, 403)
  const bad = await h.app.inject({
    method: 'POST', url, headers: json(admin),
    payload: [{ givenName: 'Amy', familyName: 'Example', dateOfBirth: '2016-02-30', urn: '111540' }, { givenName: '', familyName: 'X', dateOfBirth: '2016-01-01', urn: 'abc' }],
  })
  t.equal(bad.statusCode, 422)
  t.same(bad.json().errors.map((e: { path: string }) => e.path), ['/0/dateOfBirth', '/1/givenName', '/1/urn'])
  const extra = await h.app.inject({ method: 'POST', url, headers: json(admin), payload: [{ givenName: 'A', familyName: 'B', dateOfBirth: '2016-01-01', school: 'x' }] })
  t.equal(extra.statusCode, 400)
  t.equal(extra.json().errors[0].path, '/0/school')
  t.equal((await h.app.inject({ method: 'POST', url: '/v1/pupil-rolls/702', headers: json(admin), payload: [] })).statusCode, 404, 'not an LA of England or Wales')
  const { rows } = await db.query("SELECT count(*)::int AS n FROM pupil_roll WHERE la_code = '808'")
  t.equal(rows[0].n, 2, 'the earlier roll stands')
  const good = await h.app.inject({ method: 'POST', url: '/v1/pupil-rolls/806', headers: json(admin), payload: [{ givenName: 'A', familyName: 'B', dateOfBirth: '2016-01-01', urn: '999999' }] })
  t.match(good.json(), { pupils: 1, unknownUrns: ['999999'] }, 'URNs the directory lacks are reported back')
})

t.test('no child’s name or date of birth reaches the logs or Redis', async (t) => {
  const logs = h.logs.text
  for (const s of ['Zoë', 'ZOE', 'Brien', 'Riley', 'Ashworth', '2016-05-04', '2014-09-30']) t.notMatch(logs, s, `logs: ${s}`)
  const redis = await h.redisDump()
  for (const s of ['Brien', 'Ashworth', '2016-05-04', 'Yarm']) t.notMatch(redis, s, `redis: ${s}`)
})
