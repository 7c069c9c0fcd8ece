// Who keeps the directory on the pages (http/directory-access.ts): an administrator every LA, an
// LA administrator (a person's session carrying role 'la-admin' and LA codes) only theirs, and
// nobody else, a board's auditor included.
import t from 'tap'
import { keepsDirectory, keepsLa, laScopeOf } from '../../src/http/directory-access.js'
import type { Principal } from '../../src/store/tokens-store.js'

const base: Principal = { tokenId: 't', role: 'admin', forceCode: null, urn: null, name: null, ageBand: null }
const laAdmin = { ...base, role: 'auditor', sessionId: 's', person: { id: 'p', email: 'pat@la.example', name: 'Pat', role: 'la-admin', laCodes: ['805', '806'] } } as Principal

t.test('an administrator keeps every LA', async (t) => {
  t.ok(keepsDirectory(base))
  t.equal(laScopeOf(base), null)
  t.ok(keepsLa(base, '808'))
  t.ok(keepsLa(base, null), 'a setting with no LA too')
})

t.test('an LA administrator keeps their own LAs only', async (t) => {
  t.ok(keepsDirectory(laAdmin))
  t.same(laScopeOf(laAdmin), ['805', '806'])
  t.ok(keepsLa(laAdmin, '806'))
  t.notOk(keepsLa(laAdmin, '808'))
  t.notOk(keepsLa(laAdmin, null))
})

t.test('a board’s auditor, an officer and a Key Adult keep nothing', async (t) => {
  for (const p of [{ ...base, role: 'auditor' }, { ...base, role: 'police', forceCode: 'cleveland' }, { ...base, role: 'dsl', urn: '111234' }] as Principal[]) {
    t.notOk(keepsDirectory(p), p.role)
    t.same(laScopeOf(p), [])
    t.notOk(keepsLa(p, '808'))
  }
})
