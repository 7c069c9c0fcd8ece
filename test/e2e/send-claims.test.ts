// The claim that decides who sends, under the failure modes the chaos run provokes: a worker that
// was slow, not dead, and lost its lease; a retry waiting out its backoff when the sweeper comes
// round; and BullMQ's attempt count reset by a Redis flush while Postgres keeps counting.
import t from 'tap'
import { ManualClock } from '../../src/domain/clock.js'
import { processEscalation } from '../../src/queue/escalate-worker.js'
import { processMatch } from '../../src/queue/match-worker.js'
import { processNotify } from '../../src/queue/notify-worker.js'
import { NOTIFY_ATTEMPTS } from '../../src/queue/queues.js'
import { sweep } from '../../src/queue/sweeper.js'
import { claimForSend, markFailed, markSent, releaseClaim } from '../../src/store/notifications-store.js'
import { aSchool, anIncident, createHarness } from '../helpers/harness.js'

const clock = new ManualClock(new Date('2026-11-20T22:20:00Z'))
const h = await createHarness({ clock, workers: false, env: { CLAIM_TIMEOUT_MS: '60000', NOTIFY_BACKOFF_MS: '5000' } })
t.teardown(() => h.close())
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool() })
// A delivery window holds Friday night's sends until Saturday 06:00, so a matched notification
// waits, unsent, for each test to claim as it needs.
await h.app.inject({
  method: 'PUT', url: '/v1/forces/cleveland', headers: json(admin),
  payload: { name: 'Cleveland Police', deskEmail: 'encompass.desk@police.example', deliveryNotBefore: '06:00', deliveryNotAfter: '21:00' },
})
const FRIDAY_NIGHT = new Date('2026-11-20T22:20:00Z')
const SATURDAY_MORNING = new Date('2026-11-21T06:01:00Z')

/** A matched notification, not yet sent, with no worker running; the clock then stands where it may be sent. */
async function aNotification(): Promise<string> {
  clock.set(FRIDAY_NIGHT)
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident() })
  await processMatch(h.services, res.json().children[0].id)
  const { rows } = await h.services.db.query('SELECT id, sent_at FROM notifications WHERE child_id = $1', [res.json().children[0].id])
  if (rows[0].sent_at !== null) throw new Error('the delivery window should have held the send')
  clock.set(SATURDAY_MORNING)
  return rows[0].id
}
const row = async (id: string) =>
  (await h.services.db.query('SELECT status, attempts, sent_at, failed_at, retry_at FROM notifications WHERE id = $1', [id])).rows[0]

t.test('a worker whose lease passed to another can neither give back nor fail the other’s claim', async (t) => {
  const id = await aNotification()
  const slow = (await claimForSend(h.services.db, id, clock.now(), 60_000))!
  t.equal(slow.attempts, 1)
  clock.advance(61_000)
  const taker = (await claimForSend(h.services.db, id, clock.now(), 60_000))!
  t.equal(taker.attempts, 2, 'the stale claim was taken over')
  t.notOk(await releaseClaim(h.services.db, id, slow, 'late 451', clock.now(), clock.now()), 'the slow worker cannot hand it back')
  t.notOk(await markFailed(h.services.db, id, slow, clock.now(), 'late give-up'), 'nor fail it')
  t.match(await row(id), { status: 'sending', attempts: 2, failed_at: null }, 'the live claim stands')
  t.equal(await claimForSend(h.services.db, id, clock.now(), 60_000), null, 'and nobody else can take it')
  await markSent(h.services.db, id, clock.now(), ['jo.bloggs@example.org'], '250 ok')
  t.match(await row(id), { status: 'sent' })
})

t.test('a send that had been marked failed and then went out is recorded as sent', async (t) => {
  const id = await aNotification()
  const claim = (await claimForSend(h.services.db, id, clock.now(), 60_000))!
  t.ok(await markFailed(h.services.db, id, claim, clock.now(), 'gave up'))
  await markSent(h.services.db, id, clock.now(), ['jo.bloggs@example.org'], '250 ok')
  const r = await row(id)
  t.equal(r.status, 'sent', 'the e-mail went: that is what the record says')
  t.ok(r.sent_at)
})

t.test('the sweeper leaves a retry to its backoff, and takes it up only when it is overdue', async (t) => {
  const id = await aNotification()
  const claim = (await claimForSend(h.services.db, id, clock.now(), 60_000))!
  const retryAt = new Date(clock.now().getTime() + 10 * 60_000)
  t.ok(await releaseClaim(h.services.db, id, claim, '451 try later', clock.now(), retryAt))
  clock.advance(2 * 60_000)
  t.equal((await sweep(h.services)).notify, 0, 'waiting out its backoff: not promoted')
  t.equal(await claimForSend(h.services.db, id, clock.now(), 60_000), null, 'and a retry that comes early is turned away')
  clock.set(new Date(retryAt.getTime() + 1_000))
  t.equal((await sweep(h.services)).notify, 1, 'past its retry time with no attempt: re-queued')
  const again = await claimForSend(h.services.db, id, clock.now(), 60_000)
  t.equal(again?.attempts, 2)
})

t.test('attempts are counted in Postgres: the last one fails explicitly and alerts the desk, whatever BullMQ counted', async (t) => {
  const id = await aNotification()
  await h.services.db.query('UPDATE notifications SET attempts = $2 WHERE id = $1', [id, NOTIFY_ATTEMPTS - 1])
  h.smtp.tempFail = 1
  const outcome = await processNotify(h.services, id, { finalAttempt: false }) // a fresh job after a Redis flush
  t.equal(outcome, 'failed')
  t.equal(h.smtp.tempFail, 0, 'the attempt was made')
  t.match(await row(id), { status: 'failed', attempts: NOTIFY_ATTEMPTS })
  const desk = await h.services.queues.escalate.getJob(`escalate-desk-${id}`)
  t.ok(desk, 'the force desk alert is queued')
})

t.test('a temporary failure records when the retry is due, doubling each time', async (t) => {
  const id = await aNotification()
  h.smtp.tempFail = 2
  await t.rejects(processNotify(h.services, id))
  const first = await row(id)
  t.equal(first.status, 'scheduled')
  t.equal(first.retry_at.getTime() - clock.now().getTime(), 5_000, 'first retry after NOTIFY_BACKOFF_MS')
  clock.set(first.retry_at)
  await t.rejects(processNotify(h.services, id))
  t.equal((await row(id)).retry_at.getTime() - clock.now().getTime(), 10_000, 'then twice that')
  clock.set((await row(id)).retry_at)
  t.equal(await processNotify(h.services, id), 'sent')
  t.match(await row(id), { status: 'sent', attempts: 3, retry_at: null })
})

t.test('two jobs for one escalation step send it once; a failed send gives the step back for the retry', async (t) => {
  const id = await aNotification()
  await processNotify(h.services, id)
  clock.set(new Date('2026-11-23T08:31:00Z')) // past Monday's deadline, unacknowledged
  const deskMails = () => h.smtp.messages.filter((m) => m.envelopeTo.includes('encompass.desk@police.example') && m.parsed.headers.get('x-encompass-notification') === id)
  h.smtp.tempFail = 1
  await t.rejects(processEscalation(h.services, id, 'desk'), 'the first try meets a 451')
  const outcomes = await Promise.all([processEscalation(h.services, id, 'desk'), processEscalation(h.services, id, 'desk')])
  // Which job loses depends on timing: it either meets the other's claim or finds the step done.
  // The invariant is that exactly one of them sends.
  t.equal(outcomes.filter((o) => o === 'sent').length, 1, 'the step was free again, and only one job sent it')
  t.ok(outcomes.every((o) => ['sent', 'claimed-elsewhere', 'done-already'].includes(o)), `the other stood aside (${outcomes.join(', ')})`)
  t.equal(deskMails().length, 1, 'the desk has one e-mail')
  const { rows } = await h.services.db.query("SELECT kind FROM notification_events WHERE notification_id = $1 AND kind LIKE 'desk%'", [id])
  t.same(rows.map((r) => r.kind), ['desk'])
  t.equal(await processEscalation(h.services, id, 'desk'), 'done-already')
})
