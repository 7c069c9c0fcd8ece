// Subject access and erasure (admin): everything held about one child, found by name and date of
// birth, as JSON or as a printable page; and erasure of a wrongly recorded child. The request
// itself is audited, naming the records it returned by id and never the name searched for (the
// audit trail outlives the purge). A name in a URL would sit in logs and browser history, so the
// search is a POST, on the API and on the page alike.
import type { FastifyPluginAsync } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { boundedDate } from '../../domain/date-bounds.js'
import { dateTime } from '../format.js'
import type { Services } from '../../services.js'
import { eraseChild, subjectAccess, type SubjectAccessResult, type SubjectQuery } from '../../store/subject-access-store.js'
import { auditRequest } from '../audit.js'
import { actorOf, caller } from '../auth.js'
import { field, formErrors, type FieldProblem } from '../forms.js'
import { HttpProblem, notFound } from '../problem.js'
import { erasureSchema, subjectAccessAnswerSchema, type SubjectAccessAnswer } from '../responses.js'

const name = z.string().trim().min(1, 'must not be empty').max(100)
export const subjectAccessSchema = z.strictObject({ givenName: name, familyName: name, dateOfBirth: boundedDate() })

async function answer(services: Services, request: Parameters<typeof auditRequest>[1], q: SubjectQuery): Promise<SubjectAccessResult> {
  const result = await subjectAccess(services.db, q)
  await auditRequest(services.db, request, 'subject-access.request', 'subject-access', null, 'subject access request', {
    childIds: result.children.map((c) => c.id),
    counts: Object.fromEntries(Object.entries(result).map(([k, v]) => [k, v.length])),
  })
  return result
}

const asText = (v: unknown): string =>
  v === null || v === undefined || v === '' ? '–'
    : v instanceof Date ? dateTime(v)
      : Array.isArray(v) ? (v.length ? v.map(asText).join(', ') : '–')
        : typeof v === 'object' ? JSON.stringify(v)
          : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)

/** The printable page's context: every value as the text it prints as. */
export function subjectAccessPage(result: SubjectAccessResult, q: SubjectQuery, generatedAt: Date) {
  const text = Object.fromEntries(Object.entries(result).map(([k, items]) =>
    [k, (items as Record<string, unknown>[]).map((i) => Object.fromEntries(Object.entries(i).map(([f, v]) => [f, asText(v)])))]))
  return { pageTitle: 'Subject access: what is held about a child', result: text, query: q, generatedAt }
}

export const subjectAccessRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/v1/subject-access',
      {
        config: { roles: ['admin'], bodyExample: { givenName: 'Amy', familyName: 'Example', dateOfBirth: '2016-05-04' } },
        schema: {
          tags: ['governance'],
          summary: 'Everything held about a child, found by name and date of birth (Accept: text/html for a printable page)',
          body: subjectAccessSchema,
          response: {
            200: {
              description: 'Every record held about the child; with Accept: text/html, the same as a printable page',
              content: { 'application/json': { schema: subjectAccessAnswerSchema }, 'text/html': { schema: z.string() } },
            },
          },
        },
      },
      async (request, reply) => {
        const result = await answer(services, request, request.body)
        if ((request.headers.accept ?? '').includes('text/html')) {
          return reply.page('subject-access.njk', subjectAccessPage(result, request.body, services.clock.now()))
        }
        // The store reads each record's columns as they are; the schema names them (and checks them as it serializes).
        return { generatedAt: services.clock.now().toISOString(), ...result } as unknown as SubjectAccessAnswer
      },
    )

    app.post(
      '/v1/children/:id/erasure',
      {
        config: {
          roles: ['admin'],
          responses: { 409: 'The notification is still to be sent, or the child was already erased or purged' },
          bodyExample: { reason: 'recorded against the wrong child' },
        },
        schema: {
          tags: ['governance'],
          summary: 'Erase a wrongly recorded child: personal fields removed, timing facts kept',
          params: z.object({ id: z.uuid('must be a child id') }),
          body: z.strictObject({ reason: z.string().trim().min(3, 'must say why').max(200) }),
          response: { 200: erasureSchema },
        },
      },
      async (request) => {
        const p = caller(request)
        const outcome = await eraseChild(services.db, request.params.id, services.clock.now(), {
          actor: actorOf(p), actorRole: p.role, reason: request.body.reason, requestId: request.id,
        })
        if (outcome === 'not-found') throw notFound('child')
        if (outcome === 'already') throw new HttpProblem(409, 'Conflict', 'the child’s details were already removed', { type: '/problems/purged' })
        if (outcome === 'in-flight') {
          throw new HttpProblem(409, 'Conflict', 'the child’s notification is still to be sent; erase it once it has been sent or has failed', { type: '/problems/in-flight' })
        }
        return { id: request.params.id, erased: true as const }
      },
    )
  }

/** The page: a form (GET) and its printable answer (POST), in an administrator's signed-in session. */
export const subjectAccessPageRoutes =
  (services: Services): FastifyPluginAsync =>
  async (app) => {
    const form = { pageTitle: 'Subject access: find what is held about a child', homeUrl: '/dashboard' }
    app.get('/subject-access', { config: { roles: ['admin'] }, schema: { hide: true } }, async (_request, reply) =>
      reply.page('subject-access-form.njk', form))

    app.post('/subject-access', { config: { roles: ['admin'] }, schema: { hide: true } }, async (request, reply) => {
      const values = { givenName: field(request.body, 'givenName'), familyName: field(request.body, 'familyName'), dateOfBirth: field(request.body, 'dateOfBirth') }
      const parsed = subjectAccessSchema.safeParse(values)
      if (!parsed.success) {
        const problems: FieldProblem[] = parsed.error.issues.map((i) => {
          const f = String(i.path[0])
          const label = f === 'givenName' ? 'Enter the child’s given name' : f === 'familyName' ? 'Enter the child’s family name' : 'Enter the date of birth as YYYY-MM-DD'
          return { field: f, text: label }
        })
        return reply.page('subject-access-form.njk', { ...form, values, errors: formErrors(problems) }, 400)
      }
      const result = await answer(services, request, parsed.data)
      return reply.page('subject-access.njk', { ...subjectAccessPage(result, parsed.data, services.clock.now()), homeUrl: '/dashboard' })
    })
  }
