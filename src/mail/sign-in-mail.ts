// The sign-in link's e-mail: the link, how long it lasts, and what to do if the person did not ask
// for it. Nothing else: it names no child, no setting and no role. The person is not known when
// they ask, so the language is the one they chose on the sign-in page (Cymraeg: Welsh first, then
// English, each in full, as the Key Adults' e-mails are); otherwise English only.
import type { Language } from '../domain/languages.js'
import { timeIn } from '../i18n/dates.js'
import { t } from '../i18n/translate.js'
import type { RenderedMail } from './templates.js'

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!)

const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: 'numeric', minute: '2-digit', hour12: true })

const untilIn = (lang: Language, expiresAt: Date) => (lang === 'en' ? timeFormat.format(expiresAt).replace(' ', '').toLowerCase() : timeIn(lang, expiresAt))

function partText(lang: Language, url: string, until: string): string[] {
  return [t(lang, 'mail.signIn.use', { until }), '', url, '', t(lang, 'mail.signIn.how'), '', t(lang, 'mail.signIn.ignore')]
}

function partHtml(lang: Language, url: string, until: string): string {
  return `<p>${escapeHtml(t(lang, 'mail.signIn.use', { until }))}</p>
<p><a href="${escapeHtml(url)}"><strong>${escapeHtml(t(lang, 'mail.signIn.link'))}</strong></a></p>
<p>${escapeHtml(t(lang, 'mail.signIn.how'))}</p>
<p style="color:#555">${escapeHtml(t(lang, 'mail.signIn.ignore'))}</p>`
}

export function renderSignInLinkMail(p: { url: string; expiresAt: Date; languages?: readonly Language[] }): RenderedMail {
  const languages = p.languages ?? ['en']
  const subject = languages.map((lang) => t(lang, 'mail.signIn.subject')).join(' / ')
  const open = '<!doctype html><html><body style="font-family:Arial,sans-serif">'
  const [first, second] = languages as [Language, Language | undefined]
  if (!second) {
    const until = untilIn(first, p.expiresAt)
    return { subject, text: partText(first, p.url, until).join('\n'), html: `${open}\n${partHtml(first, p.url, until)}\n</body></html>` }
  }
  // Two languages: each in full, a line between them in the language that follows.
  const follows = t(second, 'mail.thisLanguageFollows')
  return {
    subject,
    text: [...partText(first, p.url, untilIn(first, p.expiresAt)), '', `———— ${follows} ————`, '', ...partText(second, p.url, untilIn(second, p.expiresAt))].join('\n'),
    html: `${open}
<div lang="${first}">
${partHtml(first, p.url, untilIn(first, p.expiresAt))}
</div>
<hr><p lang="${second}"><em>${escapeHtml(follows)}</em></p>
<div lang="${second}">
${partHtml(second, p.url, untilIn(second, p.expiresAt))}
</div>
</body></html>`,
  }
}
