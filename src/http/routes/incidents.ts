// Police incident intake and read-back. Intake is the receive-incident flow (flows/); this maps
// its outcome to HTTP: 202 accepted, 200 the same incident again, 409 a different one under the
// reference (naming it), 422 a rule broken.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { childSchema, correctionSchema, incidentSchema, withdrawalSchema } from '../../domain/incident.js'
import { addChild } from '../../flows/add-child.js'
import { correct, withdraw } from '../../flows/follow-ups.js'
import { receiveIncident } from '../../flows/receive-incident.js'
import type { Services } from '../../services.js'
import { getIncidentView } from '../../store/incidents-store.js'
import { auditRequest } from '../audit.js'
import { caller } from '../auth.js'
import { HttpProblem, invalidInput, notFound } from '../problem.js'
import { acceptedIncidentSchema, addedChildSchema, incidentViewSchema } from '../responses.js'

/** The contract's example (docs/api.md), shown in /docs; a test sends it and expects 202. */
const INCIDENT_EXAMPLE = {
  reference: 'CLE-2026-004211',
  policeAwareAt: '2026-11-20T22:14:00Z',
  occurredAt: '2026-11-20T21:50:00Z',
  incidentType: 'crime',
  riskLevel: 'medium',
  summary: 'Verbal argument between parents; child was upstairs.',
  children: [{ givenName: 'Amy', familyName: 'Example', dateOfBirth: '2016-05-04', present: true, school: { urn: '111234' } }],
}

export const incidentRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = services

    app.post(
      '/v1/incidents',
      {
        config: {
          roles: ['police'],
          responses: {
            202: 'Accepted: the incident and its children are stored; matching and sending follow (Location names it)',
            200: 'The same reference with the same content again: the incident as first accepted; nothing new is stored or sent',
            409: 'The same reference with different content: the problem names the existing incident',
          },
          bodyExample: INCIDENT_EXAMPLE,
        },
        schema: {
          tags: ['incidents'],
          summary: 'Submit a police domestic-incident record with its children',
          body: incidentSchema,
          response: { 200: acceptedIncidentSchema, 202: acceptedIncidentSchema },
        },
      },
      async (request, reply) => {
        const principal = caller(request)
        const forceCode = principal.forceCode!
        const outcome = await receiveIncident(services, { forceCode, ageBand: principal.ageBand! }, request.body)
        if (outcome.kind === 'rejected') throw invalidInput(422, outcome.errors)
        if (outcome.kind === 'conflict') {
          throw new HttpProblem(
            409,
            'Conflict',
            outcome.comparable
              ? `reference ${request.body.reference} is already incident ${outcome.existingId} with different content; follow-ups belong to the same incident`
              : `reference ${request.body.reference} is already incident ${outcome.existingId}, whose details were removed at the end of the retention period, so this cannot be compared with it`,
            { type: '/problems/reference-conflict', existingIncidentId: outcome.existingId, existingIncident: `/v1/incidents/${outcome.existingId}` },
          )
        }
        const { incident } = outcome
        reply.header('location', `/v1/incidents/${incident.id}`)
        if (outcome.kind === 'replayed') return reply.code(200).send(incident)
        request.log.info({ incidentId: incident.id, force: forceCode, children: incident.children.length }, 'incident accepted')
        return reply.code(202).send(incident)
      },
    )

    app.post(
      '/v1/incidents/:id/children',
      {
        config: {
          roles: ['police'],
          responses: {
            202: 'Accepted: the child is stored on the incident; matching and sending follow as at intake',
            200: 'The same child (same names and date of birth) is already on the incident: nothing new',
            404: 'No incident of your force with this id',
            422: 'A rule broken (age band on the date the police became aware), or the incident already has 20 children',
          },
          bodyExample: { givenName: 'Ben', familyName: 'Example', dateOfBirth: '2019-02-11', present: false, role: 'witness', school: { urn: '111234' } },
        },
        schema: {
          tags: ['incidents'],
          summary: 'A follow-up: one more child on an incident of your force, under the same rules as in the incident body',
          params: z.object({ id: z.uuid() }),
          body: childSchema,
          response: { 200: addedChildSchema, 202: addedChildSchema },
        },
      },
      async (request, reply) => {
        const principal = caller(request)
        const outcome = await addChild(services, { forceCode: principal.forceCode!, ageBand: principal.ageBand! }, request.params.id, request.body)
        if (outcome.kind === 'not-found') throw notFound('incident')
        if (outcome.kind === 'rejected') throw invalidInput(422, outcome.errors)
        await auditRequest(db, request, outcome.kind === 'added' ? 'incident.child-add' : 'incident.child-replay', 'incident', request.params.id,
          'officer added a child to an incident', { childId: outcome.childId })
        return reply.code(outcome.kind === 'added' ? 202 : 200).send({ id: outcome.childId, incidentId: request.params.id, status: 'accepted' })
      },
    )

    /** The incident as GET gives it, after a follow-up (the view is read after the change). */
    async function viewOf(id: string) {
      return (await getIncidentView(db, id))!
    }

    app.post(
      '/v1/incidents/:id/withdraw',
      {
        config: {
          roles: ['police'],
          responses: {
            200: 'Withdrawn (or withdrawn already: nothing new): nothing more is sent; Key Adults already told get a withdrawal e-mail. The body is the incident, status "withdrawn"',
            404: 'No incident of your force with this id',
          },
          bodyExample: { reason: 'Recorded against the wrong family: the children were not involved.' },
        },
        schema: {
          tags: ['incidents'],
          summary: 'A follow-up: withdraw an incident of your force, with the reason',
          params: z.object({ id: z.uuid() }),
          body: withdrawalSchema,
          response: { 200: incidentViewSchema },
        },
      },
      async (request) => {
        const principal = caller(request)
        const outcome = await withdraw(services, principal.forceCode!, request.params.id, request.body.reason)
        if (outcome.kind === 'not-found') throw notFound('incident')
        await auditRequest(db, request, outcome.kind === 'withdrawn' ? 'incident.withdraw' : 'incident.withdraw-replay', 'incident', request.params.id,
          'officer withdrew an incident', outcome.kind === 'withdrawn' ? { stopped: outcome.stopped, toTell: outcome.toTell } : {})
        return viewOf(request.params.id)
      },
    )

    app.patch(
      '/v1/incidents/:id',
      {
        config: {
          roles: ['police'],
          responses: {
            200: 'Corrected (or already so: nothing new). Key Adults already told get an e-mail marked as a correction; those not yet told get the corrected details. The body is the incident',
            404: 'No incident of your force with this id',
            409: 'The incident has been withdrawn',
            422: 'A rule broken (a child not of this incident, a date of birth outside the age band, occurredAt after policeAwareAt), or a field that cannot be corrected',
          },
          bodyExample: { riskLevel: 'high', summary: 'Verbal argument between parents; the child was in the room, not upstairs.' },
        },
        schema: {
          tags: ['incidents'],
          summary: 'A follow-up: correct an incident of your force (its facts, its children’s details)',
          params: z.object({ id: z.uuid() }),
          body: correctionSchema,
          response: { 200: incidentViewSchema },
        },
      },
      async (request) => {
        const principal = caller(request)
        const outcome = await correct(services, { forceCode: principal.forceCode!, ageBand: principal.ageBand! }, request.params.id, request.body)
        if (outcome.kind === 'not-found') throw notFound('incident')
        if (outcome.kind === 'withdrawn') {
          throw new HttpProblem(409, 'Conflict', 'the incident has been withdrawn: it cannot be corrected', { type: '/problems/incident-withdrawn' })
        }
        if (outcome.kind === 'rejected') throw invalidInput(422, outcome.errors)
        // The audit names the fields corrected, never their values.
        await auditRequest(db, request, outcome.kind === 'corrected' ? 'incident.correct' : 'incident.correct-replay', 'incident', request.params.id,
          'officer corrected an incident', outcome.kind === 'corrected' ? { revision: outcome.revision, fields: outcome.changed, toTell: outcome.toTell } : {})
        return viewOf(request.params.id)
      },
    )

    app.get(
      '/v1/incidents/:id',
      {
        config: { roles: ['police', 'admin'] },
        schema: {
          tags: ['incidents'],
          summary: 'An incident with each child’s match and notification',
          params: z.object({ id: z.uuid() }),
          response: { 200: incidentViewSchema },
        },
      },
      async (request) => {
        const principal = caller(request)
        const view = await getIncidentView(db, request.params.id)
        if (!view || (principal.role === 'police' && view.force !== principal.forceCode)) throw notFound('incident')
        await auditRequest(db, request, 'incident.read', 'incident', view.id, 'read incident and its children', {
          children: view.children.length,
        })
        return view
      },
    )
  }
