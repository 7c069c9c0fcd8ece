// The spine, end to end over real Postgres, Redis and SMTP: an incident goes in, the Key Adult's
// e-mail comes out with the police reference and a working acknowledgement link, and the
// incident's read-back shows the notification sent.
import t from 'tap'
import { Queues, redisConnection } from '../../src/queue/queues.js'
import { sweep } from '../../src/queue/sweeper.js'
import { aSchool, anIncident, createHarness, eventually } from '../helpers/harness.js'

const h = await createHarness({ workers: true })
t.teardown(() => h.close())
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })

const put = await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool() })
t.equal(put.statusCode, 201, 'an administrator creates a school with its Key Adults')

async function getIncident(id: string, token = police) {
  return (await h.app.inject({ method: 'GET', url: `/v1/incidents/${id}`, headers: json(token) })).json()
}

t.test('an incident reaches the Key Adult by e-mail and reads back as sent', async (t) => {
  const before = h.smtp.messages.length
  const body = anIncident()
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: body })
  t.equal(res.statusCode, 202)
  const accepted = res.json()
  t.match(accepted, { id: String, reference: body.reference, status: 'accepted', children: [{ id: String }] })
  t.equal(res.headers.location, `/v1/incidents/${accepted.id}`)

  const [mail] = (await h.smtp.waitFor(before + 1)).slice(before)
  t.same(mail!.envelopeTo.sort(), ['jo.bloggs@example.org', 'sam.deputy@example.org'], 'DSL, with the deputy copied (force default)')
  t.match(mail!.parsed.subject, body.reference, 'the subject carries the police reference')
  t.match(mail!.parsed.text, body.reference, 'the body carries the police reference')
  t.notMatch(mail!.parsed.text, /Verbal argument/, 'the circumstances never travel by e-mail')
  t.notMatch(mail!.parsed.text, /2016-05-04|04\/05\/2016/, 'nor the date of birth')
  const ackLink = /http:\/\/encompass\.test(\/ack\/[^\s]+)/.exec(mail!.parsed.text ?? '')
  t.ok(ackLink, 'the e-mail carries the acknowledgement page’s link')

  const view = await eventually(async () => {
    const v = await getIncident(accepted.id)
    return v.children[0].notification?.status === 'sent' ? v : null
  })
  const child = view.children[0]
  t.match(child.match, { status: 'matched', urn: '111234', method: 'urn' })
  t.equal(child.notification.dueBy, '2026-11-23T08:30:00.000Z', 'Friday night is due at 08:30 on Monday')
  t.ok(Date.parse(child.notification.sentAt) >= Date.parse(view.receivedAt), 'sentAt recorded after receipt')
  t.equal(child.notification.acknowledgedAt, null)
  t.equal(view.policeAwareAt, '2026-11-20T22:14:00.000Z')
  t.equal(mail!.parsed.messageId, `<${child.notification.id}@encompass-notify>`, 'Message-ID is fixed per notification')

  const form = { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://encompass.test' }
  const opened = await h.app.inject({ method: 'GET', url: ackLink![1]! })
  t.equal(opened.statusCode, 200)
  t.match(opened.body, /Acknowledge this notification/, 'the link opens a page with an Acknowledge button')
  t.equal((await getIncident(accepted.id)).children[0].notification.status, 'sent', 'opening it acknowledges nothing')
  const ack1 = await h.app.inject({ method: 'POST', url: ackLink![1]!, headers: form, payload: 'name=Jo+Bloggs' })
  t.equal(ack1.statusCode, 303)
  t.match((await h.app.inject({ method: 'GET', url: ack1.headers.location as string })).body, /Notification acknowledged/)
  const ack2 = await h.app.inject({ method: 'POST', url: ackLink![1]!, headers: form, payload: 'name=Jo+Bloggs' })
  t.equal(ack2.statusCode, 303, 'pressing it twice is harmless')
  t.match((await h.app.inject({ method: 'GET', url: ack2.headers.location as string })).body, /acknowledged at 10:2\dpm on Friday 20 November 2026 by Jo Bloggs/)
  const after = await getIncident(accepted.id)
  t.equal(after.children[0].notification.status, 'acknowledged')
  t.ok(after.children[0].notification.acknowledgedAt)

  const forged = await h.app.inject({ method: 'POST', headers: form, payload: '', url: ackLink![1]!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) })
  t.equal(forged.statusCode, 404, 'a tampered link acknowledges nothing')
})

t.test('the same reference and content again is the same incident: 200, same body, no second e-mail', async (t) => {
  const body = anIncident()
  const first = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: body })
  t.equal(first.statusCode, 202)
  await eventually(async () => (await getIncident(first.json().id)).children[0].notification?.status === 'sent')
  const sentSoFar = h.smtp.messages.length
  // Key order and timestamp offset differ; the content is the same.
  const again = { ...body, policeAwareAt: '2026-11-20T22:14:00+00:00', children: body.children }
  const second = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: JSON.stringify(again) })
  t.equal(second.statusCode, 200)
  t.same(second.json(), first.json())
  await h.workers!.sweepNow()
  await new Promise((r) => setTimeout(r, 1000))
  t.equal(h.smtp.messages.length, sentSoFar, 'no second notification')
  const { rows } = await h.services.db.query('SELECT count(*)::int AS n FROM incidents WHERE reference = $1', [body.reference])
  t.equal(rows[0].n, 1)
})

t.test('the same reference with different content is a 409 naming the existing incident', async (t) => {
  const body = anIncident()
  const first = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: body })
  const changed = { ...body, summary: 'A different account' }
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: changed })
  t.equal(res.statusCode, 409)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(res.json().existingIncidentId, first.json().id)
  t.match(res.json().detail, first.json().id)
})

t.test('another force may use the same reference for its own incident', async (t) => {
  const other = await h.token('police', 'northumbria')
  const body = anIncident()
  t.equal((await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: body })).statusCode, 202)
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(other), payload: body })
  t.equal(res.statusCode, 202)
  const hidden = await h.app.inject({ method: 'GET', url: `/v1/incidents/${res.json().id}`, headers: json(police) })
  t.equal(hidden.statusCode, 404, 'and one force cannot read the other’s incident')
})

t.test('a child whose URN is not in the directory is held as unmatched, never dropped', async (t) => {
  const res = await h.app.inject({
    method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident({}, { school: { urn: '999999' } }),
  })
  const view = await eventually(async () => {
    const v = await getIncident(res.json().id)
    return v.children[0].match.status === 'unmatched' ? v : null
  })
  t.match(view.children[0].match, { status: 'unmatched', urn: '999999', reason: 'unknown-urn' })
  t.equal(view.children[0].notification, null)
})

t.test('a school without a Key Adult holds the child for review', async (t) => {
  await h.app.inject({ method: 'PUT', url: '/v1/schools/222222', headers: json(admin), payload: aSchool({ contacts: [] }) })
  const res = await h.app.inject({
    method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident({}, { school: { urn: '222222' } }),
  })
  const view = await eventually(async () => {
    const v = await getIncident(res.json().id)
    return v.children[0].match.status === 'unmatched' ? v : null
  })
  t.equal(view.children[0].match.reason, 'no-key-adult')
})

t.test('with Redis unreachable at intake the incident is still accepted, and the sweeper sends it later', async (t) => {
  // No workers (and so no background sweeps) while Redis is "down".
  await h.workers!.close()
  h.workers = undefined
  const deadRedis = redisConnection('redis://127.0.0.1:1', 'producer')
  deadRedis.on('error', () => {})
  const realQueues = h.services.queues
  h.services.queues = new Queues(deadRedis, h.prefix)
  const body = anIncident()
  // The answer itself shows the API did not wait on Redis: a request that hung would never answer
  // and the test would time out (no stopwatch here: timings on a busy machine prove nothing).
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: body })
  h.services.queues = realQueues
  deadRedis.disconnect()
  t.equal(res.statusCode, 202, 'accepted: Postgres holds it')
  const { rows } = await h.services.db.query('SELECT match_enqueued_at FROM children WHERE incident_id = $1', [res.json().id])
  t.equal(rows[0].match_enqueued_at, null, 'nothing reached the queue')
  h.startWorkers() // its first sweep runs at once
  const view = await eventually(async () => {
    const v = await getIncident(res.json().id)
    return v.children[0].notification?.status === 'sent' ? v : null
  })
  t.ok(view.children[0].notification.sentAt, 'the sweeper found it in Postgres and it was sent')
})

t.test('a temporary SMTP failure is retried with backoff until the e-mail goes', async (t) => {
  h.smtp.tempFail = 2
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident() })
  const view = await eventually(async () => {
    const v = await getIncident(res.json().id)
    return v.children[0].notification?.status === 'sent' ? v : null
  })
  t.equal(h.smtp.tempFail, 0, 'both temporary failures were met')
  const { rows } = await h.services.db.query('SELECT attempts FROM notifications WHERE id = $1', [view.children[0].notification.id])
  t.equal(rows[0].attempts, 3, 'sent on the third attempt')
})

t.test('a permanent refusal of the DSL address goes to the deputies at once', async (t) => {
  await h.app.inject({
    method: 'PUT', url: '/v1/schools/333333', headers: json(admin),
    payload: aSchool({ contacts: [
      { role: 'dsl', name: 'Gone Away', email: 'gone.away@example.org' },
      { role: 'deputy', name: 'Dee Puty', email: 'dee.puty@example.org' },
    ] }),
  })
  await h.services.db.query("UPDATE forces SET copy_deputies = false WHERE code = 'cleveland'")
  h.smtp.refuse.add('gone.away@example.org')
  t.teardown(() => h.services.db.query("UPDATE forces SET copy_deputies = true WHERE code = 'cleveland'"))
  const res = await h.app.inject({
    method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident({}, { school: { urn: '333333' } }),
  })
  const view = await eventually(async () => {
    const v = await getIncident(res.json().id)
    return ['sent', 'escalated'].includes(v.children[0].notification?.status) ? v : null
  })
  t.equal(view.children[0].notification.status, 'escalated')
  const mail = h.smtp.messages.find((m) => m.envelopeTo.includes('dee.puty@example.org'))
  t.ok(mail, 'the deputy received it')
  const events = await h.services.db.query(
    'SELECT kind FROM notification_events WHERE notification_id = $1 ORDER BY id', [view.children[0].notification.id])
  t.same(events.rows.map((r) => r.kind), ['scheduled', 'dsl-refused', 'deputies', 'sent'])
})

t.test('a worker that dies between SMTP acceptance and our record is retried with the same Message-ID', async (t) => {
  await h.workers!.close()
  h.workers = undefined
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident() })
  const childId = res.json().children[0].id
  const { processMatch } = await import('../../src/queue/match-worker.js')
  const before = h.smtp.messages.length
  await processMatch(h.services, childId) // matched, and sent at once: the SMTP server has it
  const { rows } = await h.services.db.query('SELECT id, message_id FROM notifications WHERE child_id = $1', [childId])
  const id = rows[0].id
  await h.smtp.waitFor(before + 1)
  // ... but the worker died before recording it: what Postgres holds is a claim taken ten minutes
  // ago and never finished.
  await h.services.db.query(
    `UPDATE notifications SET status = 'sending', sent_at = NULL, recipients = '{}', claimed_at = $2::timestamptz - interval '10 minutes'
      WHERE id = $1`,
    [id, h.clock.now()],
  )
  await h.services.db.query("DELETE FROM notification_events WHERE notification_id = $1 AND kind = 'sent'", [id])
  const report = await sweep(h.services)
  t.equal(report.notify, 1, 'the sweeper sees the stale claim')
  h.startWorkers()
  await h.smtp.waitFor(before + 2)
  const copies = h.smtp.messages.slice(before).filter((m) => m.parsed.messageId === rows[0].message_id)
  t.equal(copies.length, 2, 'sent again under the same Message-ID, so the duplicate is recognisable')
  const after = await eventually(async () => {
    const r = await h.services.db.query('SELECT status, sent_at, attempts FROM notifications WHERE id = $1', [id])
    return r.rows[0].status === 'sent' ? r : null
  })
  t.ok(after.rows[0].sent_at)
  t.equal(after.rows[0].attempts, 2)
})
