// Only a person acknowledges. The e-mail's link opens a page (GET and HEAD change nothing); the
// page's button POSTs, from our own origin only, and records the name the person gives; pressing
// twice is harmless; a bad link is a 404 page; a failed notification cannot be acknowledged. The
// API's acknowledgement records the token that made it. The details link's page changes nothing.
import t from 'tap'
import { processMatch } from '../../src/queue/match-worker.js'
import { createToken } from '../../src/store/tokens-store.js'
import { aSchool, anIncident, createHarness } from '../helpers/harness.js'

const h = await createHarness({ workers: false })
t.teardown(() => h.close())
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool() })
const BASE = h.services.config.PUBLIC_BASE_URL
const html = { accept: 'text/html' }
const form = (extra: Record<string, string> = { origin: BASE }) => ({ 'content-type': 'application/x-www-form-urlencoded', ...extra })
const CHILD = ['Zephyrine', 'Quillfeather', '2015-07-19', 'Unique-summary-marker-5521']

/** A sent notification, and the acknowledgement link from its real e-mail. */
async function aNotification(): Promise<{ id: string; ack: string; reference: string }> {
  const body = anIncident(
    { summary: 'Unique-summary-marker-5521: argument overheard' },
    { givenName: 'Zephyrine', familyName: 'Quillfeather', dateOfBirth: '2015-07-19' },
  )
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: body })
  const before = h.smtp.messages.length
  await processMatch(h.services, res.json().children[0].id)
  const mail = (await h.smtp.waitFor(before + 1)).slice(before).find((m) => m.parsed.subject?.includes(body.reference))!
  const ack = new RegExp(`${BASE}(/ack/\\S+)`).exec(mail.parsed.text!)![1]!
  return { id: String(mail.parsed.headers.get('x-encompass-notification')), ack, reference: body.reference }
}

/** Everything an acknowledgement would change, to compare before and after. */
async function snapshot(id: string) {
  const n = await h.services.db.query('SELECT status, acknowledged_at, acknowledged_by FROM notifications WHERE id = $1', [id])
  const e = await h.services.db.query('SELECT count(*)::int AS n FROM notification_events WHERE notification_id = $1', [id])
  const a = await h.services.db.query('SELECT count(*)::int AS n FROM audit_log WHERE subject_id = $1', [id])
  return { ...n.rows[0], events: e.rows[0].n, audit: a.rows[0].n }
}

t.test('opening the link shows the setting, the school day and the reference, with a button, and changes nothing', async (t) => {
  const n = await aNotification()
  const before = await snapshot(n.id)
  const page = await h.app.inject({ method: 'GET', url: n.ack, headers: html })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  t.equal(page.headers['cache-control'], 'no-store')
  t.match(page.body, /<title>Acknowledge this notification – Operation Encompass<\/title>/)
  t.match(page.body, /Example Primary School \(URN 111234\)/)
  t.match(page.body, /Monday 23 November 2026/, 'the school day, written out')
  t.match(page.body, n.reference)
  t.match(page.body, new RegExp(`<form method="post" action="${n.ack}"`), 'a form that posts back to the link')
  t.match(page.body, /<button type="submit"[^>]*>\s*Acknowledge\s*<\/button>/)
  for (const bit of CHILD) t.notOk(page.body.includes(bit), `no child's details on the page (${bit})`)
  const head = await h.app.inject({ method: 'HEAD', url: n.ack })
  t.equal(head.statusCode, 200)
  t.equal(head.body, '')
  t.same(await snapshot(n.id), before, 'GET and HEAD changed nothing')
  t.equal(before.acknowledged_at, null)
})

t.test('the button acknowledges once, recording the name given; pressing it again changes nothing', async (t) => {
  const n = await aNotification()
  const first = await h.app.inject({ method: 'POST', url: n.ack, headers: form(), payload: 'name=++Jo+Bloggs+' })
  t.equal(first.statusCode, 303)
  t.equal(first.headers.location, `${n.ack}?acknowledged=now`)
  const done = await h.app.inject({ method: 'GET', url: first.headers.location as string })
  t.match(done.body, /govuk-panel--confirmation/)
  t.match(done.body, /acknowledged at 10:2\dpm on Friday 20 November 2026 by Jo Bloggs \(e-mail link\)/)
  const after = await snapshot(n.id)
  t.match(after, { status: 'acknowledged', acknowledged_by: 'Jo Bloggs (e-mail link)' })
  const audit = await h.services.db.query("SELECT actor, reason, detail FROM audit_log WHERE action = 'notification.acknowledged' AND subject_id = $1", [n.id])
  t.same(audit.rows, [{ actor: 'e-mail link', reason: 'Key Adult acknowledged', detail: { acknowledgedBy: 'Jo Bloggs (e-mail link)' } }])

  const again = await h.app.inject({ method: 'POST', url: n.ack, headers: form(), payload: 'name=Someone+Else' })
  t.equal(again.statusCode, 303)
  t.equal(again.headers.location, n.ack, 'the second press is told it was already done')
  const page = await h.app.inject({ method: 'GET', url: n.ack })
  t.notMatch(page.body, /govuk-panel--confirmation/)
  t.match(page.body, /Notification acknowledged/)
  t.match(page.body, /by Jo Bloggs \(e-mail link\)/)
  t.notMatch(page.body, /<form method="post"/, 'no button once acknowledged')
  t.same(await snapshot(n.id), after, 'the second press changed nothing')
})

t.test('the name is optional, one line, and at most 100 characters', async (t) => {
  const n = await aNotification()
  const before = await snapshot(n.id)
  for (const [payload, message] of [
    [`name=${encodeURIComponent('Jo\nBloggs')}`, /must not include line breaks/],
    [`name=${encodeURIComponent('Jo\u202eBloggs')}`, /must not include line breaks/],
    [`name=${'x'.repeat(101)}`, /100 characters or fewer/],
  ] as const) {
    const res = await h.app.inject({ method: 'POST', url: n.ack, headers: form(), payload })
    t.equal(res.statusCode, 400)
    t.match(res.body, /<title>Error: Acknowledge this notification/)
    t.match(res.body, /govuk-error-summary/)
    t.match(res.body, /<a href="#name">[^<]*<\/a>/, 'the summary links to the field')
    t.match(res.body, message)
    t.match(res.body, /govuk-error-message/, 'and the message is beside the field')
  }
  t.same(await snapshot(n.id), before, 'nothing was recorded')
  const anonymous = await h.app.inject({ method: 'POST', url: n.ack, headers: form(), payload: 'name=' })
  t.equal(anonymous.statusCode, 303)
  t.match(await snapshot(n.id), { acknowledged_by: 'e-mail link' })
  const n2 = await aNotification()
  const longest = await h.app.inject({ method: 'POST', url: n2.ack, headers: form(), payload: `name=${encodeURIComponent('Ó'.repeat(100))}` })
  t.equal(longest.statusCode, 303, '100 characters (not bytes) is allowed')
})

t.test('the button works only from our own pages', async (t) => {
  const n = await aNotification()
  const before = await snapshot(n.id)
  for (const [headers, label] of [
    [form({ origin: 'https://evil.example' }), 'another origin'],
    [form({ origin: 'null' }), 'an opaque origin'],
    [form({ referer: 'https://evil.example/page' }), 'another site as referrer'],
    [form({}), 'neither Origin nor Referer'],
  ] as const) {
    const res = await h.app.inject({ method: 'POST', url: n.ack, headers: { ...headers, ...html }, payload: 'name=Mallory' })
    t.equal(res.statusCode, 403, `${label}: refused`)
    t.match(res.body, /This form was sent from another website/)
  }
  t.same(await snapshot(n.id), before, 'nothing changed')
  const referred = await h.app.inject({ method: 'POST', url: n.ack, headers: form({ referer: `${BASE}${n.ack}` }), payload: 'name=Jo' })
  t.equal(referred.statusCode, 303, 'no Origin but our own page as Referer: accepted')
  t.match(await snapshot(n.id), { acknowledged_by: 'Jo (e-mail link)' })
})

t.test('a link that is not genuine is a 404 page and acknowledges nothing', async (t) => {
  const n = await aNotification()
  const before = await snapshot(n.id)
  const forged = n.ack.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))
  const other = await aNotification()
  const swapped = `/ack/${n.id}/${other.ack.split('/').pop()}` // another notification's token
  for (const url of [forged, swapped, `/ack/not-a-uuid/${n.ack.split('/').pop()}`, `/ack/${n.id}/x`]) {
    const get = await h.app.inject({ method: 'GET', url, headers: html })
    t.equal(get.statusCode, 404, `GET ${url.slice(0, 30)}…`)
    t.match(get.body, /Link not recognised/)
    const post = await h.app.inject({ method: 'POST', url, headers: form(), payload: 'name=Jo' })
    t.equal(post.statusCode, 404)
  }
  const undecodable = await h.app.inject({ method: 'GET', url: `/ack/${n.id}/%E0%A4%A`, headers: html })
  t.equal(undecodable.statusCode, 400, 'an address that cannot be decoded: 400')
  t.match(undecodable.headers['content-type'], /^application\/problem\+json/)
  t.same(await snapshot(n.id), before)
})

t.test('a notification that could not be delivered cannot be acknowledged: a clear page', async (t) => {
  const n = await aNotification()
  await h.services.db.query("UPDATE notifications SET status = 'failed', failed_at = now() WHERE id = $1", [n.id])
  const page = await h.app.inject({ method: 'GET', url: n.ack })
  t.equal(page.statusCode, 200)
  t.match(page.body, /This notification cannot be acknowledged/)
  t.match(page.body, /police Encompass desk/)
  t.notMatch(page.body, /<form method="post"/)
  const post = await h.app.inject({ method: 'POST', url: n.ack, headers: form(), payload: 'name=Jo' })
  t.equal(post.statusCode, 409)
  t.match(post.body, /This notification cannot be acknowledged/)
  t.match(await snapshot(n.id), { status: 'failed', acknowledged_at: null })
})

t.test('the API acknowledgement records the token that made it', async (t) => {
  const n = await aNotification()
  const token = await createToken(h.services.db, { role: 'dsl', urn: '111234', name: 'Jo Bloggs (safeguarding system)' })
  const res = await h.app.inject({ method: 'POST', url: `/v1/notifications/${n.id}/acknowledge`, headers: json(token.secret) })
  t.equal(res.statusCode, 200)
  const by = `Jo Bloggs (safeguarding system) (API token ${token.id})`
  t.match(await snapshot(n.id), { acknowledged_by: by })
  const audit = await h.services.db.query("SELECT actor FROM audit_log WHERE action = 'notification.acknowledged' AND subject_id = $1", [n.id])
  t.same(audit.rows, [{ actor: `token:${token.id}` }])
  const read = await h.app.inject({ method: 'GET', url: `/v1/notifications/${n.id}`, headers: json(token.secret) })
  t.equal(read.json().acknowledgedBy, by, 'and the record says who')
  const unnamed = await createToken(h.services.db, { role: 'dsl', urn: '111234' })
  const n2 = await aNotification()
  await h.app.inject({ method: 'POST', url: `/v1/notifications/${n2.id}/acknowledge`, headers: json(unnamed.secret) })
  t.match(await snapshot(n2.id), { acknowledged_by: `API token ${unnamed.id}` })
})

t.test('the e-mail’s details link sends a person not signed in to sign in, shows nothing of the child and changes nothing', async (t) => {
  const n = await aNotification()
  const before = await snapshot(n.id)
  for (const method of ['GET', 'HEAD'] as const) {
    const res = await h.app.inject({ method, url: `/notifications/${n.id}`, headers: html })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, `/sign-in?returnTo=%2Fnotifications%2F${n.id}`, 'to sign in, then back to it')
    for (const bit of [...CHILD, n.reference]) t.notOk(res.body.includes(bit), `nothing of the notification (${bit})`)
  }
  const page = await h.app.inject({ method: 'GET', url: `/sign-in?returnTo=%2Fnotifications%2F${n.id}`, headers: html })
  t.equal(page.statusCode, 200)
  t.match(page.body, /Send me a sign-in link/)
  for (const bit of [...CHILD, n.reference]) t.notOk(page.body.includes(bit), `nothing of the notification on the sign-in page (${bit})`)
  const unknown = await h.app.inject({ method: 'GET', url: '/notifications/00000000-0000-4000-8000-000000000000' })
  t.equal(unknown.statusCode, 303, 'an unknown id gets the same answer: nothing is revealed')
  t.same(await snapshot(n.id), before)
})

t.test('a page form refuses bodies it cannot read, without a 5xx', async (t) => {
  const n = await aNotification()
  const multipart = await h.app.inject({
    method: 'POST', url: n.ack, headers: { 'content-type': 'multipart/form-data; boundary=x', origin: BASE }, payload: '--x--',
  })
  t.equal(multipart.statusCode, 415)
  const huge = await h.app.inject({ method: 'POST', url: n.ack, headers: form(), payload: `name=${'x'.repeat(300_000)}` })
  t.equal(huge.statusCode, 413)
  const badEncoding = await h.app.inject({ method: 'POST', url: n.ack, headers: form(), payload: 'name=%E0%A4%A&name=second' })
  t.ok(badEncoding.statusCode < 500, `bad percent-encoding: ${badEncoding.statusCode}`)
})
