// GOV.UK Notify as the way mail leaves (issue 14.7), for the public bodies that must send through
// it: MAIL_TRANSPORT=notify. Notify holds the templates (notify-templates.ts chooses one by kind of
// message and first language); we send its personalisation: the subject, the body's lines and the
// one link, from the message's TemplateParts, which carry no child's name or date of birth. Notify
// takes one address a request, so each recipient, copies too, is a send of its own.
//
// Notify's answers, as its API documentation lists them: 201 sent; 400 (BadRequestError,
// ValidationError: trial mode, team-only key, a bad address or template) and 403 (AuthError: key
// not found, clock skew) will not get better by retrying; 429 (RateLimitError, TooManyRequestsError)
// and 500 (Exception) will: "retry after a pause", "resend your notification". A Retry-After header,
// when Notify sends one, sets that pause; otherwise the queue's own backoff does (deliver.ts).
import http from 'node:http'
import https from 'node:https'
import axios, { isAxiosError } from 'axios'
import { NotifyClient } from 'notifications-node-client'
import { templateIdFor, type NotifyTemplateIds } from './notify-templates.js'
import type { Mailer } from './transport.js'

export interface NotifySettings {
  apiKey: string
  baseUrl: string
  templateIds: NotifyTemplateIds
  /** One request's limit; a Notify that does not answer is a temporary failure. */
  timeoutMs?: number
}

/** A failed send to Notify, in Notify's own terms (status and error names) and ours (permanent?). */
export class NotifySendError extends Error {
  override readonly name = 'NotifySendError'
  constructor(
    /** Notify's HTTP status; null when no answer came (refused, reset, timed out). */
    readonly status: number | null,
    /** Notify's error names ("RateLimitError"), or the network error's code. */
    readonly errors: string[],
    readonly permanent: boolean,
    /** The pause Notify asked for (Retry-After), in ms; null when it asked for none. */
    readonly retryAfterMs: number | null,
    detail: string,
  ) {
    super(`Notify ${status ?? 'no answer'} ${detail}`.trim().slice(0, 300))
  }
}

interface NotifyErrorBody {
  status_code?: number
  errors?: { error?: string; message?: string }[]
}

/** Notify's readiness answer is kept this long, so that a frequent caller does not call Notify each time. */
const VERIFY_CACHE_MS = 5 * 60_000

export function createNotifyMailer(settings: NotifySettings): Mailer {
  const httpAgent = new http.Agent({ keepAlive: true })
  const httpsAgent = new https.Agent({ keepAlive: true })
  const client = new NotifyClient(settings.baseUrl, settings.apiKey)
  // axios waits for ever by default: a send must end, so that its claim can pass to a retry.
  // (axios's ESM and CommonJS typings differ; the instance is the same.)
  const rest = axios.create({ timeout: settings.timeoutMs ?? 30_000, httpAgent, httpsAgent })
  client.setClient(rest as unknown as Parameters<NotifyClient['setClient']>[0])
  let verified: { at: number; ok: boolean } | null = null
  return {
    kind: 'notify',
    async send(mail) {
      const parts = mail.template
      if (!parts) throw new NotifySendError(null, [], true, null, 'this message has no template parts and cannot be sent through Notify')
      const templateId = templateIdFor(settings.templateIds, parts.kind, parts.language)
      const personalisation = { subject: mail.subject, body: parts.lines.join('\n'), link: parts.link }
      // Shown in Notify's own records beside each send: our Message-ID, which names no one.
      const reference = mail.messageId.replace(/^<|>$/g, '')
      const accepted: string[] = []
      const rejected: string[] = []
      const ids: string[] = []
      const refusals: NotifySendError[] = []
      for (const address of [...mail.to, ...(mail.cc ?? [])]) {
        try {
          const res = await client.sendEmail(templateId, address, { personalisation, reference })
          accepted.push(address)
          ids.push(String(res.data.id))
        } catch (err) {
          const e = notifyErrorOf(err)
          // Nothing has gone yet: the whole message is tried again later. Once one address has it,
          // a retry would send it twice, so a later address that fails is reported, as SMTP reports
          // a refused recipient, and the flow records it.
          if (!e.permanent && accepted.length === 0) throw e
          rejected.push(address)
          refusals.push(e)
        }
      }
      if (accepted.length === 0) throw refusals[0]! // every address refused for good
      const notSent = refusals.length ? `; not sent to ${refusals.length}: ${refusals.map((r) => r.message).join('; ')}` : ''
      return { response: `201 Notify ${ids.join(' ')}${notSent}`.slice(0, 1000), accepted, rejected }
    },
    // Asks Notify for the notification template (the key and the template are good), at most once
    // in VERIFY_CACHE_MS: Notify counts every request against the service's rate limit.
    async verify() {
      if (verified && Date.now() - verified.at < VERIFY_CACHE_MS) return verified.ok
      let ok = false
      try {
        await client.getTemplateById(settings.templateIds.notification.en)
        ok = true
      } catch {
        ok = false
      }
      verified = { at: Date.now(), ok }
      return ok
    },
    close() {
      httpAgent.destroy()
      httpsAgent.destroy()
    },
  }
}

/**
 * Notify's answer as a NotifySendError. The axios error itself is not kept: its request carries
 * the signed token and the personalisation.
 */
export function notifyErrorOf(err: unknown): NotifySendError {
  if (err instanceof NotifySendError) return err
  if (!isAxiosError(err)) return new NotifySendError(null, [], false, null, (err as Error)?.message ?? 'unknown error')
  const res = err.response
  if (!res) return new NotifySendError(null, [err.code ?? 'network'], false, null, err.code ?? 'no answer')
  const status = res.status
  const body = (typeof res.data === 'object' && res.data !== null ? res.data : {}) as NotifyErrorBody
  const errors = (body.errors ?? []).map((e) => String(e.error ?? 'Error'))
  const detail = (body.errors ?? []).map((e) => `${e.error ?? 'Error'}: ${e.message ?? ''}`).join('; ') || `HTTP ${status}`
  return new NotifySendError(status, errors, isPermanentStatus(status), retryAfterMs(res.headers?.['retry-after']), detail)
}

/** 400 and 403 (and any other 4xx but a timeout or a rate limit) are final; 429 and 5xx pass. */
function isPermanentStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429
}

/** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: unknown, now = Date.now()): number | null {
  if (typeof header !== 'string' || header.trim() === '') return null
  const value = header.trim()
  if (/^[0-9]+$/.test(value)) return Number(value) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? null : Math.max(0, at - now)
}
