// Subject access: everything held about one child, found by name and date of birth, and nothing
// about another child however near their name or date of birth; only administrators; the request
// audited by the ids it returned, never the name; a printable page that passes axe. Erasure of a
// wrongly recorded child removes its personal fields and keeps the timing facts.
import t from 'tap'
import { replaceRoll } from '../../src/store/pupil-roll-store.js'
import { expectNoSeriousAxeViolations, launchBrowser, openPage } from '../helpers/browser.js'
import { aSchool, anIncident, createHarness, eventually } from '../helpers/harness.js'

const h = await createHarness({ workers: true })
t.teardown(() => h.close())
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const dsl = await h.token('dsl', '111234')
const auditor = await h.token('auditor')
const auth = (token: string) => ({ authorization: `Bearer ${token}` })
await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: auth(admin), payload: aSchool() })

const target = { givenName: 'Amy', familyName: 'Example', dateOfBirth: '2016-05-04' }
const child = (over: Record<string, unknown>) => ({ ...target, present: true, school: { urn: '111234' }, ...over })
async function submit(children: object[], summary: string) {
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: auth(police), payload: { ...anIncident({ summary }), children } })
  if (res.statusCode !== 202) throw new Error(res.body)
  const id: string = res.json().id
  return eventually(async () => {
    const v = (await h.app.inject({ method: 'GET', url: `/v1/incidents/${id}`, headers: auth(police) })).json()
    return v.children.every((c: { notification: { status: string } | null }) => c.notification?.status === 'sent') ? v : null
  })
}
// The child, twice (once with a sibling, once spelt with other case and spacing), and near misses.
const withSibling = await submit([child({}), child({ givenName: 'Benedict', dateOfBirth: '2014-01-01' })], 'Summary-one')
const again = await submit([child({ givenName: ' AMY ', familyName: 'example' })], 'Summary-two')
const nearMisses = [
  await submit([child({ dateOfBirth: '2016-05-05' })], 'Near-dob'),
  await submit([child({ givenName: 'Amie' })], 'Near-given'),
  await submit([child({ familyName: 'Examples' })], 'Near-family'),
  await submit([child({ givenName: 'Amy-Jo' })], 'Near-hyphen'),
]
const ourChildIds = [withSibling.children[0].id, again.children[0].id]
const ourNotifications = [withSibling.children[0].notification.id, again.children[0].notification.id]
await h.app.inject({ method: 'POST', url: `/v1/notifications/${ourNotifications[0]}/acknowledge`, headers: auth(dsl) })
await h.app.inject({ method: 'GET', url: '/v1/notifications', headers: auth(dsl) }) // a listing names every child's ids
await replaceRoll(h.services.db, '808', [
  { givenName: 'Amy', familyName: 'Example', dateOfBirth: '2016-05-04', urn: '111234' },
  { givenName: 'Amy', familyName: 'Example', dateOfBirth: '2016-05-06', urn: '111234' },
], h.clock.now(), 'roll.csv')

const request = (token: string, body: object = target, headers: Record<string, string> = {}) =>
  h.app.inject({ method: 'POST', url: '/v1/subject-access', headers: { ...auth(token), ...headers }, payload: body })

t.test('finds every record of the child and nothing of another', async (t) => {
  const res = await request(admin)
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.same(body.children.map((c: { id: string }) => c.id).sort(), [...ourChildIds].sort())
  t.same(body.incidents.map((i: { id: string }) => i.id).sort(), [withSibling.id, again.id].sort())
  t.same(body.notifications.map((n: { id: string }) => n.id).sort(), [...ourNotifications].sort())
  t.same(new Set(body.deliveries.map((d: { notificationId: string }) => d.notificationId)), new Set(ourNotifications), 'each notification’s steps')
  t.ok(body.deliveries.some((d: { kind: string }) => d.kind === 'sent'))
  t.same(body.acknowledgements.map((a: { notificationId: string }) => a.notificationId), [ourNotifications[0]])
  t.equal(body.pupilRoll.length, 1, 'the roll row of this child, not the one a day apart')
  const auditSubjects = new Set(body.auditEvents.map((a: { subjectId: string }) => a.subjectId))
  for (const id of [withSibling.id, ...ourNotifications]) t.ok(auditSubjects.has(id), `audit events about ${id}`)
  t.ok(body.auditEvents.some((a: { action: string }) => a.action === 'notifications.list'), 'the listing that showed the child')
  t.ok(body.incidents.some((i: { summary: string }) => i.summary === 'Summary-one'))

  const text = res.body
  const others = [withSibling.children[1], ...nearMisses.map((n) => n.children[0])]
  for (const o of others) {
    t.notOk(text.includes(o.id), 'no other child’s record id')
    if (o.notification) t.notOk(text.includes(o.notification.id), 'no other child’s notification')
  }
  for (const n of nearMisses) t.notOk(text.includes(n.id), 'no near miss’s incident')
  for (const s of ['Benedict', '2014-01-01', 'Amie', 'Examples', 'Amy-Jo', '2016-05-05', '2016-05-06', 'Near-']) t.notOk(text.includes(s), `nothing of ${s}`)
})

t.test('only administrators; a bad request names the field', async (t) => {
  for (const token of [police, dsl, auditor]) t.equal((await request(token)).statusCode, 403)
  t.equal((await h.app.inject({ method: 'POST', url: '/v1/subject-access', payload: target })).statusCode, 401)
  const bad = await request(admin, { ...target, dateOfBirth: '04/05/2016' })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().errors, [{ path: '/dateOfBirth' }])
})

t.test('the request is audited by the ids it returned, never by the name searched for', async (t) => {
  await request(admin, target, { 'x-audit-reason': 'SAR 2026/17' })
  const { rows } = await h.services.db.query("SELECT * FROM audit_log WHERE action = 'subject-access.request' ORDER BY id DESC LIMIT 1")
  t.equal(rows[0].reason, 'SAR 2026/17')
  t.same([...rows[0].detail.childIds].sort(), [...ourChildIds].sort())
  t.notMatch(JSON.stringify(rows[0]), /Amy|Example|2016-05-04/)
})

t.test('a printable page for the same request, axe-clean', async (t) => {
  const res = await request(admin, target, { accept: 'text/html' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /text\/html/)
  t.match(res.body, /Summary-one/)
  t.notMatch(res.body, /Benedict|Near-/)
  t.notMatch(res.body.match(/<title>([^<]*)<\/title>/)![1], /Amy|Example/, 'the title names no child')
  const browser = await launchBrowser(t)
  if (!browser) return
  // The answer to a POST, shown with the service's own styles as the browser would load them.
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' })
  const page = await openPage(browser)
  await page.setContent(res.body.replace(/(href|src)="\//g, `$1="${base}/`), { waitUntil: 'load' })
  await expectNoSeriousAxeViolations(t, page, 'the subject access page')
})

t.test('erasure of a wrongly recorded child removes personal fields and keeps timing facts', async (t) => {
  const id = again.children[0].id
  const before = (await h.services.db.query('SELECT sent_at, due_by, police_aware_at FROM notifications WHERE child_id = $1', [id])).rows[0]
  for (const token of [police, auditor]) {
    t.equal((await h.app.inject({ method: 'POST', url: `/v1/children/${id}/erasure`, headers: auth(token), payload: { reason: 'wrong child' } })).statusCode, 403)
  }
  const res = await h.app.inject({ method: 'POST', url: `/v1/children/${id}/erasure`, headers: auth(admin), payload: { reason: 'wrongly recorded' } })
  t.equal(res.statusCode, 200)
  const c = (await h.services.db.query('SELECT * FROM children WHERE id = $1', [id])).rows[0]
  t.same([c.given_name, c.family_name, c.date_of_birth, c.pseudonym], [null, null, null, null])
  t.ok(c.erased_at)
  const after = (await h.services.db.query('SELECT sent_at, due_by, police_aware_at FROM notifications WHERE child_id = $1', [id])).rows[0]
  t.same(after, before, 'timing facts kept')
  const inc = (await h.services.db.query('SELECT summary, content_hash FROM incidents WHERE id = $1', [again.id])).rows[0]
  t.same(inc, { summary: null, content_hash: null }, 'its only child gone, the summary goes too')
  const found = (await request(admin)).json()
  t.same(found.children.map((x: { id: string }) => x.id), [withSibling.children[0].id], 'no longer found')
  t.equal((await h.app.inject({ method: 'POST', url: `/v1/children/${id}/erasure`, headers: auth(admin), payload: { reason: 'again' } })).statusCode, 409)
  const sibling = (await h.services.db.query('SELECT summary FROM incidents WHERE id = $1', [withSibling.id])).rows[0]
  t.equal(sibling.summary, 'Summary-one', 'another incident untouched')
  const { rows } = await h.services.db.query("SELECT reason FROM audit_log WHERE action = 'child.erase' AND subject_id = $1", [id])
  t.same(rows, [{ reason: 'wrongly recorded' }])
})
