// Builds the Fastify application — plugins and routes — without listening, so tests and main.ts
// share exactly the same app.
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { createHash } from 'node:crypto'
import { bearerToken, registerAuth } from './http/auth.js'
import { openApiOptions } from './http/openapi.js'
import { registerProblemHandlers } from './http/problem.js'
import { auditRoutes } from './http/routes/audit.js'
import { dashboardRoutes } from './http/routes/dashboard.js'
import { reportRoutes } from './http/routes/reports.js'
import { forceRoutes } from './http/routes/forces.js'
import { incidentRoutes } from './http/routes/incidents.js'
import { notificationRoutes } from './http/routes/notifications.js'
import { operationsRoutes } from './http/routes/operations.js'
import { schoolRoutes } from './http/routes/schools.js'
import { reviewRoutes } from './http/routes/review.js'
import { directoryRoutes } from './http/routes/directory.js'
import type { Services } from './services.js'

export async function buildApp(services: Services, opts: { rateLimitPerMinute?: number } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: services.logger as FastifyBaseLogger,
    bodyLimit: services.config.BODY_LIMIT_BYTES,
    trustProxy: true,
    // We log each request ourselves on response, by route pattern rather than raw URL, so that no
    // id, query or acknowledgement token in a path reaches the logs.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: 'x-request-id',
  }).withTypeProvider<ZodTypeProvider>()
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  registerProblemHandlers(app)
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    )
  })
  // JSON only: a text/plain body is a 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain')
  // An action like POST .../acknowledge needs no body; accept an empty one sent as JSON.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined)
    parseJson(request, body as string, done)
  })

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        // Behind plain http (a developer machine) upgrading would break every asset.
        upgradeInsecureRequests: services.config.PUBLIC_BASE_URL.startsWith('https:') ? [] : null,
      },
    },
  })
  await app.register(rateLimit, {
    max: opts.rateLimitPerMinute ?? 1200,
    timeWindow: '1 minute',
    // Per token where there is one (hashed: the secret never becomes a map key), else per address.
    keyGenerator: (request) => {
      const token = bearerToken(request)
      return token ? `t:${createHash('sha256').update(token).digest('base64url').slice(0, 22)}` : `ip:${request.ip}`
    },
    allowList: (request) => ['/healthz', '/readyz', '/metrics'].includes(request.url),
  })
  await app.register(swagger, openApiOptions())
  await app.register(swaggerUi, { routePrefix: '/docs' })

  registerAuth(app, services.db)
  await app.register(operationsRoutes(services))
  await app.register(incidentRoutes(services))
  await app.register(reviewRoutes(services))
  await app.register(directoryRoutes(services))
  await app.register(schoolRoutes(services))
  await app.register(notificationRoutes(services))
  await app.register(forceRoutes(services))
  await app.register(auditRoutes(services))
  await app.register(reportRoutes(services))
  await app.register(dashboardRoutes(services))
  return app
}
