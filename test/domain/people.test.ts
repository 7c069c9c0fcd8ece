// Who may register, and where a person may be sent after signing in.
import t from 'tap'
import { accessRoleOf, newPersonSchema, normaliseEmail, safeReturnTo } from '../../src/domain/people.js'

const paths = (r: ReturnType<typeof newPersonSchema.safeParse>) => (r.success ? [] : r.error.issues.map((i) => i.path.join('/')))

t.test('an address is one person however it is typed', async (t) => {
  t.equal(normaliseEmail('  Jo.Bloggs@Example.ORG '), 'jo.bloggs@example.org')
  const r = newPersonSchema.safeParse({ email: ' Jo.Bloggs@Example.ORG', name: 'Jo Bloggs', role: 'auditor' })
  t.ok(r.success)
  t.equal(r.success && r.data.email, 'jo.bloggs@example.org')
})

t.test('each role names its own scope and no other', async (t) => {
  t.same(paths(newPersonSchema.safeParse({ email: 'a.officer@x.police.uk', name: 'An Officer', role: 'officer' })), ['force'])
  t.same(paths(newPersonSchema.safeParse({ email: 'a.officer@x.police.uk', name: 'An Officer', role: 'desk', force: 'cleveland' })), [])
  t.same(paths(newPersonSchema.safeParse({ email: 'la.person@x.gov.uk', name: 'LA Person', role: 'la-admin' })), ['laCodes'])
  t.same(paths(newPersonSchema.safeParse({ email: 'la.person@x.gov.uk', name: 'LA Person', role: 'la-admin', laCodes: ['808'] })), [])
  t.same(paths(newPersonSchema.safeParse({ email: 'la.person@x.gov.uk', name: 'LA Person', role: 'auditor', laCodes: ['808'] })), ['laCodes'])
  t.same(paths(newPersonSchema.safeParse({ email: 'jo.bloggs@x.org', name: 'Jo Bloggs', role: 'key-adult' })), ['urn'])
  t.same(paths(newPersonSchema.safeParse({ email: 'jo.bloggs@x.org', name: 'Jo Bloggs', role: 'key-adult', urn: 'ey512345' })), [])
  t.same(paths(newPersonSchema.safeParse({ email: 'jo.bloggs@x.org', name: 'Jo Bloggs', role: 'admin', force: 'cleveland' })), ['force'])
  t.same(paths(newPersonSchema.safeParse({ email: 'jo.bloggs@x.org', name: 'Jo Bloggs', role: 'boss' })), ['role'])
  t.same(paths(newPersonSchema.safeParse({ email: 'jo.bloggs@x.org', name: 'Jo Bloggs', role: 'admin', extra: 1 })), [''], 'unknown fields are refused')
})

t.test('a shared inbox cannot be registered: everyone reading it could sign in', async (t) => {
  t.same(paths(newPersonSchema.safeParse({ email: 'office@school.example', name: 'The Office', role: 'auditor' })), ['email'])
})

t.test('people act on the pages in the access role of their work', async (t) => {
  t.same(accessRoleOf, { 'key-adult': 'dsl', officer: 'police', desk: 'police', 'la-admin': 'auditor', auditor: 'auditor', admin: 'admin' })
})

t.test('only a path on this site is kept to return to after signing in', async (t) => {
  t.equal(safeReturnTo('/notifications/6f1c2b9e-6a86-4a41-9b1c-5a2f0f7e8d11'), '/notifications/6f1c2b9e-6a86-4a41-9b1c-5a2f0f7e8d11')
  t.equal(safeReturnTo('/incidents/new'), '/incidents/new')
  for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example/', 'evil.example', '/a//b', '/notifications?child=Amy', '/x#y', '', undefined, 42, `/${'a'.repeat(201)}`]) {
    t.equal(safeReturnTo(bad), null, `refuses ${String(bad).slice(0, 30)}`)
  }
})
