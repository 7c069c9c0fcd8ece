// The sign-in link's token: random, hashed for the lookup, sealed for the mail worker under a key
// that is not in the database, and bound to its own link.
import { createHash } from 'node:crypto'
import t from 'tap'
import { hashLinkToken, LINK_TOKEN_RE, newLinkToken, openLinkToken, sealLinkToken, signInLinkUrl } from '../../src/domain/sign-in-links.js'

const SECRET = 'a-test-secret-of-at-least-thirty-two-characters'
const LINK = '6f1c2b9e-6a86-4a41-9b1c-5a2f0f7e8d11'

t.test('a token is 256 random bits in base64url, different each time', async (t) => {
  const a = newLinkToken()
  const b = newLinkToken()
  t.match(a, LINK_TOKEN_RE)
  t.not(a, b)
  t.same(hashLinkToken(a), createHash('sha256').update(a).digest())
})

t.test('the sealed token opens only for its own link under the same key', async (t) => {
  const token = newLinkToken()
  const sealed = sealLinkToken(SECRET, LINK, token)
  t.notOk(sealed.toString('latin1').includes(token), 'the sealed copy does not show the token')
  t.equal(openLinkToken(SECRET, LINK, sealed), token)
  t.equal(openLinkToken(SECRET, '00000000-0000-4000-8000-000000000000', sealed), null, 'another link cannot use it')
  t.equal(openLinkToken(`${SECRET}-changed`, LINK, sealed), null, 'another key cannot open it')
  const tampered = Buffer.from(sealed)
  tampered[tampered.length - 1]! ^= 1
  t.equal(openLinkToken(SECRET, LINK, tampered), null, 'a changed copy is refused')
})

t.test('the link is the service’s own address with the token', async (t) => {
  t.equal(signInLinkUrl('https://encompass.example', 'abc'), 'https://encompass.example/sign-in/link/abc')
})
