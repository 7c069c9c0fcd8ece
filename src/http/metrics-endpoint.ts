// Who may read /metrics, and where it is served. Metrics carry no personal data, but they tell a
// stranger how many incidents a force reports and when its desk is quiet, so they are not public:
//   METRICS_PORT set   -> served only on their own listener (METRICS_HOST, default 127.0.0.1), in
//                         worker processes too; /metrics on the API port is 404.
//   METRICS_TOKEN set  -> `Authorization: Bearer <METRICS_TOKEN>` is required (on either listener).
//   neither, production  -> off (404): nothing is exposed by default.
//   neither, otherwise   -> this machine only (loopback peers), as a developer expects.
import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { Config } from '../config.js'
import type { Services } from '../services.js'

type Access = { ok: true } | { ok: false; status: 401 | 403 | 404; detail: string }

const digest = (s: string) => createHash('sha256').update(s).digest()

function tokenMatches(expected: string, authorization: string | undefined): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')
  return m !== null && timingSafeEqual(digest(m[1]!), digest(expected))
}

export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (/^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address))
}

/** May this request read metrics? `listener` is where it arrived. */
export function metricsAccess(
  config: Pick<Config, 'NODE_ENV' | 'METRICS_TOKEN' | 'METRICS_PORT'>,
  listener: 'api' | 'metrics',
  request: { authorization: string | undefined; peer: string | undefined },
): Access {
  if (listener === 'api' && config.METRICS_PORT !== undefined) return { ok: false, status: 404, detail: 'metrics are served on the metrics listener (METRICS_PORT)' }
  if (config.METRICS_TOKEN) {
    return tokenMatches(config.METRICS_TOKEN, request.authorization)
      ? { ok: true }
      : { ok: false, status: 401, detail: 'send Authorization: Bearer <METRICS_TOKEN>' }
  }
  if (listener === 'metrics') return { ok: true } // its bind address is the protection
  if (config.NODE_ENV === 'production') return { ok: false, status: 404, detail: 'metrics are off: set METRICS_TOKEN or METRICS_PORT' }
  return isLoopback(request.peer)
    ? { ok: true }
    : { ok: false, status: 403, detail: 'metrics answer this machine only; set METRICS_TOKEN to read them from elsewhere' }
}

/** The Prometheus text, with queue depths refreshed when Redis answers in time. */
export async function renderMetrics(services: Pick<Services, 'metrics' | 'queues'>): Promise<string> {
  try {
    const depths = await Promise.race([
      services.queues.depths(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 1_000).unref()),
    ])
    for (const [queue, counts] of Object.entries(depths)) {
      for (const [state, n] of Object.entries(counts)) services.metrics.queueDepth.set({ queue, state }, n)
    }
  } catch {
    // Redis away: the other metrics are still worth serving.
  }
  return services.metrics.registry.metrics()
}

/** The separate metrics listener (METRICS_PORT, or `port`; 0 picks a free one): GET /metrics only. */
export async function startMetricsListener(services: Pick<Services, 'config' | 'metrics' | 'queues'>, opts: { port?: number } = {}): Promise<Server> {
  const { config } = services
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: GET /metrics\n')
      return
    }
    const access = metricsAccess(config, 'metrics', { authorization: req.headers.authorization, peer: req.socket.remoteAddress })
    if (!access.ok) {
      res.writeHead(access.status, { 'content-type': 'text/plain; charset=utf-8', ...(access.status === 401 ? { 'www-authenticate': 'Bearer' } : {}) }).end(`${access.detail}\n`)
      return
    }
    renderMetrics(services).then(
      (text) => res.writeHead(200, { 'content-type': services.metrics.registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      () => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics unavailable\n'),
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? config.METRICS_PORT ?? 0, config.METRICS_HOST, () => resolve())
  })
  return server
}
