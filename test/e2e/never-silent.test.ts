// Never suspend silently: a force whose feed goes quiet beyond its quiet period, whose
// notifications pass their deadline unsent, or whose children wait in the review queue, raises
// one alert per episode — log, metric and an e-mail to the force desk — and clears when the
// condition ends.
import t from 'tap'
import { ManualClock } from '../../src/domain/clock.js'
import { checkFeeds, HELD_ALERT_MINUTES } from '../../src/queue/monitor.js'
import { processMatch } from '../../src/queue/match-worker.js'
import { aSchool, anIncident, createHarness, eventually } from '../helpers/harness.js'

const clock = new ManualClock(new Date('2026-11-20T22:20:00Z'))
const h = await createHarness({ clock, workers: false })
t.teardown(() => h.close())
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool() })
await h.app.inject({
  method: 'PUT', url: '/v1/forces/cleveland', headers: json(admin),
  payload: { deskEmail: 'desk@cleveland.example', quietPeriodMinutes: 240 },
})
const deskMails = () => h.smtp.messages.filter((m) => m.envelopeTo.includes('desk@cleveland.example'))

t.test('a feed that goes quiet for longer than its quiet period raises one alert, then clears', async (t) => {
  t.same((await checkFeeds(h.services)).raised, [], 'a force that never sent anything is not live yet: no alert')
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident() })
  t.equal(res.statusCode, 202)
  clock.set(new Date('2026-11-21T02:20:00Z')) // exactly 240 minutes
  t.same((await checkFeeds(h.services)).raised, [], 'at the quiet period: not yet')
  clock.set(new Date('2026-11-21T02:21:00Z'))
  const r = await checkFeeds(h.services)
  t.same(r.raised, [{ force: 'cleveland', kind: 'feed-quiet' }])
  await h.smtp.waitFor(1)
  t.match(deskMails()[0]!.parsed.subject, /incident feed has gone quiet/)
  t.match(h.logs.text, /ALERT: Operation Encompass feed needs attention/)
  const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body
  t.match(metrics, /encompass_alerts_total\{kind="feed-quiet"\} 1/)
  t.match(metrics, /encompass_force_feed_quiet_seconds\{force="cleveland"\} 14460/)
  clock.advance(60_000)
  t.same((await checkFeeds(h.services)).raised, [], 'the same episode alerts once')
  t.equal(deskMails().length, 1)
  await h.app.inject({
    method: 'POST', url: '/v1/incidents', headers: json(police),
    payload: anIncident({ policeAwareAt: '2026-11-21T02:00:00Z', occurredAt: undefined }),
  })
  t.same((await checkFeeds(h.services)).cleared, [{ force: 'cleveland', kind: 'feed-quiet' }], 'a new incident clears it')
})

t.test('notifications past their deadline and unsent raise a delivery alert', async (t) => {
  // Matched, but the mail server turns every send away (delivery has stopped).
  h.smtp.tempFail = 1_000
  const { rows } = await h.services.db.query(`SELECT id FROM children WHERE match_status = 'pending'`)
  for (const r of rows) await processMatch(h.services, r.id)
  h.smtp.tempFail = 0
  clock.set(new Date('2026-11-23T08:31:00Z')) // past Monday's 08:30 deadline
  const r = await checkFeeds(h.services)
  t.ok(r.raised.some((a) => a.kind === 'delivery-overdue'))
  const mail = await h.smtp.waitFor(2).then(() => deskMails().find((m) => /overdue/.test(m.parsed.subject ?? '')))
  t.match(mail!.parsed.text, /past their deadline and not sent/)
  const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body
  t.match(metrics, /encompass_notifications_overdue_unsent\{force="cleveland"\} [1-9]/)
  await h.services.db.query(`UPDATE notifications SET sent_at = $1, status = 'sent'`, [clock.now()])
  t.ok((await checkFeeds(h.services)).cleared.some((a) => a.kind === 'delivery-overdue'), 'cleared once sent')
})

t.test('children waiting in the review queue for longer than the alert period tell the desk, once, until the queue is empty', async (t) => {
  const res = await h.app.inject({
    method: 'POST', url: '/v1/incidents', headers: json(police),
    payload: anIncident({ policeAwareAt: '2026-11-23T08:00:00Z', occurredAt: undefined }, { school: { urn: '999999' } }),
  })
  const childId = res.json().children[0].id
  await processMatch(h.services, childId) // unknown URN: held for review
  t.notOk((await checkFeeds(h.services)).raised.some((a) => a.kind === 'children-held'), 'just held: the officer has a moment')
  clock.advance((HELD_ALERT_MINUTES + 1) * 60_000)
  const r = await checkFeeds(h.services)
  t.ok(r.raised.some((a) => a.kind === 'children-held'))
  const mail = await eventually(async () => deskMails().find((m) => /review queue/.test(m.parsed.subject ?? '')))
  t.match(mail.parsed.text, /1 child\(ren\) waiting in the review queue/)
  t.notMatch(mail.parsed.text, /Amy|Example|2016-05-04/, 'no child is named in the alert')
  const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body
  t.match(metrics, /encompass_children_held\{force="cleveland"\} 1/)
  clock.advance(60_000)
  t.notOk((await checkFeeds(h.services)).raised.some((a) => a.kind === 'children-held'), 'one alert per episode')
  const assigned = await h.app.inject({
    method: 'PUT', url: `/v1/incidents/${res.json().id}/children/${childId}/school`, headers: json(police), payload: { urn: '111234' },
  })
  t.equal(assigned.statusCode, 200)
  t.ok((await checkFeeds(h.services)).cleared.some((a) => a.kind === 'children-held'), 'cleared once the queue is empty')
})
