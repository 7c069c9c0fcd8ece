// /people: who may sign in by e-mailed link, and a form to register someone. An administrator sees
// and registers everyone; an LA administrator sees the people of their LA codes and registers LA
// administrators of those codes and Key Adults of their settings. The form is judged by the API's
// own schema (domain/people.ts) and registered through the same flow as POST /v1/people, each
// refusal shown beside its field and in the error summary. Key Adults named in a setting's
// contacts are not listed until they first sign in: they need no registration.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { newPersonSchema, PERSON_ROLE_LABEL, PERSON_ROLES, type PersonRole } from '../../domain/people.js'
import { disablePersonChecked, registerPersonChecked } from '../../flows/register-person.js'
import type { Services } from '../../services.js'
import { listPeople } from '../../store/people-store.js'
import type { Principal } from '../../store/tokens-store.js'
import { actorOf, caller } from '../auth.js'
import { field, formErrors, type FieldProblem } from '../forms.js'
import { HttpProblem, notFound } from '../problem.js'
import { z } from 'zod'

const FIELDS = ['email', 'name', 'role', 'force', 'urn', 'laCodes'] as const
type PersonForm = Record<(typeof FIELDS)[number], string>

/** The LA codes an LA administrator is limited to; undefined for an administrator. */
function scopeOf(p: Principal): { laCodes?: string[] | undefined } {
  if (p.role === 'admin' && (!p.person || p.person.role === 'admin')) return {}
  if (p.person?.role === 'la-admin') return { laCodes: p.person.laCodes }
  throw new HttpProblem(403, 'Forbidden', 'only administrators and LA administrators keep the people on file')
}

/** The form's fields as the API's body: empty fields left out, LA codes split on commas or spaces. */
function bodyOf(f: PersonForm): Record<string, unknown> {
  const out: Record<string, unknown> = { email: f.email, name: f.name, role: f.role }
  if (f.force.trim()) out.force = f.force.trim()
  if (f.urn.trim()) out.urn = f.urn.trim()
  if (f.laCodes.trim()) out.laCodes = f.laCodes.split(/[\s,]+/).filter(Boolean)
  return out
}

/** A JSON pointer of the body ("/laCodes/1") as the form field it came from ("laCodes"). */
const fieldOfPath = (path: string) => {
  const first = path.split('/')[1] ?? ''
  return (FIELDS as readonly string[]).includes(first) ? first : 'email'
}
const label: Record<string, string> = { email: 'E-mail address', name: 'Name', role: 'Role', force: 'Force code', urn: 'Setting URN', laCodes: 'LA codes' }

export const peoplePageRoutes =
  (services: Services): FastifyPluginAsync =>
  async (app) => {
    const { db } = services

    async function show(request: FastifyRequest, reply: FastifyReply, opts: { values?: PersonForm; problems?: FieldProblem[]; added?: string } = {}, status = 200) {
      const scope = scopeOf(caller(request))
      const people = await listPeople(db, { laCodes: scope.laCodes, limit: 500 })
      const roles: readonly PersonRole[] = scope.laCodes ? ['la-admin', 'key-adult'] : PERSON_ROLES
      const chosen = opts.values?.role ?? ''
      return reply.page('people.njk', {
        pageTitle: 'People',
        people: people.map((p) => ({ ...p, roleLabel: PERSON_ROLE_LABEL[p.role], scope: p.forceCode ?? p.urn ?? (p.laCodes.length ? p.laCodes.join(', ') : '') })),
        roles: roles.map((r) => ({ value: r, text: PERSON_ROLE_LABEL[r], checked: r === chosen })),
        laCodes: scope.laCodes,
        values: opts.values ?? {},
        errors: opts.problems?.length ? formErrors(opts.problems) : undefined,
        added: opts.added,
      }, status)
    }

    const who = { roles: ['admin', 'auditor'] as const }
    app.get('/people', { config: who, schema: { hide: true } }, async (request, reply) => {
      const q = request.query as Record<string, unknown>
      const added = q.added === '1' ? 'The person has been registered. They can now sign in with their e-mail address.'
        : q.disabled === '1' ? 'The person has been disabled. Their sessions have ended and they cannot sign in.' : undefined
      return show(request, reply, { added })
    })

    app.post('/people', { config: who, schema: { hide: true } }, async (request, reply) => {
      const p = caller(request)
      const scope = scopeOf(p)
      const values = Object.fromEntries(FIELDS.map((k) => [k, field(request.body, k)])) as PersonForm
      const parsed = newPersonSchema.safeParse(bodyOf(values))
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => {
          const f = fieldOfPath(`/${i.path.join('/')}`)
          return { field: f, text: f === 'role' && values.role === '' ? 'Choose a role' : `${label[f]} ${i.message}` }
        })
        return show(request, reply, { values, problems }, 400)
      }
      const r = await registerPersonChecked(services, parsed.data, { actor: actorOf(p), actorRole: p.person?.role ?? p.role, laCodes: scope.laCodes, requestId: request.id })
      if ('problems' in r) return show(request, reply, { values, problems: r.problems.map((x) => ({ field: fieldOfPath(x.path), text: `${label[fieldOfPath(x.path)]} ${x.message}` })) }, 422)
      if ('conflict' in r) return show(request, reply, { values, problems: [{ field: 'email', text: 'That e-mail address already has this role' }] }, 409)
      return reply.redirect('/people?added=1', 303)
    })

    app.post('/people/:id/disable', { config: who, schema: { hide: true } }, async (request, reply) => {
      const p = caller(request)
      const scope = scopeOf(p)
      const { id } = request.params as { id: string }
      if (!z.uuid().safeParse(id).success) throw notFound('person')
      const person = await disablePersonChecked(services, id, { actor: actorOf(p), actorRole: p.person?.role ?? p.role, laCodes: scope.laCodes, requestId: request.id })
      if (!person) throw notFound('person')
      return reply.redirect('/people?disabled=1', 303)
    })
  }
