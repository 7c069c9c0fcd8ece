// Liveness, readiness and Prometheus metrics for whoever runs the service.
import type { FastifyPluginAsync } from 'fastify'
import type { Services } from '../../services.js'

export const operationsRoutes =
  (services: Services): FastifyPluginAsync =>
  async (app) => {
    // Browsers ask for it on every page; an empty answer keeps their consoles clean.
    app.get('/favicon.ico', { schema: { hide: true } }, async (_request, reply) => reply.code(204).send())

    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }))

    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      const check = async (fn: () => Promise<unknown>) => {
        try {
          await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000))])
          return 'ok'
        } catch {
          return 'unavailable'
        }
      }
      const [postgres, redis] = await Promise.all([
        check(() => services.db.query('SELECT 1')),
        check(() => services.queues.connection.ping()),
      ])
      const ready = postgres === 'ok' && redis === 'ok'
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', postgres, redis })
    })

    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      try {
        const depths = await Promise.race([
          services.queues.depths(),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 1_000)),
        ])
        for (const [queue, counts] of Object.entries(depths)) {
          for (const [state, n] of Object.entries(counts)) services.metrics.queueDepth.set({ queue, state }, n)
        }
      } catch {
        // Redis away: the other metrics are still worth serving.
      }
      return reply.type(services.metrics.registry.contentType).send(await services.metrics.registry.metrics())
    })
  }
