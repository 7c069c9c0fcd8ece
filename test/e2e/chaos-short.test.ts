// The short chaos run for CI (the long one is `npm run chaos`): 200 incidents through a real API
// process and two real worker processes while workers are SIGKILLed at random, every Redis key of
// this run's prefix is deleted once (the shared Redis is not restarted in CI), and the SMTP server
// is stopped for about five seconds. Afterwards Postgres and what the SMTP server received must
// agree: every child notified or explicitly failed, nothing lost, and any duplicate e-mail only
// from a kill between the server's acceptance and our record (same Message-ID, a retried claim).
import t from 'tap'
import { explained, formatReport, runChaos } from '../../bench/lib/chaos-runner.js'
import { REDIS_URL } from '../../bench/lib/fixture.js'

const started = Date.now()
const report = await runChaos({
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
  settleTimeoutMs: 50_000,
  env: { SWEEP_INTERVAL_MS: '500', CLAIM_TIMEOUT_MS: '3000', NOTIFY_BACKOFF_MS: '300' },
  log: (line) => t.comment(line),
})
t.comment(formatReport(report))

t.equal(report.rejected, 0, 'every incident accepted (retrying through the faults)')
t.equal(report.incidents, 200)
t.ok(report.kills >= 3, `${report.kills} workers SIGKILLed`)
t.equal(report.redisFlushes, 1, 'the prefix was flushed once')
t.ok(report.smtpDownMs >= 4_000, `SMTP down for ${(report.smtpDownMs / 1000).toFixed(1)} s`)
t.equal(report.unfinished, 0, 'no child left pending or half-sent')
t.equal(report.notified + report.failed, report.children, 'every child notified (or escalated) or explicitly failed')
t.equal(report.lost, 0, 'nothing Postgres calls sent is missing at the SMTP server')
t.equal(report.unrecorded, 0, 'nothing the SMTP server accepted is missing from Postgres')
t.equal(report.doubles, 0, 'no child notified under two notifications')
for (const d of report.duplicates) {
  t.ok(explained(d), `duplicate ${d.messageId} ×${d.count}: a retried claim (${d.attempts} claims) right after a fault (${d.cause})`)
}
t.comment(`duplicates: ${report.duplicates.length}`)
t.same(
  report.shutdown.filter((s) => s.code !== 0),
  [],
  'every process still running stops cleanly on SIGTERM',
)
t.ok(Date.now() - started < 90_000, `finished in ${((Date.now() - started) / 1000).toFixed(1)} s (< 90 s)`)
