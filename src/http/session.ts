// The session cookie of the pages. It holds only an opaque random secret (sessions-store.ts keeps
// its hash and everything else), is HttpOnly and SameSite=Lax, Secure whenever the service is
// served over https, and lives on Path=/ so every page sees it. Reading it never decodes anything:
// a well-formed secret is 43 base64url characters, and any other value (bad percent-encoding,
// control characters, a huge or duplicated cookie) is simply not a session.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import type { Clock } from '../domain/clock.js'
import { safeReturnTo } from '../domain/people.js'
import type { Queryable } from '../store/db.js'
import { SESSION_SECRET_RE, touchSession } from '../store/sessions-store.js'
import type { Principal } from '../store/tokens-store.js'

export const SESSION_COOKIE = 'enc_session'
/** Where a person without a session is sent: sign-in by e-mailed link (routes/sign-in.ts). */
export const SIGN_IN_PATH = '/sign-in'
/** Sign-in with an access token (police, boards, administrators), kept beside the e-mailed link. */
export const TOKEN_SIGN_IN_PATH = '/dashboard/login'

/**
 * Where to send a person who needs to sign in to see `request`, so that they come back to it: the
 * page's path (never its query, which may hold a search) when it is a GET of one of our pages.
 */
export function signInRedirect(request: FastifyRequest, ended: boolean): string {
  const params = new URLSearchParams()
  if (ended) params.set('ended', '1')
  const back = request.method === 'GET' || request.method === 'HEAD' ? safeReturnTo(request.url.split('?')[0]) : null
  if (back) params.set('returnTo', back)
  const q = params.toString()
  return q ? `${SIGN_IN_PATH}?${q}` : SIGN_IN_PATH
}
/** At most this many candidate values are looked up: duplicates beyond it are ignored. */
const MAX_CANDIDATES = 3

export const sessionLimits = (config: Config) => ({ idleMinutes: config.SESSION_IDLE_MINUTES, absoluteHours: config.SESSION_ABSOLUTE_HOURS })

/** Whether the request carries a cookie by our name at all, well-formed or not. */
export function hasSessionCookie(request: FastifyRequest): boolean {
  return sessionCookieParts(request).length > 0
}

function sessionCookieParts(request: FastifyRequest): string[] {
  const header = request.headers.cookie
  if (typeof header !== 'string') return []
  const out: string[] = []
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) out.push(part.slice(eq + 1).trim())
  }
  return out
}

/**
 * The well-formed session secrets the request carries. A browser may send two cookies of one name
 * (one set for another path or a parent domain); each well-formed one is a candidate.
 */
export function sessionSecrets(request: FastifyRequest): string[] {
  const out: string[] = []
  for (let value of sessionCookieParts(request)) {
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
    if (SESSION_SECRET_RE.test(value) && !out.includes(value)) out.push(value)
    if (out.length >= MAX_CANDIDATES) break
  }
  return out
}

/** The principal of the first live session the request carries, or null. */
export async function sessionPrincipal(request: FastifyRequest, db: Queryable, clock: Clock, config: Config): Promise<Principal | null> {
  for (const secret of sessionSecrets(request)) {
    const principal = await touchSession(db, secret, clock.now(), sessionLimits(config))
    if (principal) return principal
  }
  return null
}

const secureFlag = (config: Config) => (config.PUBLIC_BASE_URL.startsWith('https:') ? '; Secure' : '')

export function setSessionCookie(reply: FastifyReply, config: Config, secret: string): FastifyReply {
  const maxAge = config.SESSION_ABSOLUTE_HOURS * 3600
  return reply.header('set-cookie', [
    `${SESSION_COOKIE}=${secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secureFlag(config)}`,
    // The dashboard's cookie before sessions held the raw bearer token on this path: never keep it.
    `${SESSION_COOKIE}=; Path=/dashboard; HttpOnly; SameSite=Lax; Max-Age=0${secureFlag(config)}`,
  ])
}

export function clearSessionCookie(reply: FastifyReply, config: Config): FastifyReply {
  return reply.header('set-cookie', [
    `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secureFlag(config)}`,
    `${SESSION_COOKIE}=; Path=/dashboard; HttpOnly; SameSite=Lax; Max-Age=0${secureFlag(config)}`,
  ])
}
