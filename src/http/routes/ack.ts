// The acknowledgement page the e-mail links to. Opening the link (GET or HEAD, as every mail
// scanner does before a person reads the mail) only shows the page: which setting, which school
// day, the police reference, and an Acknowledge button. Only pressing the button (a POST from
// this page, same-origin checked with every form in pages.ts) acknowledges, recorded with the name
// the person gives. The link's token is good for its one notification only. Pressing twice, or
// in two tabs, changes nothing the second time. The page never shows the child: the link may
// have been forwarded.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { acknowledgedByLink, checkPersonName } from '../../domain/acknowledgement.js'
import { verifyAckToken } from '../../domain/ack-links.js'
import { contentLanguage, languagesFor } from '../../domain/languages.js'
import type { Services } from '../../services.js'
import { acknowledgeNotification } from '../../flows/acknowledge.js'
import { getAcknowledgementView, type AcknowledgementView } from '../../store/notifications-store.js'
import { settingLanguageFacts } from '../../store/settings-admin-store.js'
import { field, formErrors } from '../forms.js'

const isUuid = (s: string) => z.uuid().safeParse(s).success

export const ackRoutes =
  (services: Services): FastifyPluginAsync =>
  async (app) => {
    const { db, config } = services

    /** The notification the link names, when the link is genuine. */
    async function linked(request: FastifyRequest): Promise<{ view: AcknowledgementView; action: string } | null> {
      const { id, token } = request.params as { id: string; token: string }
      if (!isUuid(id) || !verifyAckToken(config.ACK_LINK_SECRET, id, token)) return null
      const view = await getAcknowledgementView(db, id)
      return view ? { view, action: `/ack/${id}/${token}` } : null
    }

    const invalid = { pageTitle: 'Link not recognised' }
    /** A setting in Wales reads the page in Welsh and English (the Welsh part first). */
    // The notification's LA as it was sent; the setting's chosen first language as it is now.
    // The page keeps its Welsh summary above the English form either way (the e-mail follows the
    // chosen order); the header names both languages in the chosen order.
    const inLanguages = async (reply: FastifyReply, v: AcknowledgementView) => {
      const languages = languagesFor(v.laCode, (await settingLanguageFacts(db, v.urn))?.firstLanguage)
      reply.header('content-language', contentLanguage(languages))
      return { welsh: languages.includes('cy') }
    }
    const title = (v: AcknowledgementView) =>
      v.status === 'failed' ? 'This notification cannot be acknowledged' : v.acknowledgedAt ? 'Notification acknowledged' : 'Acknowledge this notification'

    app.get('/ack/:id/:token', { schema: { hide: true } }, async (request, reply) => {
      const found = await linked(request)
      if (!found) return reply.page('ack-invalid.njk', invalid, 404)
      const justNow = (request.query as Record<string, unknown>).acknowledged === 'now'
      const lang = await inLanguages(reply, found.view)
      return reply.header('x-robots-tag', 'noindex').page('ack.njk', { pageTitle: title(found.view), n: found.view, action: found.action, justNow, ...lang })
    })

    app.post('/ack/:id/:token', { schema: { hide: true } }, async (request, reply) => {
      const found = await linked(request)
      if (!found) return reply.page('ack-invalid.njk', invalid, 404)
      const { view, action } = found
      const typed = field(request.body, 'name')
      const name = checkPersonName(typed)
      if (!name.ok) {
        return reply.page('ack.njk', {
          pageTitle: title(view), n: view, action, values: { name: typed }, errors: formErrors([{ field: 'name', text: name.message }]), ...(await inLanguages(reply, view)),
        }, 400)
      }
      const result = await acknowledgeNotification(services, view.id, { by: acknowledgedByLink(name.name), actor: 'e-mail link' })
      if (!result) return reply.page('ack-invalid.njk', invalid, 404)
      if ('refused' in result) {
        const now = (await getAcknowledgementView(db, view.id)) ?? view
        return reply.page('ack.njk', { pageTitle: title(now), n: now, action, ...(await inLanguages(reply, now)) }, 409)
      }
      // Post/redirect/get: reloading the confirmation does not send the form again.
      return reply.redirect(result.first ? `${action}?acknowledged=now` : action, 303)
    })
  }
