// Liveness, readiness and Prometheus metrics for whoever runs the service.
import type { FastifyPluginAsync } from 'fastify'
import type { Services } from '../../services.js'
import { pingDatabase } from '../../store/db.js'
import { metricsAccess, renderMetrics } from '../metrics-endpoint.js'
import { sendProblem } from '../problem.js'
import { healthSchema, readinessSchema } from '../responses.js'

export const operationsRoutes =
  (services: Services): FastifyPluginAsync =>
  async (app) => {
    // Browsers ask for it on every page; an empty answer keeps their consoles clean.
    app.get('/favicon.ico', { schema: { hide: true } }, async (_request, reply) => reply.code(204).send())

    app.get('/healthz', { schema: { hide: true, response: { 200: healthSchema } } }, async () => ({ status: 'ok' as const }))

    app.get('/readyz', { schema: { hide: true, response: { 200: readinessSchema, 503: readinessSchema } } }, async (_request, reply) => {
      const check = async (fn: () => Promise<unknown>) => {
        try {
          await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000))])
          return 'ok'
        } catch {
          return 'unavailable'
        }
      }
      const [postgres, redis] = await Promise.all([
        check(() => pingDatabase(services.db)),
        check(() => services.queues.connection.ping()),
      ])
      const ready = postgres === 'ok' && redis === 'ok'
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', postgres, redis })
    })

    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      const access = metricsAccess(services.config, 'api', { authorization: request.headers.authorization, peer: request.socket.remoteAddress })
      if (!access.ok) return sendProblem(reply, access.status, access.detail)
      return reply.type(services.metrics.registry.contentType).send(await renderMetrics(services))
    })
  }
