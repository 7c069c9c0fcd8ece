// Mail scanners (Defender Safe Links, Mimecast, Proofpoint, Google) open every link in an e-mail
// before a person reads it. Here one notification goes through all four of its e-mails over real
// SMTP (the Key Adult's, the holiday reminder, the deputies', the force desk's); as each arrives,
// every link in its text and HTML is fetched as a scanner would (GET and HEAD over real HTTP, no
// cookies, following redirects). Nothing may change: the notification stays unacknowledged, and
// the deputies and the desk are still e-mailed exactly on time.
import t from 'tap'
import { runCli } from '../../src/cli.js'
import { ManualClock } from '../../src/domain/clock.js'
import { sweep } from '../../src/queue/sweeper.js'
import { aSchool, anIncident, createHarness, eventually, type CapturedMail } from '../helpers/harness.js'

const data = (p: string) => new URL(`../../data/${p}`, import.meta.url).pathname
const clock = new ManualClock(new Date('2026-12-20T21:00:00Z')) // a Sunday in Sheffield's Christmas holiday
const h = await createHarness({ clock, workers: true, env: { SWEEP_INTERVAL_MS: '3600000' } })
t.teardown(() => h.close())
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
const quiet = () => {}
await runCli(['schools', 'import', data('demo-schools.csv')], h.services.db, quiet)
await runCli(['calendar', 'bank-holidays', data('bank-holidays.json')], h.services.db, quiet)
await runCli(['calendar', 'terms', '--la', '373', data('term-dates/sheffield-term-dates.json')], h.services.db, quiet)
const SHEFFIELD = '107140'
const DESK = 'encompass.desk@police.example'
await h.app.inject({
  method: 'PUT', url: '/v1/forces/cleveland', headers: json(admin),
  payload: { name: 'Cleveland Police', copyDeputies: false, deskEmail: DESK, escalationLeadMinutes: 60 },
})
await h.app.inject({ method: 'PUT', url: `/v1/schools/${SHEFFIELD}`, headers: json(admin), payload: aSchool({ name: 'King Edward VII School', laCode: '373' }) })
const address = await h.app.listen({ port: 0, host: '127.0.0.1' })
const BASE = h.services.config.PUBLIC_BASE_URL

/** Every URL in an e-mail: in its plain text, and in its HTML's href attributes and text. */
function linksIn(mail: CapturedMail): string[] {
  const found = new Set<string>()
  const html = (typeof mail.parsed.html === 'string' ? mail.parsed.html : '').replace(/&amp;/g, '&')
  for (const m of `${mail.parsed.text ?? ''}\n${html}`.matchAll(/https?:\/\/[^\s"'<>]+/g)) found.add(m[0].replace(/[).,;]+$/, ''))
  for (const m of html.matchAll(/href\s*=\s*["']([^"']+)["']/gi)) found.add(m[1]!)
  return [...found]
}

const fetched: { kind: string; url: string; method: string; status: number }[] = []
/** Opens every link of an e-mail as a scanner does. */
async function scan(mail: CapturedMail): Promise<void> {
  const kind = String(mail.parsed.headers.get('x-encompass-kind'))
  const links = linksIn(mail)
  t.ok(links.length > 0, `the ${kind} e-mail has links to scan`)
  for (const url of links) {
    t.ok(url.startsWith(`${BASE}/`), `${kind}: every link leads to the service (${url.slice(0, 40)}…)`)
    const local = address + url.slice(BASE.length)
    for (const method of ['GET', 'HEAD']) {
      const res = await fetch(local, { method, redirect: 'follow', headers: { accept: 'text/html,*/*', 'user-agent': 'LinkScanner/1.0' } })
      await res.arrayBuffer()
      fetched.push({ kind, url, method, status: res.status })
      t.ok(res.status < 500, `${kind} ${method} answers ${res.status}, never a 5xx`)
    }
  }
}

const mailsOfKind = (kind: string) => h.smtp.messages.filter((m) => m.parsed.headers.get('x-encompass-kind') === kind)
async function arrives(kind: string): Promise<CapturedMail> {
  const mail = await eventually(async () => mailsOfKind(kind)[0])
  await scan(mail)
  return mail
}
const settle = () => new Promise((r) => setTimeout(r, 300))
const state = async (id: string) =>
  (await h.services.db.query('SELECT status, acknowledged_at, acknowledged_by, deputies_notified_at, desk_alerted_at FROM notifications WHERE id = $1', [id])).rows[0]

t.test('opening every link of every e-mail acknowledges nothing, and escalation still happens on time', async (t) => {
  const res = await h.app.inject({
    method: 'POST', url: '/v1/incidents', headers: json(police),
    payload: anIncident({ policeAwareAt: '2026-12-20T20:30:00Z', occurredAt: undefined }, { school: { urn: SHEFFIELD } }),
  })
  t.equal(res.statusCode, 202)
  const first = await arrives('notification')
  const id = String(first.parsed.headers.get('x-encompass-notification'))
  t.match(first.parsed.text, /Open this page to acknowledge: http:\/\/encompass\.test\/ack\//, 'the e-mail asks the reader to open a page')
  t.match(first.parsed.text, new RegExp(`Read the full details \\(you will need to sign in\\): ${BASE}/notifications/${id}`))
  t.match(await state(id), { status: 'sent', acknowledged_at: null })

  clock.set(new Date('2027-01-04T07:00:00Z')) // 90 minutes before the first pupil day back
  await sweep(h.services)
  await arrives('reminder')
  t.match(await state(id), { acknowledged_at: null })

  clock.set(new Date('2027-01-04T07:29:00Z'))
  await sweep(h.services)
  await settle()
  t.equal(mailsOfKind('deputies').length, 0, 'a minute before the escalation point: no deputies e-mail yet')
  clock.set(new Date('2027-01-04T07:30:00Z'))
  await sweep(h.services)
  const deputies = await arrives('deputies')
  t.same(deputies.envelopeTo, ['sam.deputy@example.org'])

  clock.set(new Date('2027-01-04T08:29:00Z'))
  await sweep(h.services)
  await settle()
  t.equal(mailsOfKind('desk').length, 0, 'a minute before the deadline: the desk is not alerted yet')
  clock.set(new Date('2027-01-04T08:30:00Z'))
  await sweep(h.services)
  const desk = await arrives('desk')
  t.same(desk.envelopeTo, [DESK])

  const final = await eventually(async () => {
    const s = await state(id)
    return s.desk_alerted_at ? s : null
  })
  t.equal(final.acknowledged_at, null, 'still unacknowledged after every link was opened')
  t.equal(final.acknowledged_by, null)
  t.equal(final.status, 'escalated')
  t.equal(final.deputies_notified_at.toISOString(), '2027-01-04T07:30:00.000Z', 'deputies e-mailed at dueBy − 60 min')
  t.equal(final.desk_alerted_at.toISOString(), '2027-01-04T08:30:00.000Z', 'the desk alerted at dueBy')
  const events = await h.services.db.query('SELECT kind FROM notification_events WHERE notification_id = $1 ORDER BY at, id', [id])
  t.same(events.rows.map((r) => r.kind), ['scheduled', 'sent', 'reminder', 'deputies', 'desk'], 'no acknowledgement among the steps')
  const audited = await h.services.db.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'notification.acknowledged'")
  t.equal(audited.rows[0].n, 0, 'and none in the audit trail')

  const kinds = new Set(fetched.map((f) => f.kind))
  t.same([...kinds].sort(), ['deputies', 'desk', 'notification', 'reminder'], 'links of all four kinds of e-mail were opened')
  t.ok(fetched.some((f) => f.url.includes('/ack/') && f.method === 'GET' && f.status === 200), 'the acknowledgement page itself was opened')
  t.ok(fetched.some((f) => f.url.includes('/ack/') && f.method === 'HEAD'), 'and asked for with HEAD')
  t.ok(fetched.some((f) => /\/notifications\/[0-9a-f-]{36}$/.test(f.url) && f.status === 200), 'the details page answers without signing in, and changes nothing')
})
