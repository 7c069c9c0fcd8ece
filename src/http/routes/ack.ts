// The acknowledgement page the e-mail links to. Opening the link (GET or HEAD, as every mail
// scanner does before a person reads the mail) only shows the page: which setting, which school
// day, the police reference, and an Acknowledge button. Only pressing the button (a POST from
// this page, same-origin checked with every form in pages.ts) acknowledges, recorded with the name
// the person gives. The link's token is good for its one notification only. Pressing twice, or
// in two tabs, changes nothing the second time. The page never shows the child: the link may
// have been forwarded.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { acknowledgedByLink, checkPersonName, PERSON_NAME_MAX } from '../../domain/acknowledgement.js'
import { verifyAckToken } from '../../domain/ack-links.js'
import { contentLanguage, languagesFor } from '../../domain/languages.js'
import type { Services } from '../../services.js'
import { acknowledgeNotification } from '../../flows/acknowledge.js'
import { getAcknowledgementView, type AcknowledgementView } from '../../store/notifications-store.js'
import { settingLanguageFacts } from '../../store/settings-admin-store.js'
import { plainDateIn } from '../../i18n/dates.js'
import { escapeHtml, PageText } from '../../i18n/page-text.js'
import { t } from '../../i18n/translate.js'
import { field } from '../forms.js'

const isUuid = (s: string) => z.uuid().safeParse(s).success

/** The page's facts as summary-list rows: each key in every language, the school day in each. */
const factRows = (pt: PageText, n: AcknowledgementView) => [
  { key: { html: pt.both('page.fact.setting', undefined, '<br>') }, value: { html: escapeHtml(t('en', 'page.settingValue', { name: n.schoolName, urn: n.urn })) } },
  { key: { html: pt.both('page.fact.schoolDay', undefined, '<br>') }, value: { html: pt.each((lang) => plainDateIn(lang, n.schoolDay), '<br>') } },
  { key: { html: pt.both('page.fact.reference', undefined, '<br>') }, value: { html: escapeHtml(n.reference) } },
]

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
    /**
     * The page in the setting's languages, its first language first (domain/languages.ts): the
     * notification's LA as it was sent, the setting's chosen first language as it is now. The
     * header names them in that order.
     */
    const inLanguages = async (reply: FastifyReply, v: AcknowledgementView) => {
      const languages = languagesFor(v.laCode, (await settingLanguageFacts(db, v.urn))?.firstLanguage)
      reply.header('content-language', contentLanguage(languages))
      return { languages, pt: new PageText(languages) }
    }
    const title = (pt: PageText, v: AcknowledgementView) =>
      pt.say(v.status === 'failed' ? 'page.ack.titleFailed' : v.acknowledgedAt ? 'page.ack.titleAcknowledged' : 'page.ack.titleOpen')

    app.get('/ack/:id/:token', { schema: { hide: true } }, async (request, reply) => {
      const found = await linked(request)
      if (!found) return reply.page('ack-invalid.njk', invalid, 404)
      const justNow = (request.query as Record<string, unknown>).acknowledged === 'now'
      const { languages, pt } = await inLanguages(reply, found.view)
      return reply.header('x-robots-tag', 'noindex').page('ack.njk', { languages, pageTitle: title(pt, found.view), n: found.view, facts: factRows(pt, found.view), action: found.action, justNow })
    })

    app.post('/ack/:id/:token', { schema: { hide: true } }, async (request, reply) => {
      const found = await linked(request)
      if (!found) return reply.page('ack-invalid.njk', invalid, 404)
      const { view, action } = found
      const typed = field(request.body, 'name')
      const name = checkPersonName(typed)
      if (!name.ok) {
        const { languages, pt } = await inLanguages(reply, view)
        const problem = name.reason === 'control' ? { field: 'name', key: 'page.ack.nameControl' as const } : { field: 'name', key: 'page.ack.nameLength' as const, values: { max: PERSON_NAME_MAX } }
        return reply.page('ack.njk', { languages, pageTitle: title(pt, view), n: view, facts: factRows(pt, view), action, values: { name: typed }, errors: pt.errors([problem]) }, 400)
      }
      const result = await acknowledgeNotification(services, view.id, { by: acknowledgedByLink(name.name), actor: 'e-mail link' })
      if (!result) return reply.page('ack-invalid.njk', invalid, 404)
      if ('refused' in result) {
        const now = (await getAcknowledgementView(db, view.id)) ?? view
        const { languages, pt } = await inLanguages(reply, now)
        return reply.page('ack.njk', { languages, pageTitle: title(pt, now), n: now, facts: factRows(pt, now), action }, 409)
      }
      // Post/redirect/get: reloading the confirmation does not send the form again.
      return reply.redirect(result.first ? `${action}?acknowledged=now` : action, 303)
    })
  }
