// Who is calling, and may their role use this endpoint at all. Routes declare the roles they
// admit in `config.roles`; this hook answers 401 for a missing or bad token and 403 for a role
// the endpoint never serves. Scope (own force, own school) is checked by each route, answering
// 404 so out-of-scope records do not reveal they exist. The request limits (./limits.ts) are
// checked here, around the token lookup: an address over its failed-authentication budget before
// it, the verified principal's budget after it.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { authenticate, type Principal, type Role } from '../store/tokens-store.js'
import type { RequestLimits } from './limits.js'
import { HttpProblem } from './problem.js'

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null
  }
  interface FastifyContextConfig {
    roles?: readonly Role[]
    /** Browser pages: also accept the session cookie set by /dashboard/login. */
    cookieAuth?: boolean
  }
}

export const SESSION_COOKIE = 'enc_session'

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization
  if (!header) return null
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return m ? m[1]! : null
}

export function sessionToken(request: FastifyRequest): string | null {
  const cookies = request.headers.cookie ?? ''
  for (const part of cookies.split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === SESSION_COOKIE) return decodeURIComponent(v.join('='))
  }
  return null
}

export function registerAuth(app: FastifyInstance, db: Parameters<typeof authenticate>[0], limits: RequestLimits): void {
  app.decorateRequest('principal', null)
  app.addHook('onRequest', async (request, reply) => {
    limits.beforeAuthentication(request, reply)
    const roles = request.routeOptions.config.roles
    if (!roles) return
    const cookieAuth = request.routeOptions.config.cookieAuth === true
    const secret = bearerToken(request) ?? (cookieAuth ? sessionToken(request) : null)
    // A browser page without a session is sent to sign in rather than shown a JSON 401.
    if (!secret && cookieAuth) return reply.redirect('/dashboard/login', 303)
    if (!secret) {
      limits.authenticationFailed(request)
      throw new HttpProblem(401, 'Unauthorized', 'send Authorization: Bearer <token>')
    }
    const principal = await authenticate(db, secret)
    if (!principal) limits.authenticationFailed(request)
    if (!principal && cookieAuth && !bearerToken(request)) return reply.redirect('/dashboard/login', 303)
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
