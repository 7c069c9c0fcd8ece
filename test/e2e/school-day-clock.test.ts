// The school-day clock end to end: calendars loaded by the CLI, deadlines from the API, timed
// escalation to deputies and then the force desk over real SMTP, and the holiday reminder — all
// driven by a controllable clock, so no test waits for real hours.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { runCli } from '../../src/cli.js'
import { ManualClock } from '../../src/domain/clock.js'
import { sweep } from '../../src/queue/sweeper.js'
import { aSchool, anIncident, createHarness, eventually } from '../helpers/harness.js'

const data = (p: string) => new URL(`../../data/${p}`, import.meta.url).pathname
const clock = new ManualClock(new Date('2026-11-20T22:20:00Z'))
const h = await createHarness({ clock, workers: true, env: { SWEEP_INTERVAL_MS: '3600000' } })
t.teardown(() => h.close())
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
const out: string[] = []
await runCli(['schools', 'import', data('demo-schools.csv')], h.services.db, (l) => out.push(l))
await runCli(['calendar', 'bank-holidays', data('bank-holidays.json')], h.services.db, (l) => out.push(l))
await runCli(['calendar', 'terms', '--la', '373', data('term-dates/sheffield-term-dates.json')], h.services.db, (l) => out.push(l))
const SHEFFIELD = '107140' // King Edward VII School, Sheffield (LA 373), from the demo extract

await h.app.inject({
  method: 'PUT', url: '/v1/forces/cleveland', headers: json(admin),
  payload: { name: 'Cleveland Police', copyDeputies: false, deskEmail: 'encompass.desk@police.example', escalationLeadMinutes: 60 },
})
await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool() })
await h.app.inject({
  method: 'PUT', url: `/v1/schools/${SHEFFIELD}`, headers: json(admin),
  payload: aSchool({ name: 'King Edward VII School', laCode: '373' }),
})

const notificationOf = async (incidentId: string) => {
  const res = await h.app.inject({ method: 'GET', url: `/v1/incidents/${incidentId}`, headers: json(police) })
  return res.json().children[0].notification
}
const mailsTo = (address: string) => h.smtp.messages.filter((m) => m.envelopeTo.includes(address))
const settle = () => new Promise((r) => setTimeout(r, 300))

t.test('the CLI loaded the calendars', async (t) => {
  t.match(out.join('\n'), /imported \d+ establishments/)
  t.match(out.join('\n'), /loaded \d+ England and Wales bank holidays/)
  t.match(out.join('\n'), /closure days for LA 373/)
})

t.test('unacknowledged: deputies at dueBy − 60 min, then the force desk at dueBy', async (t) => {
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident() })
  t.equal(res.statusCode, 202)
  const sent = await eventually(async () => {
    const n = await notificationOf(res.json().id)
    return n?.status === 'sent' ? n : null
  })
  t.equal(sent.dueBy, '2026-11-23T08:30:00.000Z')
  t.equal(sent.sentAt, '2026-11-20T22:20:00.000Z', 'sent at once, by the controllable clock')
  t.equal(mailsTo('sam.deputy@example.org').length, 0, 'deputies not copied: this force does not copy them')

  clock.set(new Date('2026-11-23T07:29:00Z'))
  await sweep(h.services)
  await settle()
  t.equal(mailsTo('sam.deputy@example.org').length, 0, 'one minute before the lead time: nothing yet')

  clock.set(new Date('2026-11-23T07:30:00Z'))
  await sweep(h.services)
  await h.smtp.waitFor(2)
  const deputyMail = await eventually(async () => mailsTo('sam.deputy@example.org')[0])
  t.match(deputyMail.parsed.subject, /not yet acknowledged/)
  const escalated = await eventually(async () => {
    const n = await notificationOf(res.json().id)
    return n.status === 'escalated' ? n : null
  })
  t.equal(escalated.status, 'escalated')

  clock.set(new Date('2026-11-23T08:30:00Z'))
  await sweep(h.services)
  const deskMail = await eventually(async () => mailsTo('encompass.desk@police.example')[0])
  t.match(deskMail.parsed.subject, /UNACKNOWLEDGED/)
  t.match(deskMail.parsed.text, /telephone/)

  // The desk's e-mail is accepted a moment before its step is recorded: wait for the record.
  const rows = await eventually(async () => {
    const { rows } = await h.services.db.query(
      `SELECT kind, at, recipients, detail FROM notification_events WHERE notification_id = $1 ORDER BY at, id`, [sent.id])
    return rows.some((r) => r.kind === 'desk') ? rows : null
  })
  t.same(rows.map((r: { kind: string }) => r.kind), ['scheduled', 'sent', 'deputies', 'desk'])
  t.same(rows.map((r) => r.at.toISOString()), [
    '2026-11-20T22:20:00.000Z', '2026-11-20T22:20:00.000Z', '2026-11-23T07:30:00.000Z', '2026-11-23T08:30:00.000Z',
  ], 'each step recorded with its time')
  t.match(rows[2].detail, /not acknowledged 60 minutes before/)
  t.match(rows[3].detail, /not acknowledged by the start of the school day/)

  await sweep(h.services)
  await settle()
  t.equal(mailsTo('encompass.desk@police.example').length, 1, 'a second sweep alerts nobody twice')
})

t.test('acknowledged in time: no escalation at all', async (t) => {
  clock.set(new Date('2026-11-24T19:00:00Z'))
  const dsl = await h.token('dsl', '111234')
  const res = await h.app.inject({
    method: 'POST', url: '/v1/incidents', headers: json(police),
    payload: anIncident({ policeAwareAt: '2026-11-24T18:40:00Z', occurredAt: undefined }),
  })
  const n = await eventually(async () => {
    const x = await notificationOf(res.json().id)
    return x?.status === 'sent' ? x : null
  })
  t.equal(n.dueBy, '2026-11-25T08:30:00.000Z')
  const deputiesBefore = mailsTo('sam.deputy@example.org').length
  clock.set(new Date('2026-11-25T06:55:00Z'))
  const ack = await h.app.inject({ method: 'POST', url: `/v1/notifications/${n.id}/acknowledge`, headers: json(dsl) })
  t.equal(ack.statusCode, 200)
  t.same(ack.json(), { acknowledgedAt: '2026-11-25T06:55:00.000Z' })
  const again = await h.app.inject({ method: 'POST', url: `/v1/notifications/${n.id}/acknowledge`, headers: json(dsl) })
  t.same(again.json(), { acknowledgedAt: '2026-11-25T06:55:00.000Z' }, 'repeating it changes nothing')
  clock.set(new Date('2026-11-25T09:00:00Z'))
  await sweep(h.services)
  await settle()
  t.equal(mailsTo('sam.deputy@example.org').length, deputiesBefore, 'no deputies e-mail')
  const after = await notificationOf(res.json().id)
  t.equal(after.status, 'acknowledged')
})

t.test('a late report to a force that copies deputies: one e-mail each, no second one to the deputies seconds later', async (t) => {
  await h.services.db.query("UPDATE forces SET copy_deputies = true WHERE code = 'cleveland'")
  t.teardown(() => h.services.db.query("UPDATE forces SET copy_deputies = false WHERE code = 'cleveland'"))
  clock.set(new Date('2026-11-30T08:05:00Z')) // Monday, 25 minutes before the start
  const deputyBefore = mailsTo('sam.deputy@example.org').length
  const res = await h.app.inject({
    method: 'POST', url: '/v1/incidents', headers: json(police),
    payload: anIncident({ policeAwareAt: '2026-11-30T07:50:00Z', occurredAt: undefined }),
  })
  const n = await eventually(async () => {
    const x = await notificationOf(res.json().id)
    return x?.status === 'sent' ? x : null
  })
  t.equal(n.dueBy, '2026-11-30T08:30:00.000Z', 'due this morning')
  // The deputies step came due at once; it waits for the first e-mail, and the sweeper brings it back.
  const events = await eventually(async () => {
    await sweep(h.services)
    const { rows } = await h.services.db.query('SELECT kind, detail FROM notification_events WHERE notification_id = $1 ORDER BY id', [n.id])
    return rows.some((r) => r.kind.startsWith('deputies')) ? rows : null
  })
  t.match(events.find((r: { kind: string }) => r.kind.startsWith('deputies')), { kind: 'deputies-skipped', detail: /copied on the first e-mail/ })
  await settle()
  t.equal(mailsTo('sam.deputy@example.org').length, deputyBefore + 1, 'the deputy had the first e-mail, and only that')
})

t.test('a dsl of another school cannot see or acknowledge it (404)', async (t) => {
  clock.set(new Date('2026-11-26T19:00:00Z'))
  const res = await h.app.inject({
    method: 'POST', url: '/v1/incidents', headers: json(police),
    payload: anIncident({ policeAwareAt: '2026-11-26T18:00:00Z', occurredAt: undefined }),
  })
  const n = await eventually(async () => notificationOf(res.json().id))
  const otherDsl = await h.token('dsl', SHEFFIELD)
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/notifications/${n.id}`, headers: json(otherDsl) })).statusCode, 404)
  t.equal((await h.app.inject({ method: 'POST', url: `/v1/notifications/${n.id}/acknowledge`, headers: json(otherDsl) })).statusCode, 404)
  const list = await h.app.inject({ method: 'GET', url: '/v1/notifications', headers: json(otherDsl) })
  t.notOk(list.json().items.some((i: { id: string }) => i.id === n.id), 'nor list it')
  const ownDsl = await h.token('dsl', '111234')
  const own = await h.app.inject({ method: 'GET', url: `/v1/notifications/${n.id}`, headers: json(ownDsl) })
  t.equal(own.statusCode, 200)
  t.equal(own.json().child.givenName, 'Amy', 'the own school’s Key Adult sees the child behind sign-in')
})

t.test('in the Christmas holiday: sent at once, and a reminder before the first pupil day back', async (t) => {
  clock.set(new Date('2026-12-20T21:00:00Z'))
  const res = await h.app.inject({
    method: 'POST', url: '/v1/incidents', headers: json(police),
    payload: anIncident({ policeAwareAt: '2026-12-20T20:30:00Z', occurredAt: undefined }, { school: { urn: SHEFFIELD } }),
  })
  const n = await eventually(async () => {
    const x = await notificationOf(res.json().id)
    return x?.status === 'sent' ? x : null
  })
  t.equal(n.dueBy, '2027-01-04T08:30:00.000Z', 'Sheffield returns on Monday 4 January 2027')
  t.equal(n.schoolDay, '2027-01-04')
  t.equal(n.sentAt, '2026-12-20T21:00:00.000Z', 'sent as soon as ready, in the holiday')
  const { rows } = await h.services.db.query('SELECT reminder_due_at FROM notifications WHERE id = $1', [n.id])
  t.equal(rows[0].reminder_due_at.toISOString(), '2027-01-04T07:00:00.000Z', '90 minutes before the start')
  const before = h.smtp.messages.length
  clock.set(new Date('2027-01-04T07:00:00Z'))
  await sweep(h.services)
  const reminder = await eventually(async () => h.smtp.messages.slice(before).find((m) => /reminder/i.test(m.parsed.subject ?? '')))
  t.same(reminder.envelopeTo.sort(), ['jo.bloggs@example.org', 'sam.deputy@example.org'])
  // The SMTP server has the e-mail a moment before the worker records that it went.
  const sentAt = await eventually(async () => (await h.services.db.query('SELECT reminder_sent_at FROM notifications WHERE id = $1', [n.id])).rows[0].reminder_sent_at as Date | null)
  t.equal(sentAt.toISOString(), '2027-01-04T07:00:00.000Z', 'both times recorded')
})

t.test('a delivery window holds a 02:00 send until it opens, never past the escalation point', async (t) => {
  await h.app.inject({
    method: 'PUT', url: '/v1/forces/durham', headers: json(admin),
    payload: { deliveryNotBefore: '06:00', deliveryNotAfter: '22:00', deskEmail: 'desk@durham.example' },
  })
  const durham = await h.token('police', 'durham')
  clock.set(new Date('2026-11-27T02:00:00Z'))
  const res = await h.app.inject({
    method: 'POST', url: '/v1/incidents', headers: json(durham),
    payload: anIncident({ policeAwareAt: '2026-11-27T01:50:00Z', occurredAt: undefined }),
  })
  t.equal(res.statusCode, 202)
  const n = await eventually(async () => {
    const r = await h.app.inject({ method: 'GET', url: `/v1/incidents/${res.json().id}`, headers: json(durham) })
    return r.json().children[0].notification
  })
  t.equal(n.status, 'scheduled')
  t.equal(n.dueBy, '2026-11-27T08:30:00.000Z', 'a report at 01:50 on a school day is due that morning')
  const { rows } = await h.services.db.query('SELECT send_after FROM notifications WHERE id = $1', [n.id])
  t.equal(rows[0].send_after.toISOString(), '2026-11-27T06:00:00.000Z')
  clock.set(new Date('2026-11-27T06:00:00Z'))
  await sweep(h.services)
  await eventually(async () => {
    const r = await h.app.inject({ method: 'GET', url: `/v1/incidents/${res.json().id}`, headers: json(durham) })
    return r.json().children[0].notification.status === 'sent'
  })
})

// An oracle written apart from the code under test: Sheffield's own list of school days, and the
// UK rule for summer time (last Sunday of March to last Sunday of October, changing at 01:00 UTC).
const sheffield = JSON.parse(readFileSync(data('term-dates/sheffield-term-dates.json'), 'utf8')) as { all_schooldays: string[] }
const lastSunday = (year: number, month: number) => {
  const d = new Date(Date.UTC(year, month + 1, 0))
  d.setUTCDate(d.getUTCDate() - d.getUTCDay())
  return d
}
const isBst = (instant: Date) => {
  const y = instant.getUTCFullYear()
  const start = lastSunday(y, 2).getTime() + 3_600_000
  const end = lastSunday(y, 9).getTime() + 3_600_000
  return instant.getTime() >= start && instant.getTime() < end
}
const londonDate = (instant: Date) => new Date(instant.getTime() + (isBst(instant) ? 3_600_000 : 0)).toISOString().slice(0, 10)
const startOf = (date: string) => {
  const guess = new Date(`${date}T08:30:00Z`)
  return isBst(new Date(guess.getTime() - 3_600_000)) ? new Date(guess.getTime() - 3_600_000) : guess
}
function oracle(aware: Date): string {
  // INSET days are not in the LA file, so every listed day counts as a pupil day here and in the service.
  for (const day of sheffield.all_schooldays) {
    if (day < londonDate(aware)) continue
    const start = startOf(day)
    if (aware.getTime() < start.getTime()) return start.toISOString()
  }
  throw new Error('beyond the data')
}

t.test('the deadline endpoint agrees with Sheffield’s own school-day list for 400 moments in 2025–2028', async (t) => {
  // A seeded generator so a failure is reproducible.
  let seed = 20261122
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  const from = Date.parse('2025-09-01T00:00:00Z')
  const to = Date.parse('2028-07-20T00:00:00Z')
  const moments = Array.from({ length: 400 }, () => new Date(from + Math.floor(next() * (to - from) / 60_000) * 60_000))
  // Plus the edges: exactly at the start, one minute before, and both 2026 and 2027 clock changes.
  moments.push(new Date('2026-03-30T07:30:00Z'), new Date('2026-03-30T07:29:00Z'), new Date('2026-10-26T08:30:00Z'),
    new Date('2026-10-26T08:29:00Z'), new Date('2027-03-28T00:59:00Z'), new Date('2027-10-31T01:30:00Z'))
  let agree = 0
  for (const m of moments) {
    const res = await h.app.inject({
      method: 'GET', url: `/v1/schools/${SHEFFIELD}/deadline?policeAwareAt=${encodeURIComponent(m.toISOString())}`, headers: json(police),
    })
    const body = res.json()
    if (res.statusCode === 200 && body.dueBy === oracle(m)) agree += 1
    else t.fail(`${m.toISOString()}: service ${body.dueBy}, oracle ${oracle(m)}`)
  }
  t.equal(agree, moments.length, 'every moment agrees')
  const one = await h.app.inject({
    method: 'GET', url: `/v1/schools/${SHEFFIELD}/deadline?policeAwareAt=2026-11-20T22:14:00Z`, headers: json(police),
  })
  t.same(one.json(), { urn: SHEFFIELD, policeAwareAt: '2026-11-20T22:14:00.000Z', dueBy: '2026-11-23T08:30:00.000Z', schoolDay: '2026-11-23' })
})

t.test('a school’s own INSET day and start time move its deadline', async (t) => {
  const put = await h.app.inject({
    method: 'PUT', url: `/v1/schools/${SHEFFIELD}/calendar/2026-11-23`, headers: json(admin),
    payload: { open: false, label: 'INSET day' },
  })
  t.equal(put.statusCode, 204)
  await h.app.inject({
    method: 'PUT', url: `/v1/schools/${SHEFFIELD}`, headers: json(admin),
    payload: aSchool({ name: 'King Edward VII School', dayStartsAt: '08:45' }),
  })
  const res = await h.app.inject({
    method: 'GET', url: `/v1/schools/${SHEFFIELD}/deadline?policeAwareAt=2026-11-20T22:14:00Z`, headers: json(police),
  })
  t.same(res.json(), { urn: SHEFFIELD, policeAwareAt: '2026-11-20T22:14:00.000Z', dueBy: '2026-11-24T08:45:00.000Z', schoolDay: '2026-11-24' })
  const unknown = await h.app.inject({ method: 'GET', url: '/v1/schools/999998/deadline?policeAwareAt=2026-11-20T22:14:00Z', headers: json(police) })
  t.equal(unknown.statusCode, 404)
  const bad = await h.app.inject({ method: 'GET', url: `/v1/schools/${SHEFFIELD}/deadline?policeAwareAt=tuesday`, headers: json(police) })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().errors[0].path, '/query/policeAwareAt')
})
