// Who acknowledged, as the record shows it (src/domain/acknowledgement.ts): a typed name is one
// line of ordinary text; a token's label keeps only what is printable.
import t from 'tap'
import { PERSON_NAME_MAX, acknowledgedByLink, acknowledgedByToken, checkPersonName } from '../../src/domain/acknowledgement.js'

t.test('an empty or blank name means not given', async (t) => {
  t.same(checkPersonName(''), { ok: true, name: null })
  t.same(checkPersonName('   '), { ok: true, name: null })
})

t.test('a name is trimmed, runs of spaces collapse, and it is stored in NFC', async (t) => {
  t.same(checkPersonName('  Jo   Bloggs '), { ok: true, name: 'Jo Bloggs' })
  t.same(checkPersonName('Rene\u0301e'), { ok: true, name: 'Ren\u00e9e' }, 'a combining accent composes')
})

t.test('control, line-separator and bidirectional characters are refused', async (t) => {
  for (const bad of ['Jo\tBloggs', 'Jo\nBloggs', 'Jo\u0000', 'Jo\u0085Bloggs', 'Jo\u2028Bloggs', 'Jo\u202eBloggs', 'Jo\u2066Bloggs']) {
    const r = checkPersonName(bad)
    // The label is written escaped: a raw U+0085 or U+2028 would break tap's own output.
    t.equal(r.ok, false, bad.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))
    if (!r.ok) t.match(r.message, /control characters/)
  }
})

t.test('a name is at most 100 characters, counted as characters a person sees', async (t) => {
  t.equal(PERSON_NAME_MAX, 100)
  t.same(checkPersonName('a'.repeat(100)), { ok: true, name: 'a'.repeat(100) })
  const long = checkPersonName('a'.repeat(101))
  t.equal(long.ok, false)
  if (!long.ok) t.equal(long.message, 'Your name must be 100 characters or fewer')
  // 100 characters outside the BMP are 200 UTF-16 units, and still allowed.
  t.equal(checkPersonName('\u{1d49c}'.repeat(100)).ok, true)
})

t.test('an acknowledgement by the e-mail link names the person when given', async (t) => {
  t.equal(acknowledgedByLink('Jo Bloggs'), 'Jo Bloggs (e-mail link)')
  t.equal(acknowledgedByLink(null), 'e-mail link')
})

t.test('an acknowledgement by token names the token and its printable label', async (t) => {
  t.equal(acknowledgedByToken({ tokenId: 'tok1', name: 'Jo Bloggs' }), 'Jo Bloggs (API token tok1)')
  t.equal(acknowledgedByToken({ tokenId: 'tok1', name: null }), 'API token tok1')
  t.equal(acknowledgedByToken({ tokenId: 'tok1', name: ' \n\t ' }), 'API token tok1', 'a label of control characters only is no label')
  t.equal(acknowledgedByToken({ tokenId: 'tok1', name: 'Jo\nBloggs\u202e' }), 'Jo Bloggs (API token tok1)')
  t.equal(acknowledgedByToken({ tokenId: 't', name: 'x'.repeat(300) }), `${'x'.repeat(100)} (API token t)`, 'cut to 100 characters')
})
