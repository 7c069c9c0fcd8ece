// The sign-in link's e-mail: the link, how long it lasts, and what to do if the person did not ask
// for it. Nothing else: it names no child, no setting and no role.
import type { RenderedMail } from './templates.js'

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!)

const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: 'numeric', minute: '2-digit', hour12: true })

export function renderSignInLinkMail(p: { url: string; expiresAt: Date }): RenderedMail {
  const until = timeFormat.format(p.expiresAt).replace(' ', '').toLowerCase()
  const subject = 'Sign in to Operation Encompass'
  const lines = [
    'Use this link to sign in to Operation Encompass. It works once, until ' + until + ' (15 minutes after you asked for it).',
    '',
    p.url,
    '',
    'Opening the link shows a page with a Sign in button: you are signed in when you press it.',
    '',
    'If you did not ask to sign in, you can ignore this e-mail: nobody can sign in without it.',
  ]
  const html = `<!doctype html><html><body style="font-family:Arial,sans-serif">
<p>Use this link to sign in to Operation Encompass. It works once, until ${escapeHtml(until)} (15 minutes after you asked for it).</p>
<p><a href="${escapeHtml(p.url)}"><strong>Sign in to Operation Encompass</strong></a></p>
<p>Opening the link shows a page with a Sign in button: you are signed in when you press it.</p>
<p style="color:#555">If you did not ask to sign in, you can ignore this e-mail: nobody can sign in without it.</p>
</body></html>`
  return { subject, text: lines.join('\n'), html }
}
