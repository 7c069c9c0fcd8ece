// Signing in and out of the pages.
//
// /sign-in: everyone on file (Key Adults named in a setting's contacts, and people registered by
// an administrator) types their e-mail address and is sent a one-time link (flows/sign-in.ts).
// The answer is the same page whether or not the address is known, and whether or not a link was
// sent; the request only stores the link and enqueues its id. The link's page (GET) shows a Sign
// in button and changes nothing, since mail scanners open links; pressing it (POST, same-origin
// checked with every form) uses the link and starts the session, then returns the person to the
// page they were asked to sign in for (`returnTo`: a path on this site only).
//
// /dashboard/login: a police officer or desk, a board member or an administrator may still sign in
// with the access token they were issued; the token proves who they are once, and the browser
// then holds only a session (session.ts), never the token.
//
// Sign-out ends the session on the server, so a copied cookie stops working at once. Sign-ins and
// sign-outs are in the audit trail, against the person or the token.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { emailSchema, safeReturnTo } from '../../domain/people.js'
import { SIGN_IN_LINK_TTL_MS, SIGN_IN_REQUESTS_PER_CLIENT } from '../../domain/sign-in-links.js'
import { requestSignInLink, signInWithLink, viewSignInLink } from '../../flows/sign-in.js'
import type { Services } from '../../services.js'
import { audit } from '../../store/audit-store.js'
import type { Identity } from '../../store/people-store.js'
import { createSession, revokeSession } from '../../store/sessions-store.js'
import { authenticate, type Role } from '../../store/tokens-store.js'
import { actorOf } from '../auth.js'
import { field, formErrors } from '../forms.js'
import { languagesChosen, type Language } from '../../domain/languages.js'
import { PageText } from '../../i18n/page-text.js'
import { t, type MessageKey } from '../../i18n/translate.js'
import { homeOf } from '../render.js'
import { clearSessionCookie, sessionLimits, sessionSecrets, setSessionCookie, SIGN_IN_PATH, TOKEN_SIGN_IN_PATH } from '../session.js'

/** Who may sign in with an access token (Key Adults sign in by their e-mailed link). */
const TOKEN_SIGN_IN_ROLES: readonly Role[] = ['police', 'auditor', 'admin']

export { homeOf }

/**
 * Sign-in requests per client address in a 15-minute window, per API process, counted whatever
 * address was typed (known or not), so that the count itself tells nothing.
 */
class SignInRequestCounter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>()
  /** Counts one; returns the seconds to wait when over the limit, else 0. */
  hit(key: string, now: number): number {
    let w = this.windows.get(key)
    if (!w || w.resetAt <= now) {
      if (this.windows.size > 50_000) for (const [k, v] of this.windows) if (v.resetAt <= now) this.windows.delete(k)
      w = { count: 0, resetAt: now + SIGN_IN_LINK_TTL_MS }
      this.windows.set(key, w)
    }
    w.count += 1
    return w.count > SIGN_IN_REQUESTS_PER_CLIENT ? Math.ceil((w.resetAt - now) / 1000) : 0
  }
}

const identityChoices = (pt: PageText, identities: Identity[]) =>
  identities.map((i) => ({ value: i.role, html: pt.both(`page.role.${i.role}` as MessageKey) }))

// The person is not known before signing in, so the pages offer a language: "Cymraeg" shows them
// Welsh first, then English (?lang=cy, carried through each form in a hidden field and kept with
// the link, so its e-mail and page follow); "English" goes back to English only. A query
// parameter changes nothing stored: GET stays safe.
const chosenLanguage = (v: unknown): Language | null => (v === 'cy' ? 'cy' : null)

/** What a sign-in page needs to be in the chosen language: its languages and the link to the other. */
function inLanguage(chosen: Language | null, path: string, keep: Record<string, string | null | undefined> = {}) {
  const languages = languagesChosen(chosen)
  const other: Language = chosen === 'cy' ? 'en' : 'cy'
  const query = new URLSearchParams({ lang: other })
  for (const [k, v] of Object.entries(keep)) if (v) query.set(k, v)
  return {
    languages,
    pt: new PageText(languages),
    page: { languages, chosenLang: chosen, languageSwitch: { href: `${path}?${query.toString()}`, lang: other, text: t(other, 'page.language.name') } },
  }
}

export const signInRoutes =
  (services: Services): FastifyPluginAsync =>
  async (app) => {
    const { db, clock, config } = services
    const limits = sessionLimits(config)
    const sessionNote = { idleMinutes: limits.idleMinutes, absoluteHours: limits.absoluteHours }
    const tokenPage = { pageTitle: 'Sign in with an access token', ...sessionNote }
    const requests = new SignInRequestCounter()

    const returnToOf = (request: FastifyRequest) => safeReturnTo((request.query as Record<string, unknown>)?.returnTo)

    /** A page already signed in has nothing to sign in to: on to where it was going. */
    const alreadySignedIn = (request: FastifyRequest, reply: FastifyReply) => {
      const p = request.principal
      if (!p?.sessionId) return null
      return reply.redirect(returnToOf(request) ?? homeOf(p.role), 303)
    }

    app.get(SIGN_IN_PATH, { schema: { hide: true } }, async (request, reply) => {
      const done = alreadySignedIn(request, reply)
      if (done) return done
      const q = request.query as Record<string, unknown>
      const returnTo = returnToOf(request)
      const { pt, page } = inLanguage(chosenLanguage(q.lang), SIGN_IN_PATH, { returnTo })
      return reply.page('sign-in-email.njk', {
        ...page, pageTitle: pt.say('page.signIn.title'), ...sessionNote, returnTo,
        notice: q.ended === '1' ? pt.both('page.signIn.ended', undefined, '<br>') : undefined,
      })
    })

    app.post(SIGN_IN_PATH, { schema: { hide: true } }, async (request, reply) => {
      const typed = field(request.body, 'email')
      const returnTo = safeReturnTo(field(request.body, 'returnTo'))
      const chosen = chosenLanguage(field(request.body, 'lang'))
      const parsed = emailSchema.safeParse(typed)
      if (!parsed.success) {
        const { pt, page } = inLanguage(chosen, SIGN_IN_PATH, { returnTo })
        const key = typed.trim() === '' ? 'page.signIn.emailEmpty' : 'page.signIn.emailFormat'
        return reply.page('sign-in-email.njk', {
          ...page, pageTitle: pt.say('page.signIn.title'), ...sessionNote, returnTo, values: { email: typed }, errors: pt.errors([{ field: 'email', key }]),
        }, 400)
      }
      const wait = requests.hit(request.ip, Date.now())
      if (wait > 0) {
        const minutes = Math.max(1, Math.ceil(wait / 60))
        return reply.header('retry-after', String(wait)).page('error.njk', {
          pageTitle: 'Too many requests',
          message: [`Too many sign-in links have been asked for from this device. Wait ${minutes} minute${minutes === 1 ? '' : 's'}, then try again.`,
            'If you have already asked for a link, check your e-mail (and its spam or junk folder): the link works for 15 minutes.'],
        }, 429)
      }
      // Known or not, sent or held back by the per-address limit: the same page.
      await requestSignInLink(services, parsed.data, returnTo, chosen)
      const { pt, page } = inLanguage(chosen, SIGN_IN_PATH, { returnTo })
      // The sent page answers a POST: its switch goes to the sign-in page in the other language.
      return reply.page('sign-in-sent.njk', { ...page, pageTitle: pt.say('page.signIn.sentTitle'), email: parsed.data, minutes: SIGN_IN_LINK_TTL_MS / 60_000 })
    })

    const linkInvalid = (reply: FastifyReply, chosen: Language | null, path: string) => {
      const { pt, page } = inLanguage(chosen, path)
      return reply.page('sign-in-link-invalid.njk', { ...page, pageTitle: pt.say('page.signIn.invalidTitle') }, 404)
    }

    app.get('/sign-in/link/:token', { schema: { hide: true } }, async (request, reply) => {
      const { token } = request.params as { token: string }
      const q = request.query as Record<string, unknown>
      const path = `/sign-in/link/${token}`
      const view = await viewSignInLink(services, token)
      // The language asked for on this page, else the one chosen when the link was asked for.
      const chosen = q.lang === 'en' ? null : chosenLanguage(q.lang) ?? view?.language ?? null
      if (!view) return linkInvalid(reply, chosen, path)
      const { pt, page } = inLanguage(chosen, path)
      return reply.header('x-robots-tag', 'noindex').page('sign-in-link.njk', {
        ...page, pageTitle: pt.say('page.signIn.linkTitle'), action: path,
        choices: view.identities.length > 1 ? identityChoices(pt, view.identities) : null,
      })
    })

    app.post('/sign-in/link/:token', { config: { takesCredentials: true }, schema: { hide: true } }, async (request, reply) => {
      const { token } = request.params as { token: string }
      const role = field(request.body, 'role') || null
      const chosen = chosenLanguage(field(request.body, 'lang'))
      const path = `/sign-in/link/${token}`
      const outcome = await signInWithLink(services, token, role, limits, request.id)
      if ('invalid' in outcome) {
        request.server.limits.authenticationFailed(request)
        return linkInvalid(reply, chosen, path)
      }
      if ('chooseRole' in outcome) {
        const { pt, page } = inLanguage(chosen, path)
        return reply.page('sign-in-link.njk', {
          ...page, pageTitle: pt.say('page.signIn.linkTitle'), action: path, choices: identityChoices(pt, outcome.chooseRole),
          errors: pt.errors([{ field: 'role', key: 'page.signIn.linkChooseError' }]),
        }, 400)
      }
      const { session, principal, returnTo } = outcome.signedIn
      // Signing in replaces whatever session this browser had.
      const now = clock.now()
      for (const secret of sessionSecrets(request)) await revokeSession(db, secret, now)
      return setSessionCookie(reply, config, session.secret).redirect(returnTo ?? homeOf(principal.role), 303)
    })

    app.get(TOKEN_SIGN_IN_PATH, { schema: { hide: true } }, async (request, reply) => {
      if (request.principal?.sessionId && TOKEN_SIGN_IN_ROLES.includes(request.principal.role)) return reply.redirect(homeOf(request.principal.role), 303)
      const ended = (request.query as Record<string, unknown>).ended === '1'
      return reply.page('sign-in.njk', { ...tokenPage, returnTo: returnToOf(request), notice: ended ? 'Your session has ended. Sign in again to carry on.' : undefined })
    })

    app.post(TOKEN_SIGN_IN_PATH, { config: { takesCredentials: true }, schema: { hide: true } }, async (request, reply) => {
      const token = field(request.body, 'token').trim()
      const returnTo = safeReturnTo(field(request.body, 'returnTo'))
      if (token === '') {
        return reply.page('sign-in.njk', { ...tokenPage, returnTo, errors: formErrors([{ field: 'token', text: 'Enter your access token' }]) }, 400)
      }
      const principal = token.length <= 200 ? await authenticate(db, token) : null
      if (!principal) request.server.limits.authenticationFailed(request)
      if (!principal || !TOKEN_SIGN_IN_ROLES.includes(principal.role)) {
        const text = 'That token is not a police, auditor or administrator token, or it has expired'
        return reply.page('sign-in.njk', { ...tokenPage, returnTo, errors: formErrors([{ field: 'token', text }]) }, 401)
      }
      const now = clock.now()
      // Signing in again replaces whatever session this browser had: one live session per sign-in.
      for (const secret of sessionSecrets(request)) await revokeSession(db, secret, now)
      const session = await createSession(db, principal, now, limits)
      await audit(db, {
        at: now, actor: actorOf(principal), actorRole: principal.role, action: 'session.start', subjectType: 'session',
        subjectId: session.id, reason: 'signed in with an access token', detail: { requestId: request.id, expiresAt: session.expiresAt.toISOString() },
      })
      return setSessionCookie(reply, config, session.secret).redirect(returnTo ?? homeOf(principal.role), 303)
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
