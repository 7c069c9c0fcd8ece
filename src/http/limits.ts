// Request limits that hold against strangers. Three budgets, each a fixed one-minute window per
// API process, each keyed on something the caller cannot choose:
// - per verified token (the principal's token id, known only after authentication), so sending a
//   token in another spelling buys nothing;
// - failed authentications per client address: once over, a request carrying credentials is
//   refused before its token is looked up, so random tokens cannot buy database work;
// - requests without credentials (links, pages, unknown routes) per client address.
// The client address is the socket's peer unless TRUST_PROXY names the proxies that may tell us
// otherwise (src/app.ts). Health, readiness and metrics probes are not counted.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import { HttpProblem } from './problem.js'

declare module 'fastify' {
  interface FastifyInstance {
    limits: RequestLimits
  }
  interface FastifyContextConfig {
    /** The route looks up a credential sent in its body (a sign-in form). */
    takesCredentials?: boolean
  }
}

const WINDOW_MS = 60_000
const UNCOUNTED = new Set(['/healthz', '/readyz', '/metrics'])

/** Counts per key in fixed windows; at most `maxKeys` keys, the oldest windows forgotten first. */
class WindowCounter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>()
  constructor(readonly max: number, private readonly maxKeys = 100_000) {}

  /** Counts one; returns the count so far in this window and when the window ends. */
  hit(key: string, now: number): { count: number; resetAt: number } {
    let w = this.windows.get(key)
    if (!w || w.resetAt <= now) {
      this.windows.delete(key)
      if (this.windows.size >= this.maxKeys) this.evict(now)
      w = { count: 0, resetAt: now + WINDOW_MS }
      this.windows.set(key, w)
    }
    w.count += 1
    return w
  }

  /** Seconds until `key` may try again, or 0 while it is within its budget. */
  blockedFor(key: string, now: number): number {
    const w = this.windows.get(key)
    return w && w.resetAt > now && w.count >= this.max ? Math.ceil((w.resetAt - now) / 1000) : 0
  }

  private evict(now: number): void {
    // Insertion order is window-start order: drop expired windows, then the oldest.
    for (const [key, w] of this.windows) {
      if (this.windows.size < this.maxKeys * 0.9) break
      if (w.resetAt <= now || this.windows.size >= this.maxKeys) this.windows.delete(key)
    }
  }
}

export class RequestLimits {
  readonly principals: WindowCounter
  readonly anonymous: WindowCounter
  readonly failures: WindowCounter

  constructor(config: Pick<Config, 'RATE_LIMIT_PER_MINUTE' | 'RATE_LIMIT_ANONYMOUS_PER_MINUTE' | 'AUTH_FAILURES_PER_MINUTE'>) {
    this.principals = new WindowCounter(config.RATE_LIMIT_PER_MINUTE)
    this.anonymous = new WindowCounter(config.RATE_LIMIT_ANONYMOUS_PER_MINUTE)
    this.failures = new WindowCounter(config.AUTH_FAILURES_PER_MINUTE)
  }

  /** Before authentication: an address over its failure budget gets no token looked up. */
  beforeAuthentication(request: FastifyRequest, reply: FastifyReply): void {
    if (UNCOUNTED.has(request.routeOptions.url ?? '')) return
    const config = request.routeOptions.config
    const now = Date.now()
    if (config.roles || config.takesCredentials) {
      const wait = this.failures.blockedFor(request.ip, now)
      if (wait > 0) {
        reply.header('retry-after', String(wait))
        throw new HttpProblem(429, 'Too Many Requests', `too many failed authentications from this address; retry after ${wait} s`)
      }
      if (config.roles) return // counted per principal once it is known
    }
    this.count(this.anonymous, `ip:${request.ip}`, reply, now, 'too many requests from this address; slow down and retry')
  }

  /** After authentication succeeded: the verified principal's budget. */
  afterAuthentication(request: FastifyRequest, reply: FastifyReply): void {
    if (!request.principal) return
    const who = request.principal.person ? `person:${request.principal.person.id}` : `token:${request.principal.tokenId}`
    this.count(this.principals, who, reply, Date.now(), 'too many requests for this token; slow down and retry')
  }

  /** A request to the API came with no credential, or one found unknown, revoked or expired. */
  authenticationFailed(request: FastifyRequest): void {
    const w = this.failures.hit(request.ip, Date.now())
    if (w.count === this.failures.max) request.log.warn({ ip: request.ip }, 'address over its failed-authentication budget: tokens from it are not looked up until the window ends')
  }

  private count(counter: WindowCounter, key: string, reply: FastifyReply, now: number, detail: string): void {
    const w = counter.hit(key, now)
    const reset = Math.ceil((w.resetAt - now) / 1000)
    reply.header('x-ratelimit-limit', String(counter.max))
    reply.header('x-ratelimit-remaining', String(Math.max(0, counter.max - w.count)))
    reply.header('x-ratelimit-reset', String(reset))
    if (w.count > counter.max) {
      reply.header('retry-after', String(reset))
      throw new HttpProblem(429, 'Too Many Requests', detail)
    }
  }
}

export function registerLimits(app: FastifyInstance, config: Config): RequestLimits {
  const limits = new RequestLimits(config)
  app.decorate('limits', limits)
  return limits
}
