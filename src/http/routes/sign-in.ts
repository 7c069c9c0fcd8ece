// Signing in and out of the pages. A board member, an administrator, or a police Encompass officer
// or desk signs in with the access token they were issued; the token proves who they are once, and
// the browser then holds only a session (session.ts), never the token. Each role lands on its own
// home page (homeOf). Sign-out ends the session on the server, so a copied cookie stops working at
// once. Both are in the audit trail.
import type { FastifyPluginAsync } from 'fastify'
import type { Services } from '../../services.js'
import { audit } from '../../store/audit-store.js'
import { createSession, revokeSession } from '../../store/sessions-store.js'
import { authenticate, type Role } from '../../store/tokens-store.js'
import { actorOf } from '../auth.js'
import { field, formErrors } from '../forms.js'
import { clearSessionCookie, sessionLimits, sessionSecrets, setSessionCookie, SIGN_IN_PATH } from '../session.js'

/** Who may sign in here with an access token (Key Adults sign in by their e-mailed link). */
const TOKEN_SIGN_IN_ROLES: readonly Role[] = ['police', 'auditor', 'admin']

/** Where each role starts: officers and desks at their force's incidents, boards at the dashboard. */
export function homeOf(role: Role): string {
  return role === 'police' ? '/incidents' : '/dashboard'
}

export const signInRoutes =
  (services: Services): FastifyPluginAsync =>
  async (app) => {
    const { db, clock, config } = services
    const limits = sessionLimits(config)
    const signInPage = { pageTitle: 'Sign in', idleMinutes: limits.idleMinutes, absoluteHours: limits.absoluteHours }

    app.get(SIGN_IN_PATH, { schema: { hide: true } }, async (request, reply) => {
      if (request.principal?.sessionId && TOKEN_SIGN_IN_ROLES.includes(request.principal.role)) return reply.redirect(homeOf(request.principal.role), 303)
      const ended = (request.query as Record<string, unknown>).ended === '1'
      return reply.page('sign-in.njk', { ...signInPage, notice: ended ? 'Your session has ended. Sign in again to carry on.' : undefined })
    })

    app.post(SIGN_IN_PATH, { config: { takesCredentials: true }, schema: { hide: true } }, async (request, reply) => {
      const token = field(request.body, 'token').trim()
      if (token === '') {
        return reply.page('sign-in.njk', { ...signInPage, errors: formErrors([{ field: 'token', text: 'Enter your access token' }]) }, 400)
      }
      const principal = token.length <= 200 ? await authenticate(db, token) : null
      if (!principal) request.server.limits.authenticationFailed(request)
      if (!principal || !TOKEN_SIGN_IN_ROLES.includes(principal.role)) {
        const text = 'That token is not a police, auditor or administrator token, or it has expired'
        return reply.page('sign-in.njk', { ...signInPage, errors: formErrors([{ field: 'token', text }]) }, 401)
      }
      const now = clock.now()
      // Signing in again replaces whatever session this browser had: one live session per sign-in.
      for (const secret of sessionSecrets(request)) await revokeSession(db, secret, now)
      const session = await createSession(db, principal, now, limits)
      await audit(db, {
        at: now, actor: actorOf(principal), actorRole: principal.role, action: 'session.start', subjectType: 'session',
        subjectId: session.id, reason: 'signed in with an access token', detail: { requestId: request.id, expiresAt: session.expiresAt.toISOString() },
      })
      return setSessionCookie(reply, config, session.secret).redirect(homeOf(principal.role), 303)
    })

    // The old dashboard form posted here; one handler for both.
    for (const path of ['/sign-out', '/dashboard/logout']) {
      app.post(path, { schema: { hide: true } }, async (request, reply) => {
        const now = clock.now()
        for (const secret of sessionSecrets(request)) {
          const ended = await revokeSession(db, secret, now)
          if (ended) {
            await audit(db, {
              at: now, actor: request.principal ? actorOf(request.principal) : 'anonymous', actorRole: request.principal?.role ?? null,
              action: 'session.end', subjectType: 'session', subjectId: ended, reason: 'signed out', detail: { requestId: request.id },
            })
          }
        }
        return clearSessionCookie(reply, config).redirect('/signed-out', 303)
      })
    }

    app.get('/signed-out', { schema: { hide: true } }, async (_request, reply) => reply.page('signed-out.njk', { pageTitle: 'You have signed out' }))
  }
