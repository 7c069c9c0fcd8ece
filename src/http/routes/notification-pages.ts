// The Key Adult's pages. /notifications/{id} is where the e-mail's "full details" link goes: a
// person not signed in is sent to sign in and brought back (auth.ts, session.ts). A Key Adult or
// deputy of the notification's setting (read from the directory's contacts at this request, so a
// contact removed loses access at once) sees everything the police sent, as the force's content
// profile shares it; what to do today (the force's guidance, or the service's defaults:
// domain/force-wording.ts); how to reach the force's Encompass desk; a print view for
// the child-protection file; and Acknowledge (a POST, same-origin checked with every form, through
// flows/acknowledge.ts: pressing twice changes nothing). Anyone else gets the same not-found page
// as for an id that does not exist. /notifications lists the person's settings' notifications,
// open first, filtered by status through the query (?status=open|acknowledged).
//
// Nothing about the child goes into a URL, a page title or a log line: the pages are addressed by
// the notification's id, and their titles name no one.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { PERSON_NAME_MAX } from '../../domain/acknowledgement.js'
import { acknowledgedByToken } from '../../domain/acknowledgement.js'
import { CHILD_ROLE_LABELS, guidanceFor, type ChildRole } from '../../domain/force-wording.js'
import { acknowledgeNotification } from '../../flows/acknowledge.js'
import type { Services } from '../../services.js'
import { getKeyAdultNotification, listKeyAdultNotifications, type KeyAdultFilter, type KeyAdultNotification } from '../../store/key-adult-views-store.js'
import { keyAdultSettings } from '../../store/people-store.js'
import { settingLanguageFacts } from '../../store/settings-admin-store.js'
import { contentLanguage, languagesFor, type Language } from '../../domain/languages.js'
import { t } from '../../i18n/translate.js'
import type { Principal } from '../../store/tokens-store.js'
import { auditRequest } from '../audit.js'
import { actorOf, caller } from '../auth.js'
import { dateTime, longPlainDate } from '../format.js'
import { notFound } from '../problem.js'

const isUuid = (s: string) => z.uuid().safeParse(s).success
/** Notifications shown on /notifications. */
const LIST_LIMIT = 200
const FILTERS: Record<KeyAdultFilter, string> = { all: 'All', open: 'Not yet acknowledged', acknowledged: 'Acknowledged' }

const INCIDENT_TYPE: Record<string, string> = { crime: 'Crime', 'non-crime': 'Non-crime' }
const RISK: Record<string, string> = { standard: 'Standard', medium: 'Medium', high: 'High', unknown: 'Not assessed' }

const row = (key: string, value: string, html = false) => ({ key: { text: key }, value: html ? { html: value } : { text: value } })
const REMOVED = 'Removed under the retention policy'

function fullName(c: { givenName: string | null; familyName: string | null }): string {
  return c.givenName === null ? REMOVED : `${c.givenName} ${c.familyName ?? ''}`.trim()
}

/** The notification's facts as summary-list rows: the child, then the incident. */
function factRows(n: KeyAdultNotification) {
  return {
    child: [
      row('Name', fullName(n)),
      row('Date of birth', n.dateOfBirth ? longPlainDate(n.dateOfBirth) : REMOVED),
      row('Present at the incident', n.present ? 'Yes' : 'No'),
      ...(n.childRole ? [row('The child’s part, as the police recorded it', CHILD_ROLE_LABELS[n.childRole as ChildRole] ?? n.childRole)] : []),
      ...(n.siblings.length
        ? [row('Other children at this setting in the same incident', n.siblings.map((s) => `${fullName(s)} (${s.present ? 'present' : 'not present'})`).join('; '))]
        : []),
    ],
    incident: [
      row('Police reference', n.reference),
      row('Police force', n.forceName),
      row('Type', INCIDENT_TYPE[n.incidentType] ?? n.incidentType),
      row('Risk assessed by the police', n.riskLevel ? (RISK[n.riskLevel] ?? n.riskLevel) : 'Not given'),
      row('When it happened', n.occurredAt ? dateTime(n.occurredAt) : 'Not given'),
      row('Police became aware', dateTime(n.policeAwareAt)),
      row('What happened', n.summary ?? (n.summaryShared ? 'No summary was given, or it has been removed under the retention policy' : 'This police force does not share a summary of the circumstances')),
      row('Setting', `${n.schoolName} (URN ${n.urn})`),
      row('Be ready by', `${dateTime(n.dueBy)} (the start of the school day)`),
    ],
  }
}

export const notificationPageRoutes =
  (services: Services): FastifyPluginAsync =>
  async (app) => {
    const { db } = services

    /** The settings whose notifications the caller may read: a Key Adult's, from the contacts now. */
    async function settingsOf(p: Principal): Promise<string[]> {
      if (p.person) return p.person.role === 'key-adult' ? keyAdultSettings(db, p.person.id) : []
      return p.role === 'dsl' && p.urn ? [p.urn] : []
    }

    /** The notification, when the caller is a Key Adult of its setting; otherwise not found, whatever the reason. */
    async function readable(request: FastifyRequest): Promise<KeyAdultNotification> {
      const { id } = request.params as { id: string }
      if (!isUuid(id)) throw notFound('notification')
      const settings = await settingsOf(caller(request))
      if (settings.length === 0) throw notFound('notification')
      const n = await getKeyAdultNotification(db, id)
      if (!n || !settings.includes(n.urn)) throw notFound('notification')
      return n
    }

    // Every signed-in role reaches these handlers, so that one not a Key Adult of the setting gets
    // the same not-found page as a wrong id, never a different answer.
    const everyone = { roles: ['dsl', 'police', 'auditor', 'admin'] as const }

    app.get('/notifications', { config: everyone, schema: { hide: true } }, async (request, reply) => {
      const q = request.query as Record<string, unknown>
      const filter: KeyAdultFilter = q.status === 'open' || q.status === 'acknowledged' ? q.status : 'all'
      const settings = await settingsOf(caller(request))
      const rows = await listKeyAdultNotifications(db, settings, filter, LIST_LIMIT)
      // The count in each language any of the person's settings reads (Welsh first when one does).
      const facts = await Promise.all(settings.map((urn) => settingLanguageFacts(db, urn)))
      const languages: Language[] = facts.some((f) => f && languagesFor(f.laCode, f.firstLanguage).includes('cy')) ? ['cy', 'en'] : ['en']
      if (languages.length > 1) reply.header('content-language', contentLanguage(languages))
      await auditRequest(db, request, 'notification.list', 'notification', null, 'Key Adult listed notifications', { count: rows.length, filter })
      return reply.page('key-adult-notifications.njk', {
        pageTitle: 'Notifications',
        settingsCount: settings.length,
        filter,
        filters: Object.entries(FILTERS).map(([value, text]) => ({ value, text, selected: value === filter })),
        notifications: rows.map((r) => ({
          ...r,
          child: fullName(r),
          open: r.acknowledgedAt === null,
          tag: r.acknowledgedAt ? { text: 'Acknowledged', classes: 'govuk-tag--green' } : r.status === 'failed' ? { text: 'Passed to the police desk', classes: 'govuk-tag--grey' } : { text: 'Not yet acknowledged', classes: 'govuk-tag--red' },
        })),
        limited: rows.length === LIST_LIMIT,
        counts: languages.map((lang) => ({ lang, text: t(lang, 'pages.notifications.count', { count: rows.length }) })),
      })
    })

    app.get('/notifications/:id', { config: everyone, schema: { hide: true } }, async (request, reply) => {
      const n = await readable(request)
      await auditRequest(db, request, 'notification.read', 'notification', n.id, 'Key Adult read the notification')
      const justNow = (request.query as Record<string, unknown>).acknowledged === 'now'
      return reply.header('x-robots-tag', 'noindex').page('key-adult-notification.njk', {
        pageTitle: 'Operation Encompass notification',
        n, facts: factRows(n), guidance: guidanceFor(n), justNow,
        canAcknowledge: n.acknowledgedAt === null && n.status !== 'failed',
      })
    })

    app.get('/notifications/:id/print', { config: everyone, schema: { hide: true } }, async (request, reply) => {
      const n = await readable(request)
      await auditRequest(db, request, 'notification.print', 'notification', n.id, 'Key Adult opened the print view for the child’s file')
      return reply.header('x-robots-tag', 'noindex').page('key-adult-notification-print.njk', {
        pageTitle: 'Operation Encompass notification: print',
        n, facts: factRows(n), guidance: guidanceFor(n), printedAt: dateTime(services.clock.now()),
        printedBy: request.principal?.person?.name ?? request.principal?.name ?? null,
      })
    })

    app.post('/notifications/:id/acknowledge', { config: everyone, schema: { hide: true } }, async (request, reply) => {
      const n = await readable(request)
      const p = caller(request)
      const by = p.person
        ? `${[...p.person.name].slice(0, PERSON_NAME_MAX).join('')} (signed in)`
        : acknowledgedByToken({ tokenId: p.tokenId ?? '', name: p.name })
      const result = await acknowledgeNotification(services, n.id, { by, actor: actorOf(p) })
      if (!result) throw notFound('notification')
      // A notification passed to the desk, or acknowledged already: the page says where it stands.
      if ('refused' in result) return reply.redirect(`/notifications/${n.id}`, 303)
      return reply.redirect(result.first ? `/notifications/${n.id}?acknowledged=now` : `/notifications/${n.id}`, 303)
    })
  }
