// Renders and sends one of a notification's e-mails. The Message-ID is fixed per notification
// and kind, so a retry after a crash carries the same id and a duplicate can be recognised.
import { ackUrl } from '../domain/ack-links.js'
import { contentLanguage, languagesFor } from '../domain/languages.js'
import { renderNotification, type MailKind } from './templates.js'
import type { SendResult } from './transport.js'
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
  return services.mailer.send({
    messageId: messageIdFor(ctx, kind),
    from: config.MAIL_FROM,
    to,
    cc,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: { 'X-Encompass-Notification': ctx.id, 'X-Encompass-Kind': kind, 'Content-Language': contentLanguage(languagesFor(ctx.laCode, ctx.firstLanguage)) },
  })
}
