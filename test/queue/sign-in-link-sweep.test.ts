// A sign-in link whose job Redis lost (flushed, or away when it was asked for) is still e-mailed:
// the sweeper finds links not sent 30 s after they were asked for and puts their ids back on the
// queue; the e-mail goes once.
import t from 'tap'
import { ManualClock } from '../../src/domain/clock.js'
import { aSchool, createHarness, eventually, HARNESS_START } from '../helpers/harness.js'

const clock = new ManualClock(HARNESS_START)
const h = await createHarness({ clock, workers: false })
t.teardown(() => h.close())
const BASE = h.services.config.PUBLIC_BASE_URL
await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: { authorization: `Bearer ${await h.token('admin')}` }, payload: aSchool() })

t.test('a link whose job was lost is e-mailed by the sweeper, once', async (t) => {
  const res = await h.app.inject({ method: 'POST', url: '/sign-in', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: BASE }, payload: 'email=jo.bloggs%40example.org' })
  t.equal(res.statusCode, 200)
  await h.services.queues.signInLink.obliterate({ force: true }) // Redis lost the job
  t.equal((await h.services.db.query('SELECT count(*)::int AS n FROM sign_in_links WHERE sent_at IS NULL')).rows[0].n, 1)
  clock.advance(31_000)
  const workers = h.startWorkers()
  const mails = await eventually(async () => (h.smtp.messages.length ? h.smtp.messages : null))
  t.equal(mails[0]!.parsed.headers.get('x-encompass-kind'), 'sign-in-link')
  await eventually(async () => (await h.services.db.query('SELECT 1 FROM sign_in_links WHERE sent_at IS NOT NULL')).rowCount)
  await workers.sweepNow()
  await workers.sweepNow()
  t.equal(h.smtp.messages.length, 1, 'sweeping again sends nothing more: the link is sent')
})
