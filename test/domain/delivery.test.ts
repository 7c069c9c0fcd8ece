// When a notification may be sent (src/domain/delivery.ts): at once, unless the force set a local
// delivery window; outside it the send waits for the window to open, but never past the point where
// escalation to deputies starts. Expected instants were worked out by hand in Europe/London time
// (GMT in November, BST in June 2026).
import t from 'tap'
import { computeSendAfter } from '../../src/domain/delivery.js'

const NO_WINDOW = { notBefore: null, notAfter: null }
const DAYTIME = { notBefore: '06:00', notAfter: '22:00' }
// Monday 23 November 2026, 08:30 GMT: the deadline used below.
const DUE = new Date('2026-11-23T08:30:00Z')

t.test('with no window, a send goes at once whatever the hour', async (t) => {
  const night = new Date('2026-11-20T02:00:00Z')
  t.same(computeSendAfter(night, DUE, NO_WINDOW, 60), night)
})

t.test('inside the window, a send goes at once', async (t) => {
  const noon = new Date('2026-11-20T12:00:00Z')
  t.same(computeSendAfter(noon, DUE, DAYTIME, 60), noon)
  const opening = new Date('2026-11-20T06:00:00Z')
  t.same(computeSendAfter(opening, DUE, DAYTIME, 60), opening, 'the opening minute is inside')
})

t.test('before the window opens, a send waits for the opening the same morning', async (t) => {
  t.same(computeSendAfter(new Date('2026-11-20T02:00:00Z'), DUE, DAYTIME, 60), new Date('2026-11-20T06:00:00Z'))
})

t.test('after the window closes, a send waits for the next morning', async (t) => {
  t.same(computeSendAfter(new Date('2026-11-20T22:00:00Z'), DUE, DAYTIME, 60), new Date('2026-11-21T06:00:00Z'),
    'the closing minute is outside')
  t.same(computeSendAfter(new Date('2026-11-20T23:10:00Z'), DUE, DAYTIME, 60), new Date('2026-11-21T06:00:00Z'))
})

t.test('the window is read on the London wall clock, in summer time too', async (t) => {
  // 01:00Z on 10 June 2026 is 02:00 BST; the window opens at 06:00 BST = 05:00Z.
  const due = new Date('2026-06-11T07:30:00Z')
  t.same(computeSendAfter(new Date('2026-06-10T01:00:00Z'), due, DAYTIME, 60), new Date('2026-06-10T05:00:00Z'))
  // 21:30Z is 22:30 BST: closed, so the next morning.
  t.same(computeSendAfter(new Date('2026-06-10T21:30:00Z'), due, DAYTIME, 60), new Date('2026-06-11T05:00:00Z'))
})

t.test('a wait never runs past the start of escalation to deputies', async (t) => {
  // Sunday 22:30, window opens 09:00: the opening (Mon 09:00) is after the deadline, so the send
  // goes at dueBy − lead (07:30 for a 60-minute lead, 06:30 for 120).
  const late = { notBefore: '09:00', notAfter: '22:00' }
  const sunday = new Date('2026-11-22T22:30:00Z')
  t.same(computeSendAfter(sunday, DUE, late, 60), new Date('2026-11-23T07:30:00Z'))
  t.same(computeSendAfter(sunday, DUE, late, 120), new Date('2026-11-23T06:30:00Z'))
})

t.test('when escalation is already due, the send goes at once rather than in the past', async (t) => {
  const now = new Date('2026-11-23T08:00:00Z') // 08:00, window opens at 09:00, dueBy 08:30
  t.same(computeSendAfter(now, DUE, { notBefore: '09:00', notAfter: null }, 60), now)
})

t.test('a window with only one end set', async (t) => {
  // Only a closing time: after it, the window opens again at local midnight.
  t.same(computeSendAfter(new Date('2026-11-20T21:30:00Z'), DUE, { notBefore: null, notAfter: '21:00' }, 60),
    new Date('2026-11-21T00:00:00Z'))
  // Only an opening time: open until midnight.
  const evening = new Date('2026-11-20T23:59:00Z')
  t.same(computeSendAfter(evening, DUE, { notBefore: '07:00', notAfter: null }, 60), evening)
  t.same(computeSendAfter(new Date('2026-11-20T05:00:00Z'), DUE, { notBefore: '07:00', notAfter: null }, 60),
    new Date('2026-11-20T07:00:00Z'))
})
