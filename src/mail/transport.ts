// Where e-mail leaves. With SMTP_URL: a pooled nodemailer SMTP transport (TLS as the URL and
// SMTP_REQUIRE_TLS say). Without it (a developer machine): each message is written as an .eml file
// under .data/mail so it can be opened and read; nothing is sent anywhere.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import nodemailer from 'nodemailer'

export interface OutgoingMail {
  messageId: string
  from: string
  to: string[]
  cc?: string[]
  subject: string
  text: string
  html: string
  headers?: Record<string, string>
}

export interface SendResult {
  response: string
  accepted: string[]
  rejected: string[]
}

export interface Mailer {
  readonly kind: 'smtp' | 'files'
  send(mail: OutgoingMail): Promise<SendResult>
  verify(): Promise<boolean>
  close(): void
}

export function createMailer(opts: { smtpUrl?: string | undefined; requireTls: boolean; poolSize: number; mailDir: string }): Mailer {
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

export function describeSmtpError(err: unknown): string {
  const e = err as { responseCode?: number; code?: string; message?: string }
  return [e.responseCode, e.code, e.message].filter(Boolean).join(' ').slice(0, 300)
}
