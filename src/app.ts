// Builds the Fastify application — plugins and routes — without listening, so tests and main.ts
// share exactly the same app.
import helmet from '@fastify/helmet'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify'
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Config } from './config.js'
import { registerAuth } from './http/auth.js'
import { openApiOptions } from './http/openapi.js'
import { registerAssets } from './http/assets.js'
import { requireSameOriginForms } from './http/forms.js'
import { registerLimits } from './http/limits.js'
import { pageNotFound, pageRoutes } from './http/pages.js'
import { frameworkError, registerProblemHandlers } from './http/problem.js'
import { registerPages } from './http/render.js'
import { auditRoutes } from './http/routes/audit.js'
import { reportRoutes } from './http/routes/reports.js'
import { subjectAccessRoutes } from './http/routes/subject-access.js'
import { boardReportRoutes } from './http/routes/board-report.js'
import { forceRoutes } from './http/routes/forces.js'
import { incidentRoutes } from './http/routes/incidents.js'
import { notificationRoutes } from './http/routes/notifications.js'
import { operationsRoutes } from './http/routes/operations.js'
import { schoolRoutes } from './http/routes/schools.js'
import { reviewRoutes } from './http/routes/review.js'
import { directoryRoutes } from './http/routes/directory.js'
import type { Services } from './services.js'

const routeLists = new WeakMap<FastifyInstance, RouteOptions[]>()

/**
 * Every route the app registered, as Fastify saw it (hidden pages, the docs and the HEAD routes
 * Fastify adds included): for tests that must cover every route, including ones added later.
 */
export function registeredRoutes(app: FastifyInstance): readonly RouteOptions[] {
  return routeLists.get(app) ?? []
}

// A caller's X-Request-Id is kept (it ties our log lines and audit rows to theirs) only when it is
// short and plain; anything else would carry a caller's bytes into the logs and the audit trail.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id']
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID()
}

/** Which peers may set the client address by X-Forwarded-For: none, a hop count, or named ones. */
function trustProxyOf(config: Config): false | string[] | ((address: string, hop: number) => boolean) {
  const t = config.TRUST_PROXY
  if (t === undefined) return false
  // A hop count trusts whoever is nearest: only for a service reachable through its proxies alone.
  if (typeof t === 'number') return (_address, hop) => hop < t
  return t
}

export async function buildApp(services: Services): Promise<FastifyInstance> {
  const { config } = services
  const app = Fastify({
    loggerInstance: services.logger as FastifyBaseLogger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: trustProxyOf(config),
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS,
    connectionTimeout: config.CONNECTION_TIMEOUT_MS,
    // Node checks for requests past their time at this interval (30 s by default, which would let
    // a slow request run on well past REQUEST_TIMEOUT_MS); headers get the same budget.
    http: { requestTimeout: config.REQUEST_TIMEOUT_MS, connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(config.REQUEST_TIMEOUT_MS / 4))) },
    // We log each request ourselves on response, by route pattern rather than raw URL, so that no
    // id, query or acknowledgement token in a path reaches the logs.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: requestIdOf,
    // A path the router cannot decode (bad percent-encoding, an over-long segment) is the caller's
    // mistake: a problem like any other, never echoing the path (it may hold a token).
    frameworkErrors: frameworkError,
  }).withTypeProvider<ZodTypeProvider>()
  const routes: RouteOptions[] = []
  routeLists.set(app, routes)
  app.addHook('onRoute', (route) => {
    routes.push(route)
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  registerProblemHandlers(app, { notFoundPage: pageNotFound })
  registerPages(app)
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
    // Nothing but our own files: no inline script or style anywhere (the pages load theirs from
    // /assets), no framing, forms that post only to us.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // Behind plain http (a developer machine) upgrading would break every asset.
        upgradeInsecureRequests: services.config.PUBLIC_BASE_URL.startsWith('https:') ? [] : null,
      },
    },
    // Our own pages' forms must name their origin (forms.ts checks it); no other site ever sees a
    // URL of ours, which for the acknowledgement page holds its link's token.
    referrerPolicy: { policy: 'same-origin' },
  })
  await app.register(swagger, openApiOptions())
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // Swagger UI sets style attributes as it draws; only its own pages (no personal data, no
    // forms) relax style-src for that.
    transformStaticCSP: (header) => header.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
  })

  registerAssets(app)
  requireSameOriginForms(app, services.config)
  registerAuth(app, services, registerLimits(app, config))
  const resources = [
    operationsRoutes, incidentRoutes, reviewRoutes, directoryRoutes, schoolRoutes, notificationRoutes, forceRoutes,
    auditRoutes, reportRoutes, subjectAccessRoutes, boardReportRoutes, pageRoutes,
  ]
  for (const plugin of resources) await app.register(plugin(services))
  return app
}
