// The pages people use in a browser, as one scope: every route registered here is a page
// (`config.page`: it may be used in a signed-in session, see auth.ts, and a state-changing request
// to it must come from one of our own pages, see forms.ts), reads HTML form bodies, and answers a
// browser's failed request with a page rather than JSON. The JSON API outside this scope
// takes no form bodies and no cookies.
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { Services } from '../services.js'
import { acceptForms } from './forms.js'
import { problemOf, sendProblem, type Problem } from './problem.js'
import { ackRoutes } from './routes/ack.js'
import { boardPackRoutes } from './routes/board-pack.js'
import { dashboardRoutes } from './routes/dashboard.js'
import { incidentPageRoutes } from './routes/incident-pages.js'
import { incidentUploadRoutes } from './routes/incident-upload-pages.js'
import { reviewPageRoutes } from './routes/review-pages.js'
import { settingsPageRoutes } from './routes/settings-pages.js'
import { notificationPageRoutes } from './routes/notification-pages.js'
import { peoplePageRoutes } from './routes/people-pages.js'
import { signInRoutes } from './routes/sign-in.js'
import { subjectAccessPageRoutes } from './routes/subject-access.js'

/** A browser asking for a page (it says it takes HTML), rather than a program asking for JSON. */
export const wantsHtml = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/html')

const ERROR_PAGES: Record<number, { pageTitle: string; message: string[] }> = {
  400: { pageTitle: 'Sorry, there is a problem with that request', message: ['Go back, check what you entered, and try again.'] },
  401: { pageTitle: 'You need to sign in', message: ['Sign in, then try again.'] },
  403: { pageTitle: 'You do not have access to this page', message: ['If you think you should, contact your administrator.'] },
  404: { pageTitle: 'Page not found', message: ['If you typed the web address, check it is correct.', 'If you pasted the web address, check you copied the entire address.'] },
  429: { pageTitle: 'Too many requests', message: ['Wait a minute, then try again.'] },
  500: { pageTitle: 'Sorry, there is a problem with the service', message: ['Try again later.'] },
}
const CROSS_ORIGIN = {
  pageTitle: 'This form was sent from another website',
  message: ['For your safety, forms on this service only work when they are sent from its own pages.', 'Go back to the page, reload it, and try again.'],
}

export function sendErrorPage(reply: FastifyReply, p: Problem): FastifyReply {
  const page = p.extra.type === '/problems/cross-origin' ? CROSS_ORIGIN : (ERROR_PAGES[p.status] ?? ERROR_PAGES[p.status >= 500 ? 500 : 400]!)
  if (p.status === 429 && reply.getHeader('retry-after') === undefined) reply.header('retry-after', '60')
  return reply.page('error.njk', page, p.status)
}

/** The not-found answer for a browser outside the API: a page. Null for everyone else. */
export function pageNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply | null {
  if (!wantsHtml(request) || request.url.startsWith('/v1/')) return null
  return sendErrorPage(reply, { status: 404, title: 'Not Found', detail: 'no such page', extra: {} })
}

export const pageRoutes =
  (services: Services): FastifyPluginAsync =>
  async (app: FastifyInstance) => {
    app.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), page: true }
    })
    acceptForms(app)
    app.setErrorHandler((err: FastifyError, request, reply) => {
      const p = problemOf(err, request)
      return wantsHtml(request) ? sendErrorPage(reply, p) : sendProblem(reply, p.status, p.detail, p.extra, p.title)
    })
    await app.register(signInRoutes(services))
    await app.register(dashboardRoutes(services))
    await app.register(boardPackRoutes(services))
    await app.register(ackRoutes(services))
    await app.register(notificationPageRoutes(services))
    await app.register(subjectAccessPageRoutes(services))
    await app.register(incidentPageRoutes(services))
    await app.register(incidentUploadRoutes(services))
    await app.register(reviewPageRoutes(services))
    await app.register(settingsPageRoutes(services))
    await app.register(peoplePageRoutes(services))
  }
