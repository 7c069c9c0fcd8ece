// `npm run chaos`: a few thousand incidents through real API and worker processes while worker
// processes are SIGKILLed at random, Redis is restarted twice and flushed once, and the SMTP server
// is stopped for a minute; then what the API acknowledged, Postgres and what the SMTP server
// received are compared (see test/helpers/chaos-runner.ts for the definitions). Exit status 0 when
// the run passes: nothing lost, nothing accepted but unrecorded, no e-mail under two Message-IDs,
// every duplicate explained by a kill or the SMTP stop right after an unrecorded acceptance, every
// child matched, no failure other than giving up after the configured retries, every incident
// acknowledged, every process stopping cleanly; 1 otherwise (2 when interrupted).
//
// Redis: by default a private redis-server on a free loopback port, so the restarts and the
// FLUSHALL touch nobody else's keys. `--shared-redis` uses REDIS_URL (default 127.0.0.1:6379)
// instead: no restarts there, and the flush deletes this run's prefix only.
//
// SIGINT/SIGTERM (Ctrl-C): the run is aborted and cleaned up — service processes killed, scratch
// database dropped, the run's Redis prefix deleted, the private redis-server stopped — then exit 2.
// A second signal, 2 s or more after the first, exits at once (the service processes are still
// killed by the exit hook in test/helpers/procs.ts).
//
// Options: --incidents N (3000), --rate N per second (50), --workers N (3), --apis N (1),
// --kills N (10), --smtp-down-seconds N (60), --seed N, --shared-redis.
import { parseArgs } from 'node:util'
import { formatReport, runChaos, verdict } from '../test/helpers/chaos-runner.js'
import { REDIS_URL } from '../test/helpers/fixture.js'
import { PrivateRedis } from '../test/helpers/private-redis.js'

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

const abort = new AbortController()
const server = opt['shared-redis'] ? undefined : new PrivateRedis()
let run: Promise<unknown> = Promise.resolve()
let interrupted = 0
const onSignal = (signal: NodeJS.Signals) => {
  // Under `npm run` / tsx a Ctrl-C arrives twice (from the terminal and relayed by tsx): only a
  // signal well after the first one means "exit now".
  if (interrupted) {
    if (Date.now() - interrupted < 2_000) return
    log(`${signal} again: exiting now`)
    process.exit(2)
  }
  interrupted = Date.now()
  log(`${signal}: aborting the run and cleaning up (a second signal in 2 s or more exits at once)`)
  abort.abort()
  const force = setTimeout(() => {
    log('cleanup took too long; exiting')
    process.exit(2)
  }, 30_000)
  void run
    .catch(() => {})
    .then(() => server?.stop())
    .catch(() => {})
    .finally(() => {
      clearTimeout(force)
      process.exit(2)
    })
}
process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)

let code = 1
try {
  if (server) {
    await server.start()
    log(`private redis-server on port ${server.port}`)
  }
  const running = runChaos({
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
    signal: abort.signal,
  })
  run = running
  const report = await running
  console.log(formatReport(report))
  code = verdict(report).length === 0 ? 0 : 1
} catch (err) {
  if (!interrupted) console.error(`chaos run failed: ${(err as Error).stack ?? err}`)
} finally {
  if (!interrupted) await server?.stop()
}
// When interrupted, the signal handler exits once the cleanup is done.
if (!interrupted) process.exit(code)
