// People who sign in to the pages by e-mailed link (issue 13). Administrators register officers and
// desk staff (per force), LA administrators (per LA codes), auditors, administrators, and a Key
// Adult for a setting whose contacts do not list them (Key Adults a setting's contacts name need
// no registration). The /people page does the same for people in a browser (people-pages.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { newPersonSchema, PERSON_ROLES } from '../../domain/people.js'
import { disablePersonChecked, registerPersonChecked } from '../../flows/register-person.js'
import type { Services } from '../../services.js'
import { listPeople, type Person } from '../../store/people-store.js'
import { actorOf, caller } from '../auth.js'
import { HttpProblem, invalidInput, notFound } from '../problem.js'

const instant = z.date().describe('RFC 3339 timestamp, UTC')
/** A person as the API shows them (the response schema: a field not named here is not sent). */
export const personSchema = z.object({
  id: z.string().describe('uuid'),
  email: z.string(),
  name: z.string(),
  role: z.enum(PERSON_ROLES),
  force: z.string().nullable(),
  urn: z.string().nullable(),
  laCodes: z.array(z.string()),
  source: z.enum(['registered', 'contacts']).describe("'contacts': a Key Adult known from a setting's contacts, written at their first sign-in"),
  createdAt: instant,
  disabledAt: instant.nullable(),
  lastSignedInAt: instant.nullable(),
})
const peopleListSchema = z.object({ people: z.array(personSchema) })

export const personJson = (p: Person): z.infer<typeof personSchema> => ({
  id: p.id, email: p.email, name: p.name, role: p.role, force: p.forceCode, urn: p.urn, laCodes: p.laCodes,
  source: p.source, createdAt: p.createdAt, disabledAt: p.disabledAt, lastSignedInAt: p.lastSignedInAt,
})

export const peopleRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = services
    app.post(
      '/v1/people',
      {
        config: {
          roles: ['admin'],
          responses: { 201: 'Registered: the person can now ask for a sign-in link at /sign-in', 409: 'The address already has this role' },
          bodyExample: { email: 'a.officer@cleveland.police.example', name: 'A Officer', role: 'officer', force: 'cleveland' },
        },
        schema: { tags: ['people'], summary: 'Register a person who signs in with an e-mailed link', body: newPersonSchema, response: { 201: personSchema } },
      },
      async (request, reply) => {
        const p = caller(request)
        const r = await registerPersonChecked(services, request.body, { actor: actorOf(p), actorRole: p.role, requestId: request.id })
        if ('problems' in r) throw invalidInput(422, r.problems)
        if ('conflict' in r) throw new HttpProblem(409, 'Conflict', 'this address already has this role', { existingPersonId: r.conflict, errors: [{ path: '/email', message: 'already has this role' }] })
        return reply.code(201).send(personJson(r.person))
      },
    )
    app.post(
      '/v1/people/:id/disable',
      {
        config: { roles: ['admin'] },
        schema: { tags: ['people'], summary: 'Disable a person: their sessions end at once and they are sent no sign-in link', params: z.object({ id: z.uuid() }), response: { 200: personSchema } },
      },
      async (request) => {
        const p = caller(request)
        const person = await disablePersonChecked(services, request.params.id, { actor: actorOf(p), actorRole: p.role, requestId: request.id })
        if (!person) throw notFound('person')
        return personJson(person)
      },
    )
    app.get(
      '/v1/people',
      {
        config: { roles: ['admin'] },
        schema: { tags: ['people'], summary: 'People on file, newest first', querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(200) }), response: { 200: peopleListSchema } },
      },
      async (request) => ({ people: (await listPeople(db, { limit: request.query.limit })).map(personJson) }),
    )
  }
