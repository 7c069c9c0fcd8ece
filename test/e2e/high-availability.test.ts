// The pieces a deployment across several machines needs, with real parts: Redis found through
// Sentinel (a redis-server of our own and a redis-server in sentinel mode, both on free loopback
// ports), including after the primary moves; and the boards' reports read from a second database
// (standing in for a streaming replica) while everything they audit goes to the primary.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { Redis } from 'ioredis'
import { PrivateRedis } from '../helpers/private-redis.js'
import { freePort, killOnExit, sleep } from '../helpers/procs.js'
import { loadConfig } from '../../src/config.js'
import { seedDemo } from '../../src/demo/seed-demo.js'
import { aSchool, anIncident, createHarness, createTestDatabase, eventually } from '../helpers/harness.js'

async function sentinelFor(primaryPort: number): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'enc-sentinel-'))
  const conf = join(dir, 'sentinel.conf')
  writeFileSync(conf, `port ${port}\nbind 127.0.0.1\nsentinel monitor enc 127.0.0.1 ${primaryPort} 1\nsentinel down-after-milliseconds enc 1000\nsentinel failover-timeout enc 5000\n`)
  const proc = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore', detached: true })
  killOnExit(proc)
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  r.on('error', () => {})
  for (let i = 0; ; i++) {
    try {
      if (r.status !== 'ready') await r.connect()
      const addr = (await r.call('SENTINEL', 'get-master-addr-by-name', 'enc')) as string[] | null
      if (addr && Number(addr[1]) === primaryPort) break
    } catch {
      // not up yet
    }
    if (i > 200) throw new Error('sentinel did not come up')
    await sleep(50)
  }
  r.disconnect()
  return {
    port,
    async stop() {
      const exited = new Promise((res) => proc.once('exit', res))
      proc.kill('SIGTERM')
      await exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

t.test('REDIS_SENTINELS: the service finds Redis through Sentinel, and follows a failover', async (t) => {
  const primary = new PrivateRedis()
  await primary.start()
  t.teardown(() => primary.stop())
  const replica = new PrivateRedis()
  await replica.start()
  t.teardown(() => replica.stop())
  const r = new Redis(replica.url)
  await r.call('REPLICAOF', '127.0.0.1', String(primary.port))
  r.disconnect()
  const sentinel = await sentinelFor(primary.port)
  t.teardown(() => sentinel.stop())

  const h = await createHarness({ workers: true, env: { REDIS_SENTINELS: `127.0.0.1:${sentinel.port}`, REDIS_SENTINEL_NAME: 'enc' } })
  t.teardown(() => h.close())
  const admin = await h.token('admin')
  const police = await h.token('police', 'cleveland')
  const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
  await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool() })

  const sendOne = async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident() })
    t.equal(res.statusCode, 202)
    return eventually(async () => {
      const v = (await h.app.inject({ method: 'GET', url: `/v1/incidents/${res.json().id}`, headers: json(police) })).json()
      return v.children[0].notification?.sentAt ? v : null
    }, 30_000)
  }
  await sendOne()
  const onPrimary = new Redis(primary.url)
  t.ok((await onPrimary.keys(`${h.prefix}:*`)).length > 0, 'the queues live on the primary the Sentinel named')
  onPrimary.disconnect()

  // The primary goes; the Sentinel promotes the replica; the service carries on.
  await primary.shutdown()
  await eventually(async () => {
    const s = new Redis({ port: sentinel.port, host: '127.0.0.1' })
    const addr = (await s.call('SENTINEL', 'get-master-addr-by-name', 'enc')) as string[]
    s.disconnect()
    return Number(addr[1]) === replica.port
  }, 30_000)
  const after = await sendOne()
  t.ok(after.children[0].notification.sentAt, 'an incident after the failover is delivered too')
})

t.test('REPORTS_DATABASE_URL: reports and the dashboard read the replica; their audit entries go to the primary', async (t) => {
  const replica = await createTestDatabase()
  t.teardown(() => replica.drop())
  await seedDemo(replica.db, { incidents: 200, seed: 3, end: new Date('2026-11-20T12:00:00Z') }, () => {})
  const h = await createHarness({ workers: false })
  t.teardown(() => h.close())
  h.services.reportsDb = replica.db
  const auditor = await h.token('auditor')
  const res = await h.app.inject({
    method: 'GET', url: '/v1/reports/latency?from=2025-11-21&to=2026-11-20&groupBy=month', headers: { authorization: `Bearer ${auditor}` },
  })
  t.equal(res.statusCode, 200)
  t.ok(res.json().overall.notifications > 0, 'the figures come from the replica (the primary has no notifications)')
  const primaryCount = await h.services.db.query('SELECT count(*)::int AS n FROM notifications')
  t.equal(primaryCount.rows[0].n, 0)
  const audited = await h.services.db.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'report.latency'")
  t.equal(audited.rows[0].n, 1, 'the read is audited on the primary')
  t.ok(loadConfig({ REPORTS_DATABASE_URL: 'postgres://reader@replica.internal:5432/encompass' }).REPORTS_DATABASE_URL, 'the setting parses')
  t.throws(() => loadConfig({ REDIS_SENTINELS: 'not a list' }), /REDIS_SENTINELS/, 'a bad Sentinel list stops start-up, naming the setting')
})
