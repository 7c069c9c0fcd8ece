// No child stuck without anyone knowing (issue 12, point 2). A job that keeps failing must end in a
// state people see, after a bounded number of attempts counted in Postgres: a child whose match
// fails goes to its force's review queue (reason 'match-failed'), a notification whose send keeps
// failing ends 'failed' with the desk alerted, an escalation step that keeps failing is recorded as
// failed; and each raises the force's 'jobs-failed' alert (log line, encompass_alerts_total, an
// e-mail to the desk, once per episode) and counts in encompass_jobs_failed_permanently_total.
//
// The bad data is planted straight into Postgres, as an older version (or an import that did not
// check) let it in: the API now refuses it at the door (test/e2e/date-bounds.test.ts). The
// "unexpected" failures are real faults raised by PostgreSQL triggers in this test's database.
import t from 'tap'
import { runJob } from '../../src/queue/job-failures.js'
import { processMatch } from '../../src/queue/match-worker.js'
import { processNotify } from '../../src/queue/notify-worker.js'
import { JOB_ATTEMPTS, jobId } from '../../src/queue/queues.js'
import { sweep } from '../../src/queue/sweeper.js'
import { aSchool, anIncident, createHarness, eventually } from '../helpers/harness.js'

// Short backoffs, so the ten send attempts run out in seconds rather than the 40 minutes of production.
const h = await createHarness({ workers: false, env: { NOTIFY_BACKOFF_MS: '10' } })
t.teardown(() => h.close())
const db = h.services.db
const admin = await h.token('admin')
const police = await h.token('police', 'cleveland')
const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool() })
await h.app.inject({ method: 'PUT', url: '/v1/schools/222222', headers: json(admin), payload: aSchool({ name: 'Closed For Ever Primary', laCode: '810' }) })
await h.app.inject({ method: 'PUT', url: '/v1/forces/cleveland', headers: json(admin), payload: { deskEmail: 'desk@cleveland.example' } })

// A term closure of 500 days in LA 810, as a calendar import before the closure rule could load it.
await db.query(`INSERT INTO la_closures (la_code, date, label)
  SELECT '810', d::date, 'Closed' FROM generate_series('2026-11-21'::date, '2028-04-04'::date, '1 day') d`)
// Faults PostgreSQL raises for marked incidents: the placement of a child, the claim of a send, the
// claim of an escalation step.
await db.query(`
  CREATE FUNCTION test_fault() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE ref text;
  BEGIN
    IF TG_TABLE_NAME = 'children' THEN
      IF NEW.match_status <> 'matched' THEN RETURN NEW; END IF;
      SELECT reference INTO ref FROM incidents WHERE id = NEW.incident_id;
      IF ref LIKE 'FAULT-MATCH-%' THEN RAISE EXCEPTION 'injected fault while placing child %', NEW.given_name; END IF;
    ELSIF TG_TABLE_NAME = 'notifications' THEN
      IF NEW.status <> 'sending' THEN RETURN NEW; END IF;
      SELECT reference INTO ref FROM incidents WHERE id = NEW.incident_id;
      IF ref LIKE 'FAULT-SEND-%' THEN RAISE EXCEPTION 'injected fault while claiming a send'; END IF;
    ELSE
      SELECT i.reference INTO ref FROM notifications n JOIN incidents i ON i.id = n.incident_id WHERE n.id = NEW.notification_id;
      IF ref LIKE 'FAULT-DESK-%' THEN RAISE EXCEPTION 'injected fault while claiming an escalation'; END IF;
    END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER test_fault BEFORE UPDATE ON children FOR EACH ROW EXECUTE FUNCTION test_fault();
  CREATE TRIGGER test_fault BEFORE UPDATE ON notifications FOR EACH ROW EXECUTE FUNCTION test_fault();
  CREATE TRIGGER test_fault BEFORE INSERT OR UPDATE ON escalation_claims FOR EACH ROW EXECUTE FUNCTION test_fault();`)

const submit = async (over: Record<string, unknown>, child: Record<string, unknown> = {}) => {
  const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident(over, child) })
  if (res.statusCode !== 202) throw new Error(`submission refused: ${res.body}`)
  return { incidentId: res.json().id as string, childId: res.json().children[0].id as string }
}
const incident = async (id: string) => (await h.app.inject({ method: 'GET', url: `/v1/incidents/${id}`, headers: json(police) })).json()
const reviewQueue = async () =>
  (await h.app.inject({ method: 'GET', url: '/v1/incidents?match=unmatched', headers: json(police) })).json().items as {
    child: { id: string }
    match: { reason: string; error: string | null }
  }[]
const metrics = async () => (await h.app.inject({ method: 'GET', url: '/metrics' })).body
const failures = async (jobId: string) =>
  (await db.query<{ failures: number }>('SELECT failures FROM job_failures WHERE job_id = $1', [jobId])).rows[0]?.failures ?? 0

// A child held by a term closure no school has; a child whose incident says the police became
// aware in the year 26 (an older version let it in); a child whose placement PostgreSQL refuses.
const closed = await submit({ reference: 'CLE-2026-CLOSED' }, { school: { urn: '222222' } })
const legacy = await db.query<{ incident_id: string; child_id: string }>(`
  WITH i AS (
    INSERT INTO incidents (force_code, reference, content_hash, police_aware_at, incident_type, received_at)
    VALUES ('cleveland', 'CLE-0026-LEGACY', 'planted', '0026-11-20T22:14:00Z', 'crime', $1) RETURNING id
  )
  INSERT INTO children (incident_id, position, given_name, family_name, date_of_birth, present, given_school_urn)
  SELECT id, 0, 'Amy', 'Example', '0016-05-04', true, '111234' FROM i
  RETURNING incident_id, id AS child_id`, [h.clock.now()])
const year26 = { incidentId: legacy.rows[0]!.incident_id, childId: legacy.rows[0]!.child_id }
const faulty = await submit({ reference: 'FAULT-MATCH-1' })
const unsendable = await submit({ reference: 'FAULT-SEND-1' })
// Reported late (Monday 07:00; due Monday 08:30, long gone): the desk step is due at once.
const late = await submit({ reference: 'FAULT-DESK-1', policeAwareAt: '2026-11-16T07:00:00Z', occurredAt: undefined })

h.startWorkers()

t.test('a child whose deadline cannot be computed (a 500-day closure) goes to the review queue at the first attempt', async (t) => {
  const item = await eventually(async () => (await reviewQueue()).find((i) => i.child.id === closed.childId), 20_000)
  t.equal(item.match.reason, 'match-failed')
  t.match(item.match.error, /no pupil day/, 'the officer sees why, in words')
  t.equal((await incident(closed.incidentId)).children[0].match.status, 'unmatched')
  t.equal(await failures(`match-${closed.childId}`), 1, 'a calendar error is permanent: no pointless retries')
})

t.test('a child whose incident says the year 26 goes to the review queue, not round the queue for ever', async (t) => {
  const item = await eventually(async () => (await reviewQueue()).find((i) => i.child.id === year26.childId), 20_000)
  t.equal(item.match.reason, 'match-failed')
  t.match(item.match.error, /1900/)
  t.equal(await failures(`match-${year26.childId}`), 1)
})

t.test('a child whose match keeps failing unexpectedly goes to the review queue after a bounded number of attempts', async (t) => {
  const item = await eventually(async () => (await reviewQueue()).find((i) => i.child.id === faulty.childId), 30_000)
  t.equal(item.match.reason, 'match-failed')
  t.equal(await failures(`match-${faulty.childId}`), 5, 'five attempts, counted in Postgres')
  t.notMatch(item.match.error, /Amy/, 'the error kept for people to read carries no child details')
  // The sweeper no longer re-queues it: it is not pending any more.
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM children WHERE match_status = 'pending'`)
  t.equal(rows[0].n, 0, 'no child is left pending')
})

t.test('a send that keeps failing unexpectedly ends failed, and the force desk is told', async (t) => {
  const n = await eventually(async () => {
    const c = (await incident(unsendable.incidentId)).children[0]
    return c.notification?.status === 'failed' && c.notification
  }, 40_000)
  t.ok(n)
  await eventually(async () => h.smtp.messages.find((m) => m.envelopeTo.includes('desk@cleveland.example') && /FAULT-SEND-1/.test(m.parsed.subject ?? '')))
  const { rows } = await db.query(`SELECT kind FROM notification_events WHERE notification_id = $1 ORDER BY id`, [n.id])
  t.ok(rows.some((r) => r.kind === 'failed'), 'the failure is a step in its history')
})

t.test('an escalation step that keeps failing is recorded as failed and no longer re-queued', async (t) => {
  const notificationId = await eventually(async () => (await incident(late.incidentId)).children[0].notification?.id as string | undefined)
  const event = await eventually(async () => {
    const { rows } = await db.query(`SELECT kind, detail FROM notification_events WHERE notification_id = $1 AND kind = 'desk-failed'`, [notificationId])
    return rows[0]
  }, 30_000)
  t.match(event.detail, /gave up after \d+ attempts/)
  const { rows } = await db.query('SELECT desk_step_at FROM notifications WHERE id = $1', [notificationId])
  t.ok(rows[0].desk_step_at, 'the step is settled')
  await h.workers!.close()
  h.workers = undefined
  const r = await sweep(h.services)
  t.equal(r.desk, 0, 'the sweeper does not put the failed step back on the queue')
  t.equal(r.match, 0)
})

t.test('each gave-up job is counted, and the force desk gets one alert for the episode, naming no child', async (t) => {
  const { checkFeeds } = await import('../../src/queue/monitor.js')
  await checkFeeds(h.services)
  const m = await metrics()
  t.match(m, /encompass_jobs_failed_permanently_total\{queue="match"\} 3/)
  t.match(m, /encompass_jobs_failed_permanently_total\{queue="notify"\} 1/)
  t.match(m, /encompass_jobs_failed_permanently_total\{queue="escalate"\} 1/)
  t.match(m, /encompass_alerts_total\{kind="jobs-failed"\} 1/)
  const alerts = h.smtp.messages.filter((m) => m.envelopeTo.includes('desk@cleveland.example') && /jobs? (have )?failed|gave up/i.test(m.parsed.subject ?? ''))
  t.equal(alerts.length, 1, 'one e-mail for the episode')
  t.match(alerts[0]!.parsed.text, /review queue/)
  t.match(h.logs.text, /ALERT/)
  for (const secret of ['Amy', 'Example', '2016-05-04', '0016-05-04']) {
    t.notOk(alerts[0]!.raw.includes(secret), `the alert e-mail does not carry ${secret}`)
    t.notOk(h.logs.text.includes(secret), `the logs do not carry ${secret}`)
    t.notOk(m.includes(secret), `the metrics do not carry ${secret}`)
  }
  t.notOk((await h.redisDump()).includes('Amy'), 'nor does Redis')
})

t.test('the count is kept in Postgres: a job that starts afresh after Redis is flushed carries on from it', async (t) => {
  const { childId } = await submit({ reference: 'FAULT-MATCH-2' })
  const attempt = () => runJob(h.services, 'match', { childId }, () => processMatch(h.services, childId))
  for (let i = 1; i < JOB_ATTEMPTS.match; i++) {
    await t.rejects(attempt(), { name: 'JobAttemptFailed', message: /database error P0001/ }, `attempt ${i} fails and will be retried`)
    await h.services.queues.match.obliterate({ force: true }) // Redis forgets the job and its attempts
  }
  t.equal(await attempt(), 'gave-up', `attempt ${JOB_ATTEMPTS.match} gives up, though each job was new to Redis`)
  t.ok((await reviewQueue()).some((i) => i.child.id === childId && i.match.reason === 'match-failed'))
})

t.test('a child the sweeper has put back on the queue again and again without a match finishing is given up, not re-queued', async (t) => {
  const { childId } = await submit({ reference: 'CLE-2026-DYING' })
  // As if a worker had died in this child's match five times: re-queued by the sweeper each time,
  // and its last job gone from Redis too (BullMQ's stall check fails a job whose worker keeps dying).
  await db.query(`UPDATE children SET match_requeues = $2, match_enqueued_at = $3 WHERE id = $1`, [childId, JOB_ATTEMPTS.match, new Date(h.clock.now().getTime() - 3_600_000)])
  await h.services.queues.match.remove(jobId.match(childId))
  const r = await sweep(h.services)
  t.equal(r.match, 0, 'not put back on the queue again')
  t.equal(r.gaveUp, 1)
  const item = (await reviewQueue()).find((i) => i.child.id === childId)
  t.equal(item?.match.reason, 'match-failed')
  t.match(item?.match.error, /put back on the queue 5 times/)
})

t.test('a child only waiting behind a long backlog is not counted as put back on the queue, nor given up; one whose job is gone is', async (t) => {
  const waiting = await submit({ reference: 'CLE-2026-BACKLOG' })
  const lost = await submit({ reference: 'CLE-2026-LOST' })
  const tired = await submit({ reference: 'CLE-2026-TIRED' })
  const longAgo = new Date(h.clock.now().getTime() - 3_600_000)
  // All three handed to the queue an hour ago with no match finished. The first's job still waits
  // in Redis (no worker has reached it); the second's is gone (Redis lost it); the third has been
  // put back as often as it may be, and its last job still waits its turn.
  await db.query(`UPDATE children SET match_enqueued_at = $2, match_requeues = 0 WHERE id = ANY($1::uuid[])`, [[waiting.childId, lost.childId], longAgo])
  await db.query(`UPDATE children SET match_enqueued_at = $2, match_requeues = $3 WHERE id = $1`, [tired.childId, longAgo, JOB_ATTEMPTS.match])
  await h.services.queues.match.remove(jobId.match(lost.childId))
  const requeues = async (childId: string) =>
    (await db.query<{ n: number; at: Date }>('SELECT match_requeues AS n, match_enqueued_at AS at FROM children WHERE id = $1', [childId])).rows[0]!

  const r = await sweep(h.services)
  t.equal(r.match, 1, 'only the lost job is put back on the queue')
  t.equal(r.gaveUp, 0, 'a child whose last job still waits is not given up')
  t.equal((await requeues(waiting.childId)).n, 0, 'waiting behind others is not a re-queue')
  t.ok((await requeues(waiting.childId)).at > longAgo, 'its wait is renewed, so the next rounds leave it alone')
  t.equal((await requeues(lost.childId)).n, 1, 'a lost job counts one re-queue')
  t.equal(await h.services.queues.match.getJobState(jobId.match(lost.childId)), 'waiting', 'and is on the queue again')
  t.equal((await requeues(tired.childId)).n, JOB_ATTEMPTS.match)
  t.notOk((await reviewQueue()).some((i) => i.child.id === tired.childId), 'not in the review queue while its job waits')
})

t.test('a send claimed more often than it may be tried, with no failure recorded, fails and goes to the desk', async (t) => {
  const { incidentId, childId } = await submit({ reference: 'CLE-2026-CRASHY' })
  await processMatch(h.services, childId) // placed and sent: then made to look as if every send had died mid-way
  const n = (await incident(incidentId)).children[0].notification
  await db.query(`UPDATE notifications SET sent_at = NULL, status = 'sending', attempts = $2, claimed_at = $3 WHERE id = $1`,
    [n.id, JOB_ATTEMPTS.notify, new Date(h.clock.now().getTime() - 3_600_000)])
  t.equal(await processNotify(h.services, n.id), 'failed')
  const { rows } = await db.query(`SELECT detail FROM notification_events WHERE notification_id = $1 AND kind = 'failed'`, [n.id])
  t.match(rows[0]?.detail, /gave up after 10 attempts that never finished/)
})

t.test('an officer places a child whose match failed; one whose deadline cannot be computed is a 422 saying why', async (t) => {
  const place = (c: { incidentId: string; childId: string }, urn: string) =>
    h.app.inject({ method: 'PUT', url: `/v1/incidents/${c.incidentId}/children/${c.childId}/school`, headers: json(police), payload: { urn } })
  const refused = await place(year26, '111234')
  t.equal(refused.statusCode, 422)
  t.match(refused.json(), { type: '/problems/setting-refused', reason: 'calendar', errors: [{ path: '/urn', message: /outside 1900–2100/ }] })
  t.equal((await incident(year26.incidentId)).children[0].match.status, 'unmatched', 'the child still waits, unchanged')
  const placed = await place(closed, '111234')
  t.equal(placed.statusCode, 200, 'the closed-for-ever school was the wrong one: placed at another, it goes out')
  t.equal(placed.json().notification.dueBy, '2026-11-23T08:30:00.000Z')
})
