// Where e-mail leaves. With SMTP_URL: a pooled nodemailer SMTP transport (TLS as the URL and
// SMTP_REQUIRE_TLS say). With MAIL_TRANSPORT=notify: GOV.UK Notify (notify-transport.ts). Without
// either (a developer machine): each message is written as an .eml file under .data/mail so it can
// be opened and read; nothing is sent anywhere. Whichever sends, a failure is classed here, once:
// permanent (retrying will not help) or temporary (retry, after the pause the server asked for).
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import type { Language } from '../domain/languages.js'
import { createNotifyMailer, NotifySendError, type NotifySettings } from './notify-transport.js'
import type { MessageKind } from './notify-templates.js'

export interface OutgoingMail {
  messageId: string
  from: string
  to: string[]
  cc?: string[]
  subject: string
  text: string
  html: string
  headers?: Record<string, string>
  /** The same message for a transport that fills in a template held elsewhere (GOV.UK Notify). */
  template?: TemplateParts
}

/**
 * What a template needs: which message, in which first language, and its words without the
 * child's name or date of birth: the body's lines and the one link the reader needs.
 */
export interface TemplateParts {
  kind: MessageKind
  language: Language
  lines: string[]
  link: string
}

export interface SendResult {
  response: string
  accepted: string[]
  rejected: string[]
}

export interface Mailer {
  readonly kind: 'smtp' | 'files' | 'notify'
  send(mail: OutgoingMail): Promise<SendResult>
  verify(): Promise<boolean>
  close(): void
}

export function createMailer(opts: {
  smtpUrl?: string | undefined
  requireTls: boolean
  poolSize: number
  mailDir: string
  /** Set (MAIL_TRANSPORT=notify): everything goes through GOV.UK Notify; the SMTP settings are unused. */
  notify?: NotifySettings | null | undefined
}): Mailer {
  if (opts.notify) return createNotifyMailer(opts.notify)
  if (!opts.smtpUrl) return fileMailer(opts.mailDir)
  const transport = nodemailer.createTransport({
    url: opts.smtpUrl,
    pool: true,
    maxConnections: opts.poolSize,
    requireTLS: opts.requireTls,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  } as Parameters<typeof nodemailer.createTransport>[0])
  return {
    kind: 'smtp',
    async send(mail) {
      const info = await transport.sendMail({ ...mail, messageId: mail.messageId })
      return {
        response: String(info.response ?? ''),
        accepted: (info.accepted ?? []).map(String),
        rejected: (info.rejected ?? []).map(String),
      }
    },
    async verify() {
      try {
        return await transport.verify()
      } catch {
        return false
      }
    },
    close: () => transport.close(),
  }
}

function fileMailer(dir: string): Mailer {
  const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
  return {
    kind: 'files',
    async send(mail) {
      const info = await stream.sendMail({ ...mail, messageId: mail.messageId })
      await mkdir(dir, { recursive: true })
      const safeId = mail.messageId.replace(/[^A-Za-z0-9.@-]/g, '')
      const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${safeId}.eml`)
      await writeFile(file, info.message as Buffer)
      const all = [...mail.to, ...(mail.cc ?? [])]
      return { response: `250 written to ${file}`, accepted: all, rejected: [] }
    },
    verify: async () => true,
    close: () => {},
  }
}

/** A 5xx answer (mailbox unknown, policy refusal) will not get better by retrying. */
export function isPermanentSmtpFailure(err: unknown): boolean {
  const code = (err as { responseCode?: unknown })?.responseCode
  return typeof code === 'number' && code >= 500 && code < 600
}

/** Retrying will not help, whichever transport refused: an SMTP 5xx, or Notify's 400 or 403. */
export function isPermanentSendFailure(err: unknown): boolean {
  if (err instanceof NotifySendError) return err.permanent
  return isPermanentSmtpFailure(err)
}

/** The pause the mail service asked for before the next try (Notify's Retry-After), in ms; else null. */
export function retryAfterMsOf(err: unknown): number | null {
  return err instanceof NotifySendError ? err.retryAfterMs : null
}

/** A send failure in words that name no child, whichever transport it came from. */
export function describeSendError(err: unknown): string {
  if (err instanceof NotifySendError) return err.message
  return describeSmtpError(err)
}

export function describeSmtpError(err: unknown): string {
  const e = err as { responseCode?: number; code?: string; message?: string }
  return [e.responseCode, e.code, e.message].filter(Boolean).join(' ').slice(0, 300)
}
