// Renders and sends one of a notification's e-mails. The Message-ID is fixed per notification
// and kind, so a retry after a crash carries the same id and a duplicate can be recognised.
// A transport that fills in a template (GOV.UK Notify) gets the same words less the child's line:
// a message held by another service names no child.
import { ackUrl } from '../domain/ack-links.js'
import { contentLanguage, languagesFor } from '../domain/languages.js'
import { childLabel, renderNotification, type MailKind, type RenderedMail } from './templates.js'
import type { SendResult, TemplateParts } from './transport.js'
import { t } from '../i18n/translate.js'
import type { Services } from '../services.js'
import type { SendContext } from '../store/notifications-store.js'

export function messageIdFor(ctx: SendContext, kind: MailKind): string {
  return kind === 'notification' ? ctx.messageId : ctx.messageId.replace('@', `.${kind}@`)
}

export async function sendNotificationMail(
  services: Services,
  ctx: SendContext,
  kind: MailKind,
  to: string[],
  cc: string[] = [],
): Promise<SendResult> {
  const { config } = services
  const links = {
    // The force desk opens the incident's officer page; the Key Adults their notification's page.
    details: kind === 'desk' && ctx.incidentId ? `${config.PUBLIC_BASE_URL}/incidents/${ctx.incidentId}` : `${config.PUBLIC_BASE_URL}/notifications/${ctx.id}`,
    acknowledge: ackUrl(config.PUBLIC_BASE_URL, config.ACK_LINK_SECRET, ctx.id),
  }
  const mail = renderNotification(kind, ctx, links)
  const languages = languagesFor(ctx.laCode, ctx.firstLanguage)
  return services.mailer.send({
    messageId: messageIdFor(ctx, kind),
    from: config.MAIL_FROM,
    to,
    cc,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: { 'X-Encompass-Notification': ctx.id, 'X-Encompass-Kind': kind, 'Content-Language': contentLanguage(languages) },
    // Only Notify reads it: SMTP sends the message as rendered.
    ...(services.mailer.kind === 'notify' ? { template: { kind, language: languages[0]!, lines: linesWithoutTheChild(mail, ctx), link: links.details } } : {}),
  })
}

/**
 * The text's lines less the one naming the child (English "Child: …", Welsh "Plentyn: …"). Should
 * a change of wording leave the child's name in, nothing is sent rather than the name.
 */
export function linesWithoutTheChild(mail: RenderedMail, ctx: Pick<SendContext, 'givenName' | 'familyName'>): TemplateParts['lines'] {
  const childLines = [`${t('en', 'mail.fact.child')}: `, `${t('cy', 'mail.fact.child')}: `]
  const lines = mail.text.split('\n').filter((line) => !childLines.some((start) => line.startsWith(start)))
  const name = ctx.givenName ? childLabel(ctx) : null
  if (name && lines.some((line) => line.includes(name))) throw new Error('the message for a template still names the child: not sent')
  return lines
}
