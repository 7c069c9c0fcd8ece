// PATCH /v1/schools/{urn}: an administrator changes a setting's Key Adults in place (add, change
// by address, remove by address, training dates) and nothing else about the setting moves: not the
// register's name, LA or type, nor its start time. The contact rules are PUT's; every refusal is
// problem+json naming the field and changes nothing. Over real Postgres and Redis.
import t from 'tap'
import { createHarness } from '../helpers/harness.js'

const h = await createHarness()
t.teardown(() => h.close())
const { db } = h.services
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
const patch = (urn: string, payload: unknown, token = admin) => h.app.inject({ method: 'PATCH', url: `/v1/schools/${urn}`, headers: json(token), payload: payload as object })
const contactsOf = async (urn: string) => (await h.app.inject({ method: 'GET', url: `/v1/schools/${urn}`, headers: json(admin) })).json().contacts

// A setting as the register loaded it, with a Key Adult an administrator added.
await db.query(`INSERT INTO schools (urn, name, la_code, la_name, postcode, phase, open, source, day_starts_at)
                VALUES ('111234', 'St Example''s C of E Primary (DfE name)', '808', 'Stockton-on-Tees', 'TS18 1AB', 'Primary', true, 'gias', '08:45')`)
await db.query(`INSERT INTO school_contacts (urn, role, name, email, position) VALUES ('111234', 'dsl', 'Jo Bloggs', 'jo.bloggs@example.org', 0)`)

t.test('adding a deputy with a training date keeps the DfE name and every other field', async (t) => {
  const res = await patch('111234', { add: [{ role: 'deputy', name: 'Sam Deputy', email: 'Sam.Deputy@example.org', phone: '01642 000000', trainedOn: '2026-09-01' }] })
  t.equal(res.statusCode, 200)
  const school = res.json()
  t.has(school, { urn: '111234', name: 'St Example\'s C of E Primary (DfE name)', laCode: '808', laName: 'Stockton-on-Tees', postcode: 'TS18 1AB', dayStartsAt: '08:45', type: 'school' })
  t.same(school.contacts, [
    { role: 'dsl', name: 'Jo Bloggs', email: 'jo.bloggs@example.org', phone: null, trainedOn: null },
    { role: 'deputy', name: 'Sam Deputy', email: 'sam.deputy@example.org', phone: '01642 000000', trainedOn: '2026-09-01' },
  ])
  const { rows } = await db.query(`SELECT action, detail FROM audit_log WHERE action = 'school.key-adults'`)
  t.equal(rows.length, 1, 'audited')
  t.has(rows[0].detail, { added: 1, updated: 0, removed: 0, keyAdults: 2 })
})

t.test('a person is changed by address: made the DSL, trained; the others stay as they were', async (t) => {
  const res = await patch('111234', { update: [{ email: 'SAM.DEPUTY@example.org', role: 'dsl', trainedOn: '2026-10-12' }] })
  t.equal(res.statusCode, 200)
  t.same(res.json().contacts.map((c: { email: string; role: string; trainedOn: string | null; phone: string | null }) => [c.email, c.role, c.trainedOn, c.phone]), [
    ['jo.bloggs@example.org', 'dsl', null, null],
    ['sam.deputy@example.org', 'dsl', '2026-10-12', '01642 000000'],
  ])
})

t.test('a generic inbox is refused as PUT refuses it, naming the field; nothing changes', async (t) => {
  const before = await contactsOf('111234')
  const res = await patch('111234', { add: [{ role: 'deputy', name: 'The Office', email: 'office@example.org' }] })
  t.equal(res.statusCode, 422)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.same(res.json().errors, [{ path: '/add/0/email', message: 'must be a named person’s address, not a generic role inbox' }])
  t.same(await contactsOf('111234'), before)
})

t.test('each other refusal names its field: an unknown address, a duplicate, a future training date, a bad role', async (t) => {
  const before = await contactsOf('111234')
  const unknown = await patch('111234', { remove: ['nobody@example.org'] })
  t.equal(unknown.statusCode, 422)
  t.same(unknown.json().errors, [{ path: '/remove/0', message: 'is not a Key Adult of this setting' }])
  const duplicate = await patch('111234', { add: [{ role: 'deputy', name: 'Jo Again', email: 'jo.bloggs@example.org' }] })
  t.same(duplicate.json().errors, [{ path: '/add/0/email', message: 'is already a Key Adult of this setting' }])
  const future = await patch('111234', { update: [{ email: 'jo.bloggs@example.org', trainedOn: '2099-01-01' }] })
  t.same(future.json().errors, [{ path: '/update/0/trainedOn', message: 'must not be in the future' }])
  const role = await patch('111234', { add: [{ role: 'head', name: 'Pat Head', email: 'pat.head@example.org' }] })
  t.equal(role.statusCode, 400)
  t.equal(role.json().errors[0].path, '/add/0/role')
  const empty = await patch('111234', {})
  t.equal(empty.statusCode, 400)
  const name = await patch('111234', { name: 'A New Name' })
  t.equal(name.statusCode, 400, 'the name is not the PATCH’s to change')
  t.equal(name.json().errors[0].path, '/name')
  t.same(await contactsOf('111234'), before)
})

t.test('removing a person leaves the rest', async (t) => {
  const res = await patch('111234', { remove: ['jo.bloggs@example.org'] })
  t.equal(res.statusCode, 200)
  t.same(res.json().contacts.map((c: { email: string }) => c.email), ['sam.deputy@example.org'])
})

t.test('an unknown URN is 404; police may not use it (403); no token is 401', async (t) => {
  const missing = await patch('999999', { add: [{ role: 'dsl', name: 'Jo Bloggs', email: 'jo.bloggs@example.org' }] })
  t.equal(missing.statusCode, 404)
  t.match(missing.headers['content-type'], /^application\/problem\+json/)
  const forbidden = await patch('111234', { remove: ['sam.deputy@example.org'] }, police)
  t.equal(forbidden.statusCode, 403)
  const anonymous = await h.app.inject({ method: 'PATCH', url: '/v1/schools/111234', headers: { 'content-type': 'application/json' }, payload: { remove: ['sam.deputy@example.org'] } })
  t.equal(anonymous.statusCode, 401)
  t.same((await contactsOf('111234')).map((c: { email: string }) => c.email), ['sam.deputy@example.org'], 'nothing changed')
})

t.test('PUT keeps training dates too, and refuses one in the future', async (t) => {
  const ok = await h.app.inject({ method: 'PUT', url: '/v1/schools/222333', headers: json(admin), payload: { name: 'Riverside', contacts: [{ role: 'dsl', name: 'Lee Rivers', email: 'lee.rivers@example.org', trainedOn: '2025-06-30' }] } })
  t.equal(ok.statusCode, 201)
  t.equal(ok.json().contacts[0].trainedOn, '2025-06-30')
  const future = await h.app.inject({ method: 'PUT', url: '/v1/schools/222333', headers: json(admin), payload: { name: 'Riverside', contacts: [{ role: 'dsl', name: 'Lee Rivers', email: 'lee.rivers@example.org', trainedOn: '2099-06-30' }] } })
  t.equal(future.statusCode, 422)
  t.same(future.json().errors, [{ path: '/contacts/0/trainedOn', message: 'must not be in the future' }])
})
