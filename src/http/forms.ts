// The pages' HTML forms: how their bodies are read, the one same-origin check every state-changing
// form request passes, and the GOV.UK error pattern (a summary at the top linking to each field,
// and the message again beside the field).
//
// Same origin: a browser names the page a form was sent from in `Origin` (or, failing that, in
// `Referer`; the pages' Referrer-Policy is same-origin so it does for our own forms). A request
// that names another site, or names none, is refused before anything else is done, so a page
// elsewhere cannot make a signed-in person's browser sign out, sign in as someone else, or press
// a button. Our own origin is PUBLIC_BASE_URL's; the origin the request itself was addressed to
// (its Host) is accepted too, so a developer browsing 127.0.0.1 rather than localhost is not
// refused: a cross-site page cannot choose the Host header of a request it makes a browser send.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import { HttpProblem } from './problem.js'

export type FormBody = Record<string, string>

/** Adds the application/x-www-form-urlencoded parser to the scope it is called in (the pages). */
export function acceptForms(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const out: FormBody = {}
    // The first value of a repeated field counts; URLSearchParams never throws on bad encoding.
    for (const [k, v] of new URLSearchParams(body as string)) if (!(k in out)) out[k] = v
    done(null, out)
  })
}

/** One field of a form body as a string ('' when absent or not text). */
export function field(body: unknown, name: string): string {
  if (typeof body !== 'object' || body === null) return ''
  const v = (body as Record<string, unknown>)[name]
  return typeof v === 'string' ? v : ''
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

function originOf(value: string | undefined): string | null {
  if (!value || value === 'null') return null
  try {
    return new URL(value).origin
  } catch {
    return null
  }
}

/** Whether a request came from one of our own pages (see the top of this file). */
export function isSameOrigin(request: FastifyRequest, config: Config): boolean {
  const ours = new Set([new URL(config.PUBLIC_BASE_URL).origin])
  const host = request.headers.host
  if (host) {
    const own = originOf(`${request.protocol}://${host}`)
    if (own) ours.add(own)
  }
  const origin = request.headers.origin
  if (origin !== undefined) return ours.has(originOf(origin) ?? '')
  const referer = originOf(request.headers.referer)
  return referer !== null && ours.has(referer)
}

/**
 * Refuses every state-changing request to a page (`config.page`, see pages.ts) unless it came from
 * our own pages. Added at the root before authentication, so a refused request costs no lookup.
 */
export function requireSameOriginForms(app: FastifyInstance, config: Config): void {
  app.addHook('onRequest', async (request) => {
    if (SAFE_METHODS.has(request.method) || request.routeOptions.config.page !== true) return
    if (!isSameOrigin(request, config)) {
      throw new HttpProblem(403, 'Forbidden', 'this form was not sent from a page of this service', { type: '/problems/cross-origin' })
    }
  })
}

export interface FieldProblem {
  field: string
  text: string
}

/** What the layout and GOV.UK's field macros take: a summary list and each field's message. */
export interface FormErrors {
  summary: { text: string; href: string }[]
  byField: Record<string, { text: string }>
}

export function formErrors(problems: FieldProblem[]): FormErrors {
  const byField: Record<string, { text: string }> = {}
  for (const p of problems) byField[p.field] ??= { text: p.text }
  return { summary: problems.map((p) => ({ text: p.text, href: `#${p.field}` })), byField }
}
