// The one error shape: RFC 9457 problem+json. Input errors list each bad field as a JSON Pointer
// into the request body, so a police system can show its user exactly what to fix.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import type { FieldError } from '../domain/incident.js'

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail)
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

const typeFor = (status: number, slug?: string) => (slug ? `/problems/${slug}` : status >= 500 ? 'about:blank' : `/problems/${status}`)

export function sendProblem(
  reply: FastifyReply,
  status: number,
  detail: string,
  extra: Record<string, unknown> = {},
  title = TITLES[status] ?? 'Error',
): FastifyReply {
  const { type, ...rest } = extra
  if (status === 401) reply.header('www-authenticate', 'Bearer')
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ type: (type as string | undefined) ?? typeFor(status), title, status, detail, ...rest })
}

export const notFound = (what: string) => new HttpProblem(404, 'Not Found', `${what} not found`)

export function invalidInput(status: 400 | 422, errors: FieldError[], detail?: string): HttpProblem {
  const fields = errors.map((e) => e.path || '/').join(', ')
  return new HttpProblem(status, status === 400 ? 'Invalid request' : 'Request breaks a rule', detail ?? `invalid field(s): ${fields}`, {
    type: status === 400 ? '/problems/validation' : '/problems/rule',
    errors,
  })
}

const pointerEscape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1')

/** Turns the zod issues fastify-type-provider-zod attaches into our field errors. */
export function fieldErrorsFromValidation(err: FastifyError): FieldError[] {
  const out: FieldError[] = []
  const context = (err as { validationContext?: string }).validationContext
  const prefix = context && context !== 'body' ? `/${context === 'querystring' ? 'query' : context}` : ''
  for (const v of err.validation ?? []) {
    const base = v.instancePath === '/' ? '' : v.instancePath
    const params = v.params as { keys?: string[] }
    if (v.keyword === 'unrecognized_keys' && Array.isArray(params.keys)) {
      for (const key of params.keys) out.push({ path: `${prefix}${base}/${pointerEscape(key)}`, message: 'unknown field' })
    } else {
      out.push({ path: `${prefix}${base}`, message: v.message ?? 'invalid' })
    }
  }
  return out
}

/**
 * The errors Fastify meets before any route is chosen (its `frameworkErrors` option): a path that
 * does not percent-decode, a path segment longer than the router takes. Problems, like the rest.
 */
export function frameworkError(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void sendProblem(reply, 414, 'a segment of the path is too long', { errors: [{ path: '/params', message: 'is too long' }] })
    return
  }
  void sendProblem(reply, 400, 'the path is not validly percent-encoded', { errors: [{ path: '/params', message: 'must be validly percent-encoded' }] })
}

/** A problem to answer with: status, title, detail and any extra members. */
export interface Problem {
  status: number
  title: string
  detail: string
  extra: Record<string, unknown>
}

const problem = (status: number, detail: string, extra: Record<string, unknown> = {}, title = TITLES[status] ?? 'Error'): Problem =>
  ({ status, title, detail, extra })

/** What any error thrown while handling a request means to the caller. Logs the ones that are ours. */
export function problemOf(err: FastifyError, request: FastifyRequest): Problem {
  if (err instanceof HttpProblem) return problem(err.status, err.detail, err.extra, err.title)
  if (hasZodFastifySchemaValidationErrors(err)) {
    const p = invalidInput(400, fieldErrorsFromValidation(err))
    return problem(400, p.detail, p.extra, p.title)
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem(415, 'send application/json')
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(413, 'request body is too large')
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(400, 'request body is empty', { errors: [{ path: '', message: 'must be a JSON object' }] })
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problem(400, 'request body is not valid JSON', { errors: [{ path: '', message: 'must be valid JSON' }] })
  }
  // A PostgreSQL data exception (class 22: a character or date it cannot hold) can only come from
  // a value in the request, and its transaction has rolled back: a client error, nothing stored.
  // The route's own schema should have named the field; this is the net beneath it.
  if (typeof err.code === 'string' && /^22[0-9A-Z]{3}$/.test(err.code) && err.statusCode === undefined) {
    request.log.warn({ pgCode: err.code, route: request.routeOptions.url }, 'input reached PostgreSQL that it cannot store')
    return problem(400, 'the request holds a value that cannot be stored (a control character, or a date out of range)')
  }
  const status = err.statusCode ?? 500
  if (status === 429) return problem(429, 'too many requests for this token; slow down and retry')
  if (status >= 400 && status < 500) {
    // JSON syntax errors from the body parser arrive as plain 400s.
    const detail = err instanceof SyntaxError ? 'request body is not valid JSON' : err.message
    return problem(status, detail)
  }
  request.log.error({ err: { message: err.message, code: err.code, stack: err.stack } }, 'request failed')
  return problem(500, 'something went wrong on our side; the request may be retried')
}

export function registerProblemHandlers(
  app: FastifyInstance,
  opts: { notFoundPage?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | null } = {},
): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const p = problemOf(err, request)
    return sendProblem(reply, p.status, p.detail, p.extra, p.title)
  })
  app.setNotFoundHandler((request, reply) =>
    opts.notFoundPage?.(request, reply) ?? sendProblem(reply, 404, `no route ${request.method} ${request.url.split('?')[0]}`))
}
