// The e-mails. They carry as little as possible: the police reference, when, which setting, the
// child's given name and family initial so the Key Adult knows whom to look out for, and two
// links — the full record behind sign-in, and the acknowledgement page. Opening a link changes
// nothing (mail systems open every link to scan it): the Key Adult acknowledges by pressing the
// button on that page. The circumstances summary never travels by e-mail. When the police withdraw
// a notification, or correct its details, the Key Adults are told so the same way: the withdrawal's
// reason and the corrected details are behind sign-in, never in the e-mail.
//
// Every word is in the message catalogues (src/i18n). A setting written to in two languages
// (domain/languages.ts) gets each in full, its first language first; the subject names both.
import { languagesFor, type Language } from '../domain/languages.js'
import { formatShortMoment, t } from '../i18n/translate.js'
import { deskLine, guidanceIn } from '../i18n/wording.js'
import type { SendContext } from '../store/notifications-store.js'

export type MailKind = 'notification' | 'deputies' | 'reminder' | 'desk' | 'withdrawal' | 'correction'

export interface RenderedMail {
  subject: string
  text: string
  html: string
}

type Links = { details: string; acknowledge: string }

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!)

export function childLabel(ctx: Pick<SendContext, 'givenName' | 'familyName'>, lang: Language = 'en'): string {
  if (!ctx.givenName) return t(lang, 'mail.fact.childRemoved')
  return `${ctx.givenName} ${(ctx.familyName ?? '').slice(0, 1)}.`.trim()
}

/** Kinds that carry the acknowledgement link: not the desk's alert, and nothing to acknowledge once withdrawn. */
export const carriesAcknowledgement = (kind: MailKind) => kind !== 'desk' && kind !== 'withdrawal'

/** One language's part of an e-mail. */
interface Part {
  lang: Language
  subjectTag: string
  lead: string
  facts: [string, string][]
  details: { text: string; after: string }
  acknowledge: { text: string; how: string } | null
  desk: string | null
  closing: string[]
}

/** The setting's Key Adults with their telephone numbers, one fact each, for the desk's e-mail. */
function keyAdultPhones(lang: Language, ctx: Pick<SendContext, 'contacts'>): [string, string][] {
  if (ctx.contacts.length === 0) return [[t(lang, 'mail.fact.keyAdults'), t(lang, 'mail.fact.keyAdultsNone')]]
  return ctx.contacts.map((c) => [
    t(lang, 'mail.fact.keyAdult', { role: c.role }),
    t(lang, 'mail.fact.keyAdultValue', { name: c.name, hasPhone: c.phone ? 'yes' : 'no', phone: c.phone ?? '', email: c.email }),
  ])
}

function partIn(lang: Language, kind: MailKind, ctx: SendContext, englishIs: 'above' | 'below'): Part {
  const facts: [string, string][] = [
    [t(lang, 'mail.fact.reference'), ctx.reference],
    [t(lang, 'mail.fact.setting'), t(lang, 'mail.fact.settingValue', { name: ctx.schoolName, urn: ctx.urn })],
    [t(lang, 'mail.fact.child'), childLabel(ctx, lang)],
    // A withdrawn notification needs no readiness: which one it was is enough.
    ...(kind === 'withdrawal' ? [] : [
      [t(lang, 'mail.fact.present'), t(lang, 'mail.fact.presentValue', { present: ctx.present ? 'yes' : 'no' })],
      [t(lang, 'mail.fact.aware'), formatShortMoment(lang, ctx.policeAwareAt)],
      [t(lang, 'mail.fact.readyBy'), t(lang, 'mail.fact.readyByValue', { when: formatShortMoment(lang, ctx.dueBy) })],
    ] satisfies [string, string][]),
    // The desk telephones the setting: its Key Adults' numbers, as the directory holds them.
    ...(kind === 'desk' ? keyAdultPhones(lang, ctx) : []),
  ]
  const details = kind === 'desk'
    ? { text: t(lang, 'mail.details.desk'), after: t(lang, 'mail.details.deskSignIn') }
    : { text: t(lang, kind === 'withdrawal' ? 'mail.details.withdrawal' : kind === 'correction' ? 'mail.details.correction' : 'mail.details.full'), after: t(lang, 'mail.details.signIn') }
  return {
    lang,
    subjectTag: t(lang, `mail.subject.${kind}`),
    lead: t(lang, `mail.lead.${kind}`, { reference: ctx.reference }),
    facts,
    details,
    acknowledge: carriesAcknowledgement(kind) ? { text: t(lang, 'mail.acknowledge'), how: t(lang, 'mail.acknowledgeHow') } : null,
    // The desk's own alert needs neither its own contact details nor guidance on supporting the
    // child; nor does a withdrawn notification need the guidance.
    desk: kind === 'desk' ? null : deskLine(lang, ctx),
    closing: kind === 'desk' || kind === 'withdrawal' ? [t(lang, 'guidance.familyNot')] : guidanceIn(lang, ctx, englishIs),
  }
}

function textOf(p: Part, links: Links): string {
  return [
    p.lead,
    '',
    ...p.facts.map(([k, v]) => `${k}: ${v}`),
    '',
    `${p.details.text} ${p.details.after}: ${links.details}`,
    ...(p.acknowledge ? ['', `${p.acknowledge.text}: ${links.acknowledge}`, p.acknowledge.how] : []),
    ...(p.desk ? ['', p.desk] : []),
    '',
    ...p.closing,
  ].join('\n')
}

function htmlOf(p: Part, links: Links): string {
  return `<p>${escapeHtml(p.lead)}</p>
<table>${p.facts.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
<p><a href="${escapeHtml(links.details)}">${escapeHtml(p.details.text)}</a> ${escapeHtml(p.details.after)}</p>
${p.acknowledge ? `<p><a href="${escapeHtml(links.acknowledge)}"><strong>${escapeHtml(p.acknowledge.text)}</strong></a><br>${escapeHtml(p.acknowledge.how)}</p>` : ''}
${p.desk ? `<p>${escapeHtml(p.desk)}</p>` : ''}
${p.closing.map((l) => `<p style="color:#555">${escapeHtml(l)}</p>`).join('\n')}`
}

/** The e-mail of this kind, in the setting's languages (its first language first). */
export function renderNotification(kind: MailKind, ctx: SendContext, links: Links): RenderedMail {
  const languages = languagesFor(ctx.laCode, ctx.firstLanguage)
  const englishIs = languages.indexOf('en') < languages.indexOf('cy') ? 'above' : 'below'
  const parts = languages.map((lang) => partIn(lang, kind, ctx, englishIs))
  const subject = `${parts.map((p) => p.subjectTag).join(' / ')} ${ctx.reference}`
  const [first, second] = parts as [Part, Part | undefined]
  const open = '<!doctype html><html><body style="font-family:Arial,sans-serif">'
  if (!second) return { subject, text: textOf(first, links), html: `${open}\n${htmlOf(first, links)}\n</body></html>` }
  // Two languages: each in full, a line between them in the language that follows.
  const follows = t(second.lang, 'mail.thisLanguageFollows')
  return {
    subject,
    text: [textOf(first, links), '', `———— ${follows} ————`, '', textOf(second, links)].join('\n'),
    html: `${open}
<div lang="${first.lang}">
${htmlOf(first, links)}
</div>
<hr><p lang="${second.lang}"><em>${escapeHtml(follows)}</em></p>
<div lang="${second.lang}">
${htmlOf(second, links)}
</div>
</body></html>`,
  }
}
