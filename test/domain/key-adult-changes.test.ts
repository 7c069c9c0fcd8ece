// A setting's Key Adults changed in place (domain/contacts.ts keyAdultChanges): removals, then
// changes, then additions at the end; people named by address in any case; every refusal at its
// JSON Pointer, and the list given back whole only when there is none.
import t from 'tap'
import { keyAdultChanges, keyAdultChangesSchema, type KeyAdult } from '../../src/domain/contacts.js'

const today = '2026-11-20'
const jo: KeyAdult = { role: 'dsl', name: 'Jo Bloggs', email: 'jo.bloggs@example.org', phone: '01642 111222', trainedOn: null }
const sam: KeyAdult = { role: 'deputy', name: 'Sam Deputy', email: 'sam.deputy@example.org', phone: null, trainedOn: '2025-09-01' }

t.test('an addition goes at the end, its address lower-cased; the others are untouched', async (t) => {
  const r = keyAdultChanges([jo], { add: [{ role: 'deputy', name: 'Lee Rivers', email: 'Lee.Rivers@Example.org', trainedOn: '2026-11-20' }] }, today)
  t.same(r.problems, [])
  t.same(r.contacts, [jo, { role: 'deputy', name: 'Lee Rivers', email: 'lee.rivers@example.org', trainedOn: '2026-11-20' }], 'trained today is allowed')
})

t.test('a change names the person by address in any case and changes only what it gives', async (t) => {
  const r = keyAdultChanges([jo, sam], { update: [{ email: 'SAM.DEPUTY@example.org', role: 'dsl' }] }, today)
  t.same(r.problems, [])
  t.same(r.contacts, [jo, { ...sam, role: 'dsl' }])
  const cleared = keyAdultChanges([jo, sam], { update: [{ email: 'jo.bloggs@example.org', phone: null, trainedOn: '2026-01-02' }] }, today)
  t.same(cleared.contacts[0], { ...jo, phone: null, trainedOn: '2026-01-02' }, 'null clears a telephone number')
})

t.test('a removal keeps the order of the rest; the last person may go (the setting is then held, as with PUT)', async (t) => {
  t.same(keyAdultChanges([jo, sam], { remove: ['Jo.Bloggs@example.org'] }, today).contacts, [sam])
  t.same(keyAdultChanges([jo], { remove: ['jo.bloggs@example.org'] }, today), { contacts: [], problems: [] })
})

t.test('a person removed and re-added in one change is replaced (how an address is changed)', async (t) => {
  const r = keyAdultChanges([jo, sam], { remove: ['jo.bloggs@example.org'], add: [{ role: 'dsl', name: 'Jo Bloggs', email: 'jo.bloggs@example.org' }] }, today)
  t.same(r.problems, [])
  t.same(r.contacts.map((c) => c.email), ['sam.deputy@example.org', 'jo.bloggs@example.org'])
})

t.test('each refusal names its place', async (t) => {
  const r = keyAdultChanges([jo, sam], {
    add: [
      { role: 'deputy', name: 'Office', email: 'office@example.org' },
      { role: 'deputy', name: 'Jo Again', email: 'JO.BLOGGS@example.org' },
      { role: 'deputy', name: 'Pat', email: 'pat.one@example.org', trainedOn: '2026-11-21' },
    ],
    update: [{ email: 'nobody@example.org', name: 'Nobody' }, { email: 'sam.deputy@example.org', trainedOn: '2030-01-01' }],
    remove: ['gone@example.org'],
  }, today)
  t.same(r.problems, [
    { path: '/remove/0', message: 'is not a Key Adult of this setting' },
    { path: '/update/0/email', message: 'is not a Key Adult of this setting' },
    { path: '/update/1/trainedOn', message: 'must not be in the future' },
    { path: '/add/0/email', message: 'must be a named person’s address, not a generic role inbox' },
    { path: '/add/2/trainedOn', message: 'must not be in the future' },
    { path: '/add/1/email', message: 'is already a Key Adult of this setting' },
  ])
  const both = keyAdultChanges([jo], { remove: ['jo.bloggs@example.org'], update: [{ email: 'jo.bloggs@example.org', name: 'Jo B' }] }, today)
  t.same(both.problems, [{ path: '/update/0/email', message: 'is removed in the same request' }])
  const twice = keyAdultChanges([], { add: [{ role: 'dsl', name: 'Pat One', email: 'pat.one@example.org' }, { role: 'deputy', name: 'Pat One', email: 'Pat.One@example.org' }] }, today)
  t.same(twice.problems, [{ path: '/add/1/email', message: 'is already a Key Adult of this setting' }])
})

t.test('no more than 20 people', async (t) => {
  const many: KeyAdult[] = Array.from({ length: 20 }, (_v, i) => ({ role: 'deputy', name: `Person ${i}`, email: `person.${i}@example.org` }))
  t.same(keyAdultChanges(many, { add: [{ role: 'dsl', name: 'One More', email: 'one.more@example.org' }] }, today).problems,
    [{ path: '/add', message: 'would give the setting more than 20 Key Adults' }])
})

t.test('the body’s shape: at least one change, known fields only, dates within bounds', async (t) => {
  t.notOk(keyAdultChangesSchema.safeParse({}).success)
  t.notOk(keyAdultChangesSchema.safeParse({ add: [], remove: [] }).success)
  t.notOk(keyAdultChangesSchema.safeParse({ name: 'x', remove: ['a.b@example.org'] }).success)
  t.notOk(keyAdultChangesSchema.safeParse({ update: [{ email: 'a.b@example.org', trainedOn: '0026-01-01' }] }).success)
  t.notOk(keyAdultChangesSchema.safeParse({ update: [{ email: 'a.b@example.org', email2: 'x' }] }).success)
  t.ok(keyAdultChangesSchema.safeParse({ update: [{ email: 'a.b@example.org', trainedOn: null }] }).success)
})
