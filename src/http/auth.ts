// Who is calling, and may their role use this endpoint at all. Routes declare the roles they
// admit in `config.roles`; this hook answers 401 for a missing or bad token and 403 for a role
// the endpoint never serves. Scope (own force, own school) is checked by each route, answering
// 404 so out-of-scope records do not reveal they exist. The request limits (./limits.ts) are
// checked here, around the lookup: an address over its failed-authentication budget before it,
// the verified principal's budget after it.
//
// Two kinds of caller: machines send `Authorization: Bearer <token>` (every route); people in a
// browser have a signed-in session (session.ts), which only the pages accept (`config.page`, set
// for every route in pages.ts). The JSON API never reads a cookie, so another site cannot make a
// signed-in browser call it.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Services } from '../services.js'
import { authenticate, type Principal, type Role } from '../store/tokens-store.js'
import type { RequestLimits } from './limits.js'
import { HttpProblem } from './problem.js'
import { clearSessionCookie, hasSessionCookie, sessionPrincipal, signInRedirect } from './session.js'

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null
  }
  interface FastifyContextConfig {
    roles?: readonly Role[]
    /** A page for people (pages.ts sets it): a session is accepted as well as a bearer token. */
    page?: boolean
  }
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization
  if (!header) return null
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return m ? m[1]! : null
}

/** The audit trail's name for a caller. */
export const actorOf = (p: Principal) => (p.person ? `person:${p.person.id}` : `token:${p.tokenId}`)

export function registerAuth(app: FastifyInstance, services: Pick<Services, 'db' | 'clock' | 'config'>, limits: RequestLimits): void {
  const { db, clock, config } = services
  app.decorateRequest('principal', null)
  app.addHook('onRequest', async (request, reply) => {
    limits.beforeAuthentication(request, reply)
    const roles = request.routeOptions.config.roles
    const page = request.routeOptions.config.page === true
    if (!roles && !page) return
    const secret = bearerToken(request)
    if (!secret && page) {
      const principal = await sessionPrincipal(request, db, clock, config)
      // A cookie that names no live session (signed out, timed out, revoked) is removed at once,
      // and counts as a failed authentication: random cookies buy no more lookups than tokens.
      if (!principal && hasSessionCookie(request)) {
        clearSessionCookie(reply, config)
        limits.authenticationFailed(request)
      }
      if (principal) {
        request.principal = principal
        limits.afterAuthentication(request, reply)
      }
      if (!roles) return
      // A person without a session is sent to sign in rather than shown a 401.
      if (!principal) return reply.redirect(signInRedirect(request, hasSessionCookie(request)), 303)
      if (!roles.includes(principal.role)) throw new HttpProblem(403, 'Forbidden', `the ${principal.role} role may not use this page`)
      return
    }
    if (!roles) return
    if (!secret) {
      limits.authenticationFailed(request)
      throw new HttpProblem(401, 'Unauthorized', 'send Authorization: Bearer <token>')
    }
    const principal = await authenticate(db, secret)
    if (!principal) limits.authenticationFailed(request)
    if (!principal) throw new HttpProblem(401, 'Unauthorized', 'the token is unknown, revoked or expired')
    request.principal = principal
    limits.afterAuthentication(request, reply)
    if (!roles.includes(principal.role)) {
      throw new HttpProblem(403, 'Forbidden', `the ${principal.role} role may not use this endpoint`)
    }
  })
}

/** The authenticated caller; only call on routes that declare roles. */
export function caller(request: FastifyRequest): Principal {
  if (!request.principal) throw new HttpProblem(401, 'Unauthorized', 'send Authorization: Bearer <token>')
  return request.principal
}
