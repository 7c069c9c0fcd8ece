// The review queue: children the service could not place, for their force's officers to settle.
// GET /v1/incidents?match=unmatched lists them, oldest first, with the reason and the settings
// the service considered; PUT .../children/{childId}/school places one — at a setting, or with
// the child's LA children's services when the child has none — after which notification
// proceeds as normal. The wait shows in the timestamps: received, held, matched.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { settingUrn } from '../../domain/setting-ids.js'
import type { TxClient } from '../../store/db.js'
import { assignSetting, type AssignResult } from '../../flows/match-child.js'
import type { Services } from '../../services.js'
import { listHeldChildren } from '../../store/incidents-store.js'
import { auditRequest } from '../audit.js'
import { caller } from '../auth.js'
import { HttpProblem, notFound } from '../problem.js'
import { placedChildSchema, reviewQueueSchema } from '../responses.js'

/** What places a held child: shared with the review pages (review-pages.ts). */
export const assignmentSchema = z
  .strictObject({
    urn: settingUrn().optional(),
    noSetting: z
      .strictObject({ laCode: z.string().regex(/^[0-9]{3}$/, 'must be the 3-digit DfE code of the child’s local authority') })
      .optional(),
  })
  .refine((b) => (b.urn === undefined) !== (b.noSetting === undefined), {
    message: 'give either urn (the child’s setting) or noSetting.laCode (no setting: the LA’s children’s services are told)',
  })

export const reviewRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    const { db, clock } = services

    app.get(
      '/v1/incidents',
      {
        config: { roles: ['police', 'admin'] },
        schema: {
          tags: ['incidents'],
          summary: 'The review queue: children the service could not place, oldest first, with the settings it considered',
          querystring: z.strictObject({
            match: z.enum(['unmatched'], { message: "must be 'unmatched'" }),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: { 200: reviewQueueSchema },
        },
      },
      async (request) => {
        const p = caller(request)
        const rows = await listHeldChildren(db, { forceCode: p.role === 'police' ? p.forceCode! : null, limit: request.query.limit })
        // Who saw which children's details: the ids (never the details) of every child listed.
        await auditRequest(db, request, 'review.list', 'force', p.forceCode ?? null, 'review queue of unmatched children', {
          children: rows.length,
          childIds: rows.map((r) => r.child_id),
        })
        const now = clock.now().getTime()
        return {
          match: 'unmatched' as const,
          items: rows.map((r) => ({
            incidentId: r.incident_id,
            reference: r.reference,
            force: r.force_code,
            policeAwareAt: r.police_aware_at,
            receivedAt: r.received_at,
            heldAt: r.held_at,
            waitingSeconds: Math.max(0, Math.round((now - r.received_at.getTime()) / 1000)),
            child: { id: r.child_id, givenName: r.given_name, familyName: r.family_name, dateOfBirth: r.date_of_birth, present: r.present },
            given: { urn: r.given_school_urn, name: r.given_school_name, postcode: r.given_school_postcode },
            // error: why the match failed, when reason is 'match-failed' (it names no child).
            match: { status: 'unmatched' as const, urn: r.match_urn, reason: r.match_reason, confidence: r.match_confidence, error: r.match_reason === 'match-failed' ? r.match_error : null },
            candidates: r.match_candidates ?? [],
          })),
        }
      },
    )

    app.put(
      '/v1/incidents/:id/children/:childId/school',
      {
        config: {
          roles: ['police', 'admin'],
          responses: { 409: 'The child is already placed, or its details were removed at the end of the retention period' },
          bodyExample: { urn: '111234' },
        },
        schema: {
          tags: ['incidents'],
          summary: 'Place a held child: at a setting (urn), or with its LA’s children’s services (noSetting)',
          params: z.object({ id: z.uuid(), childId: z.uuid() }),
          body: assignmentSchema,
          response: { 200: placedChildSchema },
        },
      },
      async (request) => {
        const p = caller(request)
        const { id, childId } = request.params
        const body = request.body
        const assignment = body.urn !== undefined ? { urn: body.urn } : { noSetting: body.noSetting! }
        // The audit entry is written in the placement's own transaction, refusals included.
        const record = (client: TxClient, r: AssignResult) =>
          r.kind === 'placed'
            ? auditRequest(client, request, 'child.assign', 'child', childId, 'officer placed a held child', { incidentId: id, status: r.status, urn: r.urn })
            : auditRequest(client, request, 'child.assign-refused', 'child', childId, 'officer tried to place a held child', {
                incidentId: id, outcome: r.kind, ...(r.kind === 'refused' ? { reason: r.reason } : {}),
                ...(body.urn !== undefined ? { urn: body.urn } : { laCode: body.noSetting!.laCode }),
              })
        const result = await assignSetting(services, { incidentId: id, childId, forceCode: p.role === 'police' ? p.forceCode : null }, assignment, record)
        if (result.kind === 'not-found') throw notFound('child')
        if (result.kind === 'purged') {
          throw new HttpProblem(409, 'Conflict', 'the child’s details were removed at the end of the retention period; it can no longer be placed', {
            type: '/problems/purged',
          })
        }
        if (result.kind === 'already') {
          throw new HttpProblem(409, 'Conflict', `the child is already ${result.status === 'no-setting' ? 'placed with children’s services' : 'matched'}; its notification stands`, {
            type: '/problems/already-placed',
            matchStatus: result.status,
          })
        }
        if (result.kind === 'refused') {
          throw new HttpProblem(422, 'Request breaks a rule', result.detail, {
            type: '/problems/setting-refused',
            reason: result.reason,
            errors: [{ path: body.urn !== undefined ? '/urn' : '/noSetting/laCode', message: result.detail }],
          })
        }
        return {
          incidentId: id,
          childId,
          match: {
            status: result.status,
            urn: result.status === 'no-setting' ? null : result.urn,
            method: 'manual' as const,
            matchedAt: result.matchedAt,
          },
          notification: { id: result.notificationId, status: 'scheduled' as const, dueBy: result.dueBy },
        }
      },
    )
  }
