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
// The pages are in the setting's languages (domain/languages.ts), its first language first, the
// Content-Language header naming them in order: a setting in English only sees them as ever; one
// that reads Welsh gets each sentence in both, each part with its lang (i18n/page-text.ts).
//
// Nothing about the child goes into a URL, a page title or a log line: the pages are addressed by
// the notification's id, and their titles name no one.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { PERSON_NAME_MAX } from '../../domain/acknowledgement.js'
import { acknowledgedByToken } from '../../domain/acknowledgement.js'
import type { ChildRole } from '../../domain/force-wording.js'
import { acknowledgeNotification } from '../../flows/acknowledge.js'
import type { Services } from '../../services.js'
import { getKeyAdultNotification, listKeyAdultNotifications, type KeyAdultFilter, type KeyAdultNotification } from '../../store/key-adult-views-store.js'
import { keyAdultSettings } from '../../store/people-store.js'
import { settingLanguageFacts } from '../../store/settings-admin-store.js'
import { contentLanguage, languagesFor, type Language } from '../../domain/languages.js'
import { dateTimeIn, plainDateIn } from '../../i18n/dates.js'
import { escapeHtml, PageText } from '../../i18n/page-text.js'
import { t, type MessageKey } from '../../i18n/translate.js'
import { guidanceIn } from '../../i18n/wording.js'
import type { Principal } from '../../store/tokens-store.js'
import { auditRequest } from '../audit.js'
import { actorOf, caller } from '../auth.js'
import { notFound } from '../problem.js'

const isUuid = (s: string) => z.uuid().safeParse(s).success
/** Notifications shown on /notifications. */
const LIST_LIMIT = 200
const FILTERS: Record<KeyAdultFilter, MessageKey> = { all: 'page.list.filter.all', open: 'page.tag.open', acknowledged: 'page.tag.acknowledged' }

const INCIDENT_TYPE: Record<string, MessageKey> = { crime: 'page.fact.type.crime', 'non-crime': 'page.fact.type.nonCrime' }
const RISK: Record<string, MessageKey> = { standard: 'page.fact.risk.standard', medium: 'page.fact.risk.medium', high: 'page.fact.risk.high', unknown: 'page.fact.risk.unknown' }
const CHILD_ROLE: Record<ChildRole, MessageKey> = {
  present: 'page.fact.childRole.present', witness: 'page.fact.childRole.witness', victim: 'page.fact.childRole.victim', suspect: 'page.fact.childRole.suspect',
}

/** A summary-list row: its key in every language (one under the other), its value as HTML. */
const row = (pt: PageText, key: MessageKey, valueHtml: string) => ({ key: { html: pt.both(key, undefined, '<br>') }, value: { html: valueHtml } })

function fullName(lang: Language, c: { givenName: string | null; familyName: string | null }): string {
  return c.givenName === null ? t(lang, 'page.fact.removed') : `${c.givenName} ${c.familyName ?? ''}`.trim()
}

/** The notification's facts as summary-list rows: the child, then the incident. Data once; words in every language. */
function factRows(pt: PageText, n: KeyAdultNotification) {
  const data = (s: string) => escapeHtml(s)
  const words = (text: (lang: Language) => string) => pt.each(text, '<br>')
  const removed = n.givenName === null
  const role = n.childRole as ChildRole | null
  return {
    child: [
      row(pt, 'page.fact.name', removed ? words((l) => fullName(l, n)) : data(fullName('en', n))),
      row(pt, 'page.fact.dateOfBirth', n.dateOfBirth ? words((l) => plainDateIn(l, n.dateOfBirth!)) : words((l) => t(l, 'page.fact.removed'))),
      row(pt, 'page.fact.present', words((l) => t(l, 'page.fact.presentValue', { present: n.present ? 'yes' : 'no' }))),
      ...(role ? [row(pt, 'page.fact.childRole', CHILD_ROLE[role] ? words((l) => t(l, CHILD_ROLE[role])) : data(role))] : []),
      ...(n.siblings.length
        ? [row(pt, 'page.fact.siblings', words((l) => n.siblings.map((s) => t(l, 'page.fact.sibling', { name: fullName(l, s), present: s.present ? 'yes' : 'no' })).join('; ')))]
        : []),
    ],
    incident: [
      row(pt, 'page.fact.reference', data(n.reference)),
      row(pt, 'page.fact.force', data(n.forceName)),
      row(pt, 'page.fact.type', INCIDENT_TYPE[n.incidentType] ? words((l) => t(l, INCIDENT_TYPE[n.incidentType]!)) : data(n.incidentType)),
      row(pt, 'page.fact.risk', !n.riskLevel ? words((l) => t(l, 'page.fact.notGiven')) : RISK[n.riskLevel] ? words((l) => t(l, RISK[n.riskLevel!]!)) : data(n.riskLevel)),
      row(pt, 'page.fact.occurred', words((l) => (n.occurredAt ? dateTimeIn(l, n.occurredAt) : t(l, 'page.fact.notGiven')))),
      row(pt, 'page.fact.aware', words((l) => dateTimeIn(l, n.policeAwareAt))),
      // The summary is the police's own words, in the language they wrote it: shown once.
      row(pt, 'page.fact.summary', n.summary !== null ? data(n.summary) : words((l) => t(l, n.summaryShared ? 'page.fact.summaryRemoved' : 'page.fact.summaryNotShared'))),
      row(pt, 'page.fact.setting', data(t('en', 'page.settingValue', { name: n.schoolName, urn: n.urn }))),
      row(pt, 'page.fact.readyBy', words((l) => t(l, 'page.fact.readyByValue', { when: dateTimeIn(l, n.dueBy) }))),
    ],
  }
}

/** What each language's part of the page says: the guidance, in that language (the force's own lines are English). */
function guidanceByLanguage(languages: readonly Language[], n: KeyAdultNotification): Record<string, string[]> {
  const englishIs = languages.indexOf('en') < languages.indexOf('cy') ? 'above' : 'below'
  return Object.fromEntries(languages.map((lang) => [lang, guidanceIn(lang, n, englishIs)]))
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

    /** The languages of a setting's pages, in its order, named in the Content-Language header. */
    async function languagesOf(reply: FastifyReply, urn: string): Promise<Language[]> {
      const facts = await settingLanguageFacts(db, urn)
      const languages = languagesFor(facts?.laCode, facts?.firstLanguage)
      reply.header('content-language', contentLanguage(languages))
      return languages
    }

    app.get('/notifications', { config: everyone, schema: { hide: true } }, async (request, reply) => {
      const q = request.query as Record<string, unknown>
      const filter: KeyAdultFilter = q.status === 'open' || q.status === 'acknowledged' ? q.status : 'all'
      const settings = await settingsOf(caller(request))
      const rows = await listKeyAdultNotifications(db, settings, filter, LIST_LIMIT)
      // A list across the person's settings: in Welsh too when any of them reads Welsh, Welsh first
      // unless every one of those chose English first.
      const facts = await Promise.all(settings.map((urn) => settingLanguageFacts(db, urn)))
      const orders = facts.map((f) => (f ? languagesFor(f.laCode, f.firstLanguage) : ['en'])).filter((l) => l.includes('cy'))
      const languages: Language[] = orders.length === 0 ? ['en'] : orders.every((l) => l[0] === 'en') ? ['en', 'cy'] : ['cy', 'en']
      reply.header('content-language', contentLanguage(languages))
      const pt = new PageText(languages)
      await auditRequest(db, request, 'notification.list', 'notification', null, 'Key Adult listed notifications', { count: rows.length, filter })
      return reply.page('key-adult-notifications.njk', {
        languages,
        pageTitle: pt.say('page.list.title'),
        settingsCount: settings.length,
        filter,
        // An option holds text only: both languages in it, marked as the first.
        filters: Object.entries(FILTERS).map(([value, key]) => ({ value, text: pt.say(key), selected: value === filter, attributes: pt.bilingual ? { lang: languages[0] } : {} })),
        notifications: rows.map((r) => ({
          ...r,
          child: r.givenName === null ? null : fullName('en', r),
          open: r.acknowledgedAt === null,
          tag: r.acknowledgedAt ? { key: 'page.tag.acknowledged', classes: 'govuk-tag--green' } : r.status === 'failed' ? { key: 'page.tag.failed', classes: 'govuk-tag--grey' } : { key: 'page.tag.open', classes: 'govuk-tag--red' },
        })),
        limited: rows.length === LIST_LIMIT,
        counts: languages.map((lang) => ({ lang, text: t(lang, 'pages.notifications.count', { count: rows.length }) })),
      })
    })

    app.get('/notifications/:id', { config: everyone, schema: { hide: true } }, async (request, reply) => {
      const n = await readable(request)
      await auditRequest(db, request, 'notification.read', 'notification', n.id, 'Key Adult read the notification')
      const justNow = (request.query as Record<string, unknown>).acknowledged === 'now'
      const languages = await languagesOf(reply, n.urn)
      const pt = new PageText(languages)
      return reply.header('x-robots-tag', 'noindex').page('key-adult-notification.njk', {
        languages,
        pageTitle: pt.say('page.notification.title'),
        n, facts: factRows(pt, n), guidance: guidanceByLanguage(languages, n), justNow,
        canAcknowledge: n.acknowledgedAt === null && n.status !== 'failed' && n.withdrawnAt === null,
      })
    })

    app.get('/notifications/:id/print', { config: everyone, schema: { hide: true } }, async (request, reply) => {
      const n = await readable(request)
      await auditRequest(db, request, 'notification.print', 'notification', n.id, 'Key Adult opened the print view for the child’s file')
      const languages = await languagesOf(reply, n.urn)
      const pt = new PageText(languages)
      return reply.header('x-robots-tag', 'noindex').page('key-adult-notification-print.njk', {
        languages,
        pageTitle: pt.say('page.print.title'),
        n, facts: factRows(pt, n), guidance: guidanceByLanguage(languages, n), printedAt: services.clock.now(),
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
