// /metrics: names that say what they are once, and readers the operator chose: this machine only
// in development, nobody in production unless METRICS_TOKEN or METRICS_PORT says otherwise.
import t from 'tap'
import { buildApp } from '../../src/app.js'
import type { Config } from '../../src/config.js'
import { loadConfig } from '../../src/config.js'
import { startMetricsListener } from '../../src/http/metrics-endpoint.js'
import { Metrics } from '../../src/metrics.js'
import { createHarness } from '../helpers/harness.js'

t.test('default process metrics carry the service prefix once', async (t) => {
  const text = await new Metrics({ defaultMetrics: true }).registry.metrics()
  const names = [...new Set(text.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]!))]
  t.ok(names.length > 20, `${names.length} metrics`)
  t.same(names.filter((n) => !n.startsWith('encompass_')), [], 'every name starts encompass_')
  t.same(names.filter((n) => /encompass_process_process_|encompass_(process_)?nodejs_nodejs_|_process_nodejs_/.test(n)), [], 'no doubled prefix')
  t.ok(names.includes('encompass_process_cpu_user_seconds_total'))
  t.ok(names.includes('encompass_nodejs_heap_size_total_bytes'))
  t.ok(names.includes('encompass_incidents_received_total'), 'the service’s own metrics beside them')
})

const h = await createHarness()
t.teardown(() => h.close())
const TOKEN = 'metrics-scraper-token-0123456789abcdef'
const get = (app = h.app, remoteAddress = '127.0.0.1', authorization?: string) =>
  app.inject({ method: 'GET', url: '/metrics', remoteAddress, headers: authorization ? { authorization } : {} })
/** The same service with other metrics settings, as the environment would give them. */
const withSettings = async (env: Record<string, string>) => {
  const config: Config = { ...h.services.config, ...loadConfig({ ...env, ACK_LINK_SECRET: 'x'.repeat(40), AUDIT_HMAC_KEY: 'y'.repeat(40) }), DATABASE_URL: h.services.config.DATABASE_URL }
  const app = await buildApp({ ...h.services, config })
  t.teardown(() => app.close())
  return { app, config }
}

t.test('development: this machine may read /metrics, another may not', async (t) => {
  const local = await get()
  t.equal(local.statusCode, 200)
  t.match(local.body, /encompass_incidents_received_total/)
  t.equal((await get(h.app, '::1')).statusCode, 200, 'IPv6 loopback')
  const remote = await get(h.app, '203.0.113.9')
  t.equal(remote.statusCode, 403)
  t.equal(remote.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(remote.json().detail, /METRICS_TOKEN/)
  t.notMatch(remote.body, /encompass_/)
})

t.test('production with no metrics setting exposes nothing, not even to this machine', async (t) => {
  const { app } = await withSettings({ NODE_ENV: 'production' })
  for (const peer of ['127.0.0.1', '203.0.113.9']) {
    const res = await get(app, peer)
    t.equal(res.statusCode, 404, `from ${peer}`)
    t.notMatch(res.body, /encompass_/)
  }
  t.ok(loadConfig({ NODE_ENV: 'production', ACK_LINK_SECRET: 'x'.repeat(40), AUDIT_HMAC_KEY: 'y'.repeat(40) }).warnings.some((w) => /\/metrics is off/.test(w)), 'and start-up says so')
})

t.test('METRICS_TOKEN: a scraper with the token reads metrics from anywhere; nobody else does', async (t) => {
  t.throws(() => loadConfig({ METRICS_TOKEN: 'short' }), /METRICS_TOKEN: must be at least 32 characters/)
  for (const NODE_ENV of ['production', 'development']) {
    const { app } = await withSettings({ NODE_ENV, METRICS_TOKEN: TOKEN })
    const none = await get(app, '127.0.0.1')
    t.equal(none.statusCode, 401, `${NODE_ENV}: no token, even locally`)
    t.equal(none.headers['www-authenticate'], 'Bearer')
    t.equal((await get(app, '203.0.113.9', `Bearer ${TOKEN}x`)).statusCode, 401, `${NODE_ENV}: a wrong token`)
    const api = await h.token('admin')
    t.equal((await get(app, '203.0.113.9', `Bearer ${api}`)).statusCode, 401, `${NODE_ENV}: an API token is not the metrics token`)
    const ok = await get(app, '203.0.113.9', `Bearer ${TOKEN}`)
    t.equal(ok.statusCode, 200, `${NODE_ENV}: the token`)
    t.match(ok.body, /encompass_notifications_total/)
  }
})

t.test('METRICS_PORT: metrics move to their own listener on this machine', async (t) => {
  const { app, config } = await withSettings({ NODE_ENV: 'production', METRICS_PORT: '9464' })
  t.equal(config.METRICS_HOST, '127.0.0.1', 'bound to this machine by default')
  t.equal((await get(app)).statusCode, 404, 'not on the API port')
  const listener = await startMetricsListener({ ...h.services, config }, { port: 0 })
  t.teardown(() => new Promise((resolve) => listener.close(resolve)))
  const { address, port } = listener.address() as { address: string; port: number }
  t.equal(address, '127.0.0.1')
  const res = await fetch(`http://127.0.0.1:${port}/metrics`)
  t.equal(res.status, 200)
  t.match(await res.text(), /encompass_incidents_received_total/)
  t.equal((await fetch(`http://127.0.0.1:${port}/v1/incidents`)).status, 404, 'nothing else is served there')

  const guarded = await startMetricsListener({ ...h.services, config: { ...config, METRICS_TOKEN: TOKEN } }, { port: 0 })
  t.teardown(() => new Promise((resolve) => guarded.close(resolve)))
  const gport = (guarded.address() as { port: number }).port
  t.equal((await fetch(`http://127.0.0.1:${gport}/metrics`)).status, 401, 'with a token set, the listener wants it too')
  t.equal((await fetch(`http://127.0.0.1:${gport}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200)
})
