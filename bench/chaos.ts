// `npm run chaos`: a few thousand incidents through real API and worker processes while worker
// processes are SIGKILLed at random, Redis is restarted twice and flushed once, and the SMTP server
// is stopped for a minute; then Postgres is checked against what the SMTP server received (see
// bench/lib/chaos-runner.ts for the definitions). Exit status 0 when nothing was lost, no child
// was notified twice under different Message-IDs, and every duplicate is explained by a retried
// claim; 1 otherwise.
//
// Redis: by default a private redis-server on a free loopback port, so the restarts and the
// FLUSHALL touch nobody else's keys. `--shared-redis` uses REDIS_URL (default 127.0.0.1:6379)
// instead: no restarts there, and the flush deletes this run's prefix only.
//
// Options: --incidents N (3000), --rate N per second (50), --workers N (3), --apis N (1),
// --kills N (10), --smtp-down-seconds N (60), --seed N, --shared-redis.
import { parseArgs } from 'node:util'
import { explained, formatReport, runChaos } from './lib/chaos-runner.js'
import { REDIS_URL } from './lib/fixture.js'
import { PrivateRedis } from './lib/private-redis.js'

const { values: opt } = parseArgs({
  options: {
    incidents: { type: 'string', default: '3000' },
    rate: { type: 'string', default: '50' },
    workers: { type: 'string', default: '3' },
    apis: { type: 'string', default: '1' },
    kills: { type: 'string', default: '10' },
    'smtp-down-seconds': { type: 'string', default: '60' },
    seed: { type: 'string' },
    'shared-redis': { type: 'boolean', default: false },
  },
})

const incidents = Number(opt.incidents)
const rate = Number(opt.rate)
const submitMs = (incidents / rate) * 1000
const smtpDownMs = Number(opt['smtp-down-seconds']) * 1000
const log = (s: string) => process.stderr.write(`[chaos] ${s}\n`)

const server = opt['shared-redis'] ? undefined : new PrivateRedis()
if (server) {
  await server.start()
  log(`private redis-server on port ${server.port}`)
}
let code = 1
try {
  const report = await runChaos({
    incidents,
    rate,
    workers: Number(opt.workers),
    apis: Number(opt.apis),
    kills: Number(opt.kills),
    // Kills across the submissions and the SMTP outage; Redis faults inside the submissions.
    killWindowMs: [2_000, Math.max(submitMs, 0.25 * submitMs + smtpDownMs)],
    redis: server
      ? { url: server.url, server, restartsAt: [0.25 * submitMs, 0.65 * submitMs], flushesAt: [0.45 * submitMs] }
      : { url: REDIS_URL, restartsAt: [], flushesAt: [0.45 * submitMs] },
    smtpDown: { atMs: 0.3 * submitMs, forMs: smtpDownMs },
    settleTimeoutMs: 6 * 60_000,
    env: { SWEEP_INTERVAL_MS: '1000', CLAIM_TIMEOUT_MS: '10000', NOTIFY_BACKOFF_MS: '1000' },
    ...(opt.seed ? { seed: Number(opt.seed) } : {}),
    log,
  })
  console.log(formatReport(report))
  const unexplained = report.duplicates.filter((d) => !explained(d))
  code = report.lost === 0 && report.doubles === 0 && report.rejected === 0 && unexplained.length === 0 ? 0 : 1
} catch (err) {
  console.error(`chaos run failed: ${(err as Error).stack ?? err}`)
} finally {
  await server?.stop()
}
process.exit(code)
