// A send claim is a lease. A worker whose e-mail is merely slow (the SMTP server takes its time, or
// the send waits its turn in the pool on a loaded machine) renews it, so no other worker takes it
// over as stale and sends the same e-mail again. The scale-out run caught this: on a busy machine
// sends waited longer than the claim timeout and 56 of 300 e-mails went out twice.
import t from 'tap'
import { ManualClock } from '../../src/domain/clock.js'
import { processMatch } from '../../src/queue/match-worker.js'
import { processNotify } from '../../src/queue/notify-worker.js'
import { aSchool, anIncident, createHarness, eventually } from '../helpers/harness.js'

const FRIDAY_NIGHT = new Date('2026-11-20T22:20:00Z')
const SATURDAY_MORNING = new Date('2026-11-21T06:01:00Z')
const clock = new ManualClock(FRIDAY_NIGHT)
// A short timeout, so the worker renews several times a second.
const h = await createHarness({ clock, workers: false, env: { CLAIM_TIMEOUT_MS: '600' } })
t.teardown(() => h.close())
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool() })
// The delivery window holds Friday night's send until Saturday 06:00, so the test claims it itself.
await h.app.inject({
  method: 'PUT', url: '/v1/forces/cleveland', headers: json(admin),
  payload: { name: 'Cleveland Police', deskEmail: 'encompass.desk@police.example', deliveryNotBefore: '06:00', deliveryNotAfter: '21:00' },
})

t.test('a send slower than the claim timeout keeps its claim: exactly one e-mail', async (t) => {
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident() })
  const childId = res.json().children[0].id
  await processMatch(h.services, childId)
  const { rows } = await h.services.db.query('SELECT id FROM notifications WHERE child_id = $1 AND sent_at IS NULL', [childId])
  const id: string = rows[0].id
  clock.set(SATURDAY_MORNING)

  let answer!: () => void
  h.smtp.hold = new Promise<void>((resolve) => (answer = resolve))
  const slow = processNotify(h.services, id)
  await eventually(async () => (await h.services.db.query("SELECT 1 FROM notifications WHERE id = $1 AND status = 'sending'", [id])).rowCount)

  // Ten minutes pass on the service's clock while the server sits on the message. A dead worker's
  // claim would now be stale; a living one's has been renewed.
  clock.advance(10 * 60_000)
  const renewedAt = clock.now().getTime()
  await eventually(async () => {
    const r = await h.services.db.query<{ claimed_at: Date }>('SELECT claimed_at FROM notifications WHERE id = $1', [id])
    return r.rows[0]!.claimed_at.getTime() === renewedAt
  })
  t.equal(await processNotify(h.services, id), 'skipped', 'a second worker finds the claim live and leaves it')

  answer()
  t.equal(await slow, 'sent')
  h.smtp.hold = null
  const row = (await h.services.db.query('SELECT status, attempts FROM notifications WHERE id = $1', [id])).rows[0]
  t.match(row, { status: 'sent', attempts: 1 }, 'claimed once, sent once')
  t.equal(h.smtp.messages.filter((m) => m.parsed.headers.get('x-encompass-notification') === id).length, 1, 'one e-mail')
})
