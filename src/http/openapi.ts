// The OpenAPI description served at /docs: every status code each route can answer, derived in
// one place from what the route declares, so a new route is documented by being declared.
//   config.roles  -> 401 (no valid token), 403 (a role the route never serves), 429 (rate limit)
//   params        -> 400 (malformed), 404 (no such resource, or outside the caller's scope)
//   querystring   -> 400
//   body          -> 400, 413, 415, 422, and an example body that passes the route's validation
//   config.responses -> what only the route knows: other success codes (202, 201, 204), 409s, a
//                       query's 422; `false` removes an implied code (PUT create-or-replace: no 404)
// Success bodies are the route's own `schema.response` (every JSON route declares one, its shapes in
// http/responses.ts); the description a route gives in config.responses is added to it here.
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger'
import { jsonSchemaTransform } from 'fastify-type-provider-zod'
import type { Role } from '../store/tokens-store.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Responses beyond those the route's declaration implies; `false` removes an implied one. */
    responses?: Record<number, string | false>
    /** A request body that passes this route's validation, shown in /docs as its example. */
    bodyExample?: unknown
  }
}

const problem = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      description: 'for input errors: each bad field, as a JSON Pointer into the request (body, or /query/…, /params/…)',
      items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
  },
}

const STANDARD: Record<number, string> = {
  400: 'Invalid request: a field breaks the schema (`errors[]` names each one); nothing is stored',
  401: 'No valid token: send `Authorization: Bearer <token>`',
  403: 'The token’s role may not use this endpoint',
  404: 'No such resource, or it lies outside the caller’s scope',
  409: 'Conflicts with what is stored',
  413: 'The body is larger than the limit',
  415: 'The body’s content type is not accepted',
  422: 'The request breaks a rule (`errors[]` names the field); nothing is stored',
  429: 'Too many requests: wait as long as the Retry-After header says',
}

const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: problem } } })

interface RouteDeclaration {
  roles?: readonly Role[] | undefined
  hasParams: boolean
  hasQuery: boolean
  hasBody: boolean
  responses?: Record<number, string | false> | undefined
}

/** Status code -> description, for a route as declared. */
export function impliedResponses(r: RouteDeclaration): Map<number, string> {
  const codes = new Map<number, string>()
  const declared = Object.entries(r.responses ?? {}).map(([k, v]) => [Number(k), v] as const)
  const successes = declared.filter(([k, v]) => k < 300 && v !== false)
  if (successes.length === 0) codes.set(200, 'OK')
  const add = (...ns: number[]) => ns.forEach((n) => codes.set(n, STANDARD[n]!))
  if (r.hasParams || r.hasQuery || r.hasBody) add(400)
  if (r.roles) add(401, 403)
  if (r.hasParams) add(404)
  if (r.hasBody) add(413, 415, 422)
  add(429)
  for (const [k, v] of declared) {
    if (v === false) codes.delete(k)
    else codes.set(k, v)
  }
  return new Map([...codes].sort(([a], [b]) => a - b))
}

type TransformArgs = Parameters<typeof jsonSchemaTransform>[0] & { route: { config?: { roles?: readonly Role[]; responses?: Record<number, string | false>; bodyExample?: unknown } } }

/** The zod type provider's transform, then the responses and example this module adds. */
function transform(args: TransformArgs): ReturnType<typeof jsonSchemaTransform> {
  const out = jsonSchemaTransform(args)
  const schema = out.schema as Record<string, unknown> | undefined
  if (!schema || schema.hide) return out
  const config = args.route.config ?? {}
  const body = schema.body as Record<string, unknown> | undefined
  const codes = impliedResponses({
    roles: config.roles,
    hasParams: schema.params !== undefined,
    hasQuery: schema.querystring !== undefined,
    hasBody: body !== undefined,
    responses: config.responses,
  })
  const response = { ...((schema.response as Record<string, unknown> | undefined) ?? {}) }
  for (const [code, description] of codes) {
    const own = response[code] as Record<string, unknown> | undefined
    if (own !== undefined) {
      // The route's own schema for it wins; it takes the declared description unless it has one.
      if (own.description === undefined) response[code] = { ...own, description }
      continue
    }
    response[code] = code < 300 ? { description, ...(code === 204 ? { type: 'null' } : {}) } : problemResponse(description)
  }
  const extra: Record<string, unknown> = { response }
  if (body && config.bodyExample !== undefined) extra.body = { ...body, examples: [config.bodyExample] }
  if (config.roles) {
    extra['x-roles'] = [...config.roles]
    const who = `Roles: ${config.roles.join(', ')}.`
    extra.description = typeof schema.description === 'string' ? `${schema.description}\n\n${who}` : who
  }
  return { ...out, schema: { ...schema, ...extra } }
}

export function openApiOptions(): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      info: {
        title: 'encompass-notify',
        version: '1',
        description:
          'Operation Encompass notifications: police incidents in, Key Adult e-mails out before the next school day. ' +
          'The contract these endpoints keep is docs/api.md in the repository. Every error is application/problem+json.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: transform as FastifyDynamicSwaggerOptions['transform'],
  }
}
