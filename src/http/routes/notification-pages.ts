// /notifications/{id}: where the e-mail's "full details" link goes. Reading a child's details needs
// a signed-in Key Adult of the setting; until people can sign in by e-mailed link (issue 13) the
// page says so. It looks nothing up: the same page for any id, so it reveals nothing and, like
// every link in an e-mail, changes nothing when a mail scanner fetches it.
import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'

export const notificationPageRoutes = (): FastifyPluginAsync => async (app) => {
  app.get('/notifications/:id', { schema: { hide: true } }, async (request, reply) => {
    const { id } = request.params as { id: string }
    if (!z.uuid().safeParse(id).success) {
      return reply.page('error.njk', { pageTitle: 'Page not found', message: ['If you typed the web address, check it is correct.'] }, 404)
    }
    return reply.header('x-robots-tag', 'noindex').page('notification-sign-in.njk', { pageTitle: 'Sign in to read this notification' })
  })
}
