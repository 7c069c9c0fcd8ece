// Acknowledgement-page links (src/mail/ack-links.ts): an HMAC of the notification id, good for that
// one notification under that one secret.
import t from 'tap'
import { ackToken, ackUrl, verifyAckToken } from '../../src/mail/ack-links.js'

const SECRET = 'a-test-secret-of-at-least-32-characters!'
const ID = '6f1c2d9e-0000-4000-8000-000000000001'

t.test('the link is the page under the base URL, with an unpadded base64url token', async (t) => {
  const token = ackToken(SECRET, ID)
  t.match(token, /^[A-Za-z0-9_-]{43}$/)
  t.equal(ackUrl('https://notify.example', SECRET, ID), `https://notify.example/ack/${ID}/${token}`)
  t.equal(ackToken(SECRET, ID), token, 'the same for the same notification')
})

t.test('a token verifies for its own notification and secret only', async (t) => {
  const token = ackToken(SECRET, ID)
  t.ok(verifyAckToken(SECRET, ID, token))
  t.notOk(verifyAckToken(SECRET, '6f1c2d9e-0000-4000-8000-000000000002', token), 'another notification')
  t.notOk(verifyAckToken(`${SECRET}x`, ID, token), 'another secret')
  t.notOk(verifyAckToken(SECRET, ID, token.slice(0, -1)), 'a truncated token')
  t.notOk(verifyAckToken(SECRET, ID, `${token}A`), 'a longer token')
  t.notOk(verifyAckToken(SECRET, ID, ''), 'no token')
  const flipped = (token[0] === 'A' ? 'B' : 'A') + token.slice(1)
  t.notOk(verifyAckToken(SECRET, ID, flipped), 'one character changed')
})
