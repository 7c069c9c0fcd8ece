// Several processes at once, as in production: two API processes and three worker processes
// (real `node --import tsx src/main.ts api|worker`) against one PostgreSQL database and one Redis
// prefix, with a short sweep interval so that the sweepers of all three worker processes run
// constantly (contending for the sweep lock and re-queueing anything scheduled but not queued).
// On top of that the test hands every notification to the workers three more times under job ids
// of its own, so several processes really do try to send the same notification at the same
// moment, and the SMTP server answers the first few messages with a temporary 451, so some
// notifications go through release-and-retry while the racing jobs are still around. Claiming by
// state transition in Postgres (scheduled → sending) must still let exactly one of them send: each
// Message-ID arrives once.
//
// The claim is a lease: a claim older than CLAIM_TIMEOUT_MS counts as abandoned by a dead worker
// and may be taken over. It is kept short here (10 s, against 120 s in production) but longer
// than any send on a loaded two-core machine; at 2 s a slow but living worker's claim is taken
// over and the notification goes twice under the same Message-ID (see docs/scale-out.md). No
// worker dies here, so the stale-claim takeover path is NOT exercised (test/e2e/chaos-short.test.ts
// does that, with SIGKILLed workers); this test checks that it never fires: the claims counted in
// Postgres are exactly one per notification plus one per injected temporary failure.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { createTestDatabase, TEST_REDIS_URL, TestSmtpServer } from '../helpers/harness.js'
import { incident, seed } from '../helpers/fixture.js'
import { NOTIFY_ATTEMPTS } from '../../src/queue/queues.js'
import { deletePrefix, freePort, sleep, spawnService, waitReady, waitWorkers, type ServiceProcess } from '../helpers/procs.js'

const N = 300
const database = await createTestDatabase()
const smtp = await new TestSmtpServer().start()
const prefix = `enc-test-scale-${randomBytes(4).toString('hex')}`
const procs: ServiceProcess[] = []
const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null })
const extra = new Queue('notify', { connection: redis, prefix })
t.teardown(async () => {
  await Promise.all(procs.map((p) => p.kill9()))
  await extra.close()
  redis.disconnect()
  await deletePrefix(TEST_REDIS_URL, prefix)
  await smtp.stop()
  await database.drop()
})

const { police } = await seed(database.db, 4)
const env = {
  DATABASE_URL: database.url,
  REDIS_URL: TEST_REDIS_URL,
  QUEUE_PREFIX: prefix,
  SMTP_URL: smtp.url,
  HOST: '127.0.0.1',
  PUBLIC_BASE_URL: 'http://encompass.test',
  SWEEP_INTERVAL_MS: '200',
  CLAIM_TIMEOUT_MS: '10000',
  NOTIFY_BACKOFF_MS: '200',
  DATABASE_POOL_SIZE: '5',
  LOG_LEVEL: 'warn',
}
const apis = [
  spawnService('api', { ...env, PORT: String(await freePort()) }, 'api-1'),
  spawnService('api', { ...env, PORT: String(await freePort()) }, 'api-2'),
]
const workers = [1, 2, 3].map((i) => spawnService('worker', env, `worker-${i}`))
procs.push(...apis, ...workers)
await Promise.all(apis.map((a) => waitReady(a, 60_000)))
await waitWorkers(TEST_REDIS_URL, prefix, 3, 60_000, workers)

t.test(`${N} incidents through 2 API and 3 worker processes: every Message-ID arrives exactly once`, async (t) => {
  // Hand each notification to the workers three more times, under job ids of our own.
  // The racing jobs retry like the real ones (src/queue/queues.ts: NOTIFY_ATTEMPTS, exponential
  // backoff from NOTIFY_BACKOFF_MS): without attempts every run is the final attempt, and one
  // temporary SMTP error would mark the notification failed.
  const raceOpts = {
    attempts: NOTIFY_ATTEMPTS,
    backoff: { type: 'exponential', delay: Number(env.NOTIFY_BACKOFF_MS) },
    removeOnComplete: true,
    removeOnFail: true,
  }
  const tempFailures = 5
  smtp.tempFail = tempFailures
  const handedOver = new Set<string>()
  let watching = true
  const watcher = (async () => {
    while (watching) {
      const { rows } = await database.db.query<{ id: string }>('SELECT id FROM notifications')
      const fresh = rows.filter((r) => !handedOver.has(r.id))
      for (const r of fresh) handedOver.add(r.id)
      if (fresh.length > 0) {
        await extra.addBulk(
          fresh.flatMap((r) =>
            ['a', 'b', 'c'].map((k) => ({
              name: 'notify',
              data: { notificationId: r.id },
              opts: { ...raceOpts, jobId: `race-${k}-${r.id}` },
            })),
          ),
        )
      }
      await sleep(20)
    }
  })()

  const served = [0, 0]
  let next = 0
  const submit = async () => {
    while (next < N) {
      const i = next++
      const res = await fetch(`http://127.0.0.1:${apis[i % 2]!.port}/v1/incidents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${police[i % police.length]}` },
        body: JSON.stringify(incident(`SCALE-${i}-${randomBytes(3).toString('hex')}`)),
        signal: AbortSignal.timeout(20_000),
      })
      t.equal(res.status, 202, `incident ${i} accepted`, { diagnostic: res.status !== 202 })
      await res.arrayBuffer()
      served[i % 2]! += 1
    }
  }
  await Promise.all(Array.from({ length: 8 }, submit))
  t.same(served, [N / 2, N / 2], 'both API processes took incidents')

  await smtp.waitFor(N, 90_000)
  watching = false
  await watcher
  // Long enough for every sweeper to run many times and for any stale claim to be retried.
  await sleep(4_000)

  const ids = smtp.messages.map((m) => m.parsed.messageId)
  const counts = new Map<string, number>()
  for (const id of ids) counts.set(id!, (counts.get(id!) ?? 0) + 1)
  const repeated = [...counts].filter(([, n]) => n > 1)
  t.equal(smtp.messages.length, N, `exactly ${N} e-mails`)
  t.same(repeated, [], 'no Message-ID arrived twice')

  const { rows } = await database.db.query<{ message_id: string; status: string; sent_at: Date | null; attempts: number }>(
    'SELECT message_id, status, sent_at, attempts FROM notifications',
  )
  t.equal(rows.length, N, 'one notification per child')
  t.same(rows.filter((r) => r.status !== 'sent' || !r.sent_at), [], 'every notification recorded as sent')
  t.same(new Set(rows.map((r) => r.message_id)), new Set(counts.keys()), 'the e-mails are exactly the notifications in Postgres')
  t.equal(smtp.tempFail, 0, `the SMTP server answered ${tempFailures} messages with a temporary 451`)
  // Every claim is either the one that sent or one released after a 451: one claim per
  // notification plus one per temporary failure. More would mean a living worker's claim was
  // taken over as stale.
  const claims = rows.reduce((n, r) => n + r.attempts, 0)
  t.equal(claims, N + tempFailures, `${claims} claims for ${N} notifications and ${tempFailures} temporary failures`)
  t.comment(`notifications claimed more than once: ${rows.filter((r) => r.attempts > 1).length}`)
  t.ok(handedOver.size === N, 'every notification was also handed to the workers three more times')
  t.ok(workers.every((w) => w.alive()) && apis.every((a) => a.alive()), 'all five processes still running')
})

t.test('SIGTERM stops every process cleanly', async (t) => {
  await Promise.all(procs.map((p) => p.stop(30_000)))
  for (const p of procs) t.same(await p.exited, { code: 0, signal: null }, `${p.name} exited 0`)
})
