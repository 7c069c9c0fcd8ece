// The short chaos run for CI (the long one is `npm run chaos`): 200 incidents through a real API
// process and two real worker processes while workers are SIGKILLed at random, every Redis key of
// this run's prefix is deleted once (the shared Redis is not restarted in CI), and the SMTP server
// is stopped for about five seconds. Afterwards what the API acknowledged, Postgres and what the
// SMTP server received must agree: every child notified or explicitly failed, nothing lost,
// nothing accepted but unrecorded, no e-mail under two Message-IDs, and any duplicate only from an
// acceptance we never recorded — same Message-ID, our record after the last send, and a kill or the
// SMTP stop right after the first (definitions in test/helpers/chaos-runner.ts).
//
// The claim timeout is 10 s, as in `npm run chaos`: with the prefix flush landing in a burst of
// retries on two shared cores, a living worker can take seconds between its claim and its send,
// and a shorter lease would let another worker take the claim over and send a genuine duplicate.
// A killed worker's claim is therefore retried about 10 s after the kill; the settle budget allows
// for that several times over. No wall-clock assertion: tap's timeout bounds the run.
import t from 'tap'
import { explained, formatReport, runChaos, verdict } from '../helpers/chaos-runner.js'
import { REDIS_URL } from '../helpers/fixture.js'

const started = Date.now()
const abort = new AbortController()
const running = runChaos({
  incidents: 200,
  rate: 16, // about 12.5 s of submissions
  workers: 2,
  apis: 1,
  kills: 3,
  // Kills early, then the prefix flush: a killed worker's job is held as "active" by BullMQ
  // until its lock expires (30 s), unless Redis loses it first.
  killWindowMs: [1_500, 6_500],
  redis: { url: REDIS_URL, restartsAt: [], flushesAt: [8_000] },
  smtpDown: { atMs: 3_000, forMs: 5_000 },
  settleTimeoutMs: 90_000,
  env: { SWEEP_INTERVAL_MS: '500', CLAIM_TIMEOUT_MS: '10000', NOTIFY_BACKOFF_MS: '300' },
  log: (line) => t.comment(line),
  signal: abort.signal,
})
// If tap gives up on the file (timeout), the teardown still runs: abort, which kills the service
// processes at once, and give the cleanup (database, Redis prefix) a moment before tap kills us.
t.teardown(async () => {
  abort.abort()
  await Promise.race([running.catch(() => {}), new Promise((r) => setTimeout(r, 15_000))])
})
const report = await running
t.comment(formatReport(report))

t.equal(report.rejected, 0, 'every incident accepted (retrying through the faults)')
t.equal(report.incidents, 200)
t.ok(report.kills >= 3, `${report.kills} workers SIGKILLed`)
t.equal(report.redisFlushes, 1, 'the prefix was flushed once')
t.ok(report.smtpDownMs >= 4_000, `SMTP down for ${(report.smtpDownMs / 1000).toFixed(1)} s`)
t.equal(report.faultError, null, 'the fault schedule ran to the end')
t.same(report.lostIntake, [], 'every incident and child the API acknowledged is in Postgres')
t.equal(report.children, report.acknowledgedChildren, 'Postgres has exactly the children the API acknowledged')
t.equal(report.unfinished, 0, 'no child left pending or half-sent')
t.equal(report.unmatched, 0, 'every child matched to the school')
t.equal(report.notified + report.failed, report.children, 'every child notified (or escalated) or explicitly failed')
t.same(report.failedUnexpected, [], 'no notification failed except by giving up after the configured retries')
t.comment(`failed after the configured retries: ${report.gaveUp.length}`)
t.equal(report.lost, 0, 'nothing lost')
t.same(report.lostIds, [], 'nothing Postgres calls sent is missing at the SMTP server')
t.same(report.unrecordedIds, [], 'nothing the SMTP server accepted is missing from Postgres')
t.same(report.doubleIds, [], 'no child with two notifications, no e-mail under two Message-IDs')
for (const d of report.duplicates) {
  t.ok(explained(d), `duplicate ${d.kind} ${d.messageId} ×${d.count}: ${d.cause}: ${d.why}`)
}
t.comment(`duplicates: ${report.duplicates.length}`)
t.same(
  report.shutdown.filter((s) => s.code !== 0),
  [],
  'every process still running stops cleanly on SIGTERM',
)
t.same(verdict(report), [], 'the run passes as `npm run chaos` would judge it')
t.comment(`finished in ${((Date.now() - started) / 1000).toFixed(1)} s`)
