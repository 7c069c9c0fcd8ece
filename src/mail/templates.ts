// The e-mails. They carry as little as possible: the police reference, when, which setting, the
// child's given name and family initial so the Key Adult knows whom to look out for, and two
// links — the full record behind sign-in, and the acknowledgement page. Opening a link changes
// nothing (mail systems open every link to scan it): the Key Adult acknowledges by pressing the
// button on that page. The circumstances summary never travels by e-mail. When the police withdraw
// a notification, or correct its details, the Key Adults are told so the same way: the withdrawal's
// reason and the corrected details are behind sign-in, never in the e-mail.
import { deskContactLine, guidanceFor } from '../domain/force-wording.js'
import { languagesFor } from '../domain/languages.js'
import { welshPart } from './welsh.js'
import type { SendContext } from '../store/notifications-store.js'

export type MailKind = 'notification' | 'deputies' | 'reminder' | 'desk' | 'withdrawal' | 'correction'

export interface RenderedMail {
  subject: string
  text: string
  html: string
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!)

// One formatter for every e-mail: building an Intl formatter costs far more than using one.
const londonFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric',
  hour: '2-digit', minute: '2-digit',
})
const london = (d: Date) => londonFormat.format(d)

export function childLabel(ctx: Pick<SendContext, 'givenName' | 'familyName'>): string {
  if (!ctx.givenName) return 'a child (details removed under the retention policy)'
  return `${ctx.givenName} ${(ctx.familyName ?? '').slice(0, 1)}.`.trim()
}

const ROLE_NAME = { dsl: 'designated safeguarding lead', deputy: 'deputy' } as const

/** The setting's Key Adults with their telephone numbers, one fact each, for the desk's e-mail. */
function keyAdultPhones(ctx: Pick<SendContext, 'contacts'>): [string, string][] {
  if (ctx.contacts.length === 0) return [['Key Adults', 'none on record']]
  return ctx.contacts.map((c) => [`Key Adult (${ROLE_NAME[c.role]})`, `${c.name}, ${c.phone ? `telephone ${c.phone}` : 'no telephone number on record'}, ${c.email}`])
}

const CONFIDENTIAL = 'This message is confidential safeguarding information. Do not forward it or discuss it with the child or family.'
const ACK_HOW = 'Opening the page does not acknowledge: press Acknowledge on it once you have read this.'

/** Kinds that carry the acknowledgement link: not the desk's alert, and nothing to acknowledge once withdrawn. */
export const carriesAcknowledgement = (kind: MailKind) => kind !== 'desk' && kind !== 'withdrawal'

/** The link to the page behind sign-in, as [link text, what follows it], per kind. */
const DETAILS_LINK: Record<MailKind, [string, string]> = {
  notification: ['Read the full details', '(you will need to sign in)'],
  deputies: ['Read the full details', '(you will need to sign in)'],
  reminder: ['Read the full details', '(you will need to sign in)'],
  desk: ['Open the incident', '(police sign-in)'],
  withdrawal: ['Read why it was withdrawn', '(you will need to sign in)'],
  correction: ['Read the corrected details', '(you will need to sign in)'],
}

export function renderNotification(
  kind: MailKind,
  ctx: SendContext,
  links: { details: string; acknowledge: string },
): RenderedMail {
  const lead: Record<MailKind, string> = {
    notification: 'Operation Encompass: the police attended a domestic abuse incident involving a child at your setting.',
    deputies: 'Operation Encompass: this notification has not yet been acknowledged by your designated safeguarding lead, so it is sent to you as a deputy.',
    reminder: 'Operation Encompass reminder: the police told us during the holiday of a domestic abuse incident involving a child at your setting. Pupils return on the day below.',
    desk: 'Operation Encompass ALERT for the force desk: the school has not acknowledged this notification by the start of the school day. Please telephone the setting.',
    withdrawal: `Operation Encompass: the police have withdrawn their notification about a child at your setting, police reference ${ctx.reference}. Nothing more will come about it.`,
    correction: `Operation Encompass: the police have corrected the details of their notification with police reference ${ctx.reference}. It still needs acknowledging if you have not acknowledged it yet.`,
  }
  const subjectTag: Record<MailKind, string> = {
    notification: 'Operation Encompass notification',
    deputies: 'Operation Encompass notification (not yet acknowledged)',
    reminder: 'Operation Encompass reminder',
    desk: 'UNACKNOWLEDGED Operation Encompass notification',
    withdrawal: 'WITHDRAWN: Operation Encompass notification',
    correction: 'CORRECTION: Operation Encompass notification',
  }
  const facts: [string, string][] = [
    ['Police reference', ctx.reference],
    ['Setting', `${ctx.schoolName} (URN ${ctx.urn})`],
    ['Child', childLabel(ctx)],
    // A withdrawn notification needs no readiness: which one it was is enough.
    ...(kind === 'withdrawal' ? [] : [
      ['Child present at the incident', ctx.present ? 'yes' : 'no'],
      ['Police became aware', london(ctx.policeAwareAt)],
      ['Please be ready by', `${london(ctx.dueBy)} (start of the school day)`],
    ] satisfies [string, string][]),
  ]
  // The desk telephones the setting: its Key Adults' numbers, as the directory holds them.
  if (kind === 'desk') facts.push(...keyAdultPhones(ctx))
  const [detailsText, detailsAfter] = DETAILS_LINK[kind]
  const subject = `${subjectTag[kind]} ${ctx.reference}`
  // The force's own guidance (or the defaults) and how to reach its desk; the desk's own alert needs
  // neither, and a withdrawn notification needs no guidance on supporting the child.
  const desk = kind === 'desk' ? null : deskContactLine(ctx)
  const closing = kind === 'desk' || kind === 'withdrawal' ? [CONFIDENTIAL] : guidanceFor(ctx)
  const ack = carriesAcknowledgement(kind)
  const text = [
    lead[kind],
    '',
    ...facts.map(([k, v]) => `${k}: ${v}`),
    '',
    `${detailsText} ${detailsAfter}: ${links.details}`,
    ...(ack ? ['', `Open this page to acknowledge: ${links.acknowledge}`, ACK_HOW] : []),
    ...(desk ? ['', desk] : []),
    '',
    ...closing,
  ].join('\n')
  const html = `<!doctype html><html><body style="font-family:Arial,sans-serif">
<p>${escapeHtml(lead[kind])}</p>
<table>${facts.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
<p><a href="${escapeHtml(links.details)}">${escapeHtml(detailsText)}</a> ${escapeHtml(detailsAfter)}</p>
${!ack ? '' : `<p><a href="${escapeHtml(links.acknowledge)}"><strong>Open this page to acknowledge</strong></a><br>${escapeHtml(ACK_HOW)}</p>`}
${desk ? `<p>${escapeHtml(desk)}</p>` : ''}
${closing.map((l) => `<p style="color:#555">${escapeHtml(l)}</p>`).join('\n')}
</body></html>`
  return languagesFor(ctx.laCode)[0] === 'cy' ? withWelshFirst(kind, ctx, links, { subject, text, html }) : { subject, text, html }
}

/** A setting in Wales: the Welsh part first, then the English in full (issue 14.6). */
function withWelshFirst(kind: MailKind, ctx: SendContext, links: { details: string; acknowledge: string }, en: RenderedMail): RenderedMail {
  const cy = welshPart(kind, ctx, links)
  const text = [
    cy.lead,
    '',
    ...cy.facts.map(([k, v]) => `${k}: ${v}`),
    '',
    `${cy.details}: ${links.details}`,
    ...(cy.acknowledge ? ['', `${cy.acknowledge.text}: ${links.acknowledge}`, cy.acknowledge.how] : []),
    ...(cy.desk ? ['', cy.desk] : []),
    '',
    ...cy.guidance,
    '',
    `———— ${cy.englishFollows} ————`,
    '',
    en.text,
  ].join('\n')
  const welshHtml = `<div lang="cy">
<p>${escapeHtml(cy.lead)}</p>
<table>${cy.facts.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
<p><a href="${escapeHtml(links.details)}">${escapeHtml(cy.details)}</a></p>
${cy.acknowledge ? `<p><a href="${escapeHtml(links.acknowledge)}"><strong>${escapeHtml(cy.acknowledge.text)}</strong></a><br>${escapeHtml(cy.acknowledge.how)}</p>` : ''}
${cy.desk ? `<p>${escapeHtml(cy.desk)}</p>` : ''}
${cy.guidance.map((l) => `<p style="color:#555">${escapeHtml(l)}</p>`).join('\n')}
</div>
<hr><p lang="cy"><em>${escapeHtml(cy.englishFollows)}</em></p>
<div lang="en">`
  const html = en.html.replace('<body style="font-family:Arial,sans-serif">', `<body style="font-family:Arial,sans-serif">\n${welshHtml}`).replace('</body></html>', '</div>\n</body></html>')
  return { subject: `${cy.subject} / ${en.subject}`, text, html }
}
