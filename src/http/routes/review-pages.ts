// The officer's review queue in a browser: /review lists the force's children the service could
// not place (why, and since when) and the desk's escalations with the numbers to ring;
// /review/{incidentId}/{childId} shows one child with the settings the service considered and a
// register search (name, postcode, LA, phase: a GET, so it changes nothing), and two forms, each
// with a reason: place the child at a setting, or route it to its LA's children's services.
// Both go through assignSetting with the same checks and audit entry as
// PUT /v1/incidents/{id}/children/{childId}/school, the reason added to the entry.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { TxClient } from '../../store/db.js'
import { z } from 'zod'
import type { MatchCandidate } from '../../domain/matching.js'
import { plainText } from '../../domain/text.js'
import { assignSetting, type Assignment, type AssignResult } from '../../flows/match-child.js'
import type { Services } from '../../services.js'
import { getIncidentView, listHeldChildren, type HeldRow } from '../../store/incidents-store.js'
import { listDeskEscalations, registerPhases, searchSettings } from '../../store/officer-views-store.js'
import { auditRequest } from '../audit.js'
import { caller } from '../auth.js'
import { field, formErrors, type FieldProblem } from '../forms.js'
import { notFound } from '../problem.js'
import { assignmentSchema } from './review.js'

/** Why a child was held, as an officer reads it. */
const HELD_BECAUSE: Record<string, string> = {
  'no-school-given': 'No school was given and the pupil roll did not find the child',
  'unknown-urn': 'The URN given is not in the register',
  'setting-closed': 'The setting is closed',
  'no-key-adult': 'The setting has no named Key Adult (the local authority has been alerted)',
  'name-postcode-not-found': 'No setting in the register fits the name and postcode given',
  'name-postcode-low-confidence': 'The best fit for the name and postcode was not close enough to be sure',
  'name-postcode-ambiguous': 'More than one setting fits the name and postcode given',
  'pupil-roll-ambiguous': 'More than one child on the pupil roll fits',
  'pupil-roll-low-confidence': 'The pupil roll’s best fit was not close enough to be sure',
  'urn-disagrees': 'The URN given and the school name given are different schools',
  'no-la-contact': 'The local authority has no children’s services contact (administrators have been alerted)',
  'match-failed': 'Finding the setting failed repeatedly',
}

const reasonField = plainText(z.string().trim().min(3, 'Enter a reason of at least 3 characters').max(500, 'The reason must be 500 characters or fewer'))
const ids = z.object({ incidentId: z.uuid(), childId: z.uuid() })

const heldView = (r: HeldRow) => ({
  incidentId: r.incident_id,
  childId: r.child_id,
  reference: r.reference,
  name: `${r.given_name ?? ''} ${r.family_name ?? ''}`.trim(),
  dateOfBirth: r.date_of_birth,
  receivedAt: r.received_at,
  heldAt: r.held_at,
  because: HELD_BECAUSE[r.match_reason ?? ''] ?? r.match_reason ?? 'Not known',
  given: [r.given_school_urn && `URN ${r.given_school_urn}`, r.given_school_name, r.given_school_postcode].filter(Boolean).join(', ') || 'Nothing given',
  candidates: (r.match_candidates ?? []).map((c: MatchCandidate) => ({ ...c, percent: Math.round(c.score * 100) })),
  laCodeGuess: (r.match_candidates ?? []).find((c) => c.laCode)?.laCode ?? '',
})

export const reviewPageRoutes =
  (services: Services): FastifyPluginAsync =>
  async (app) => {
    const { db } = services
    const scopeOf = (request: FastifyRequest) => {
      const p = caller(request)
      return p.role === 'police' ? p.forceCode : null
    }

    app.get('/review', { config: { roles: ['police', 'admin'] }, schema: { hide: true } }, async (request, reply) => {
      const force = scopeOf(request)
      const held = await listHeldChildren(db, { forceCode: force, limit: 200 })
      const escalations = await listDeskEscalations(db, force, 200)
      await auditRequest(db, request, 'review.list', 'force', force, 'review queue and desk escalations on the pages', {
        children: held.length, childIds: held.map((r) => r.child_id), notificationIds: escalations.map((e) => e.notificationId),
      })
      const done = (request.query as Record<string, unknown>).done
      return reply.page('review.njk', {
        pageTitle: 'Review queue',
        held: held.map(heldView),
        escalations,
        notice: done === 'placed' ? 'The child was placed. Their setting’s Key Adults are told as usual.'
          : done === 'childrens-services' ? 'The child was routed to the local authority’s children’s services.'
            : done === 'already' ? 'That child had already been placed: nothing was changed.' : undefined,
      })
    })

    const heldChild = async (request: FastifyRequest) => {
      const parsed = ids.safeParse(request.params)
      if (!parsed.success) throw notFound('child')
      const force = scopeOf(request)
      // The queue is short (children wait minutes, not days): the child is read from it as listed.
      const row = (await listHeldChildren(db, { forceCode: force, limit: 1000 })).find((r) => r.child_id === parsed.data.childId && r.incident_id === parsed.data.incidentId)
      return { ...parsed.data, row, force }
    }

    const showChild = async (request: FastifyRequest, reply: FastifyReply, row: HeldRow, opts: { problems?: FieldProblem[]; status?: number; values?: Record<string, string> } = {}) => {
      const q = request.query as Record<string, unknown>
      const s = (k: string) => (typeof q[k] === 'string' ? (q[k] as string).trim().slice(0, 200) : '')
      const search = { name: s('name'), postcode: s('postcode'), la: s('la'), phase: s('phase') }
      const searched = Object.values(search).some((v) => v !== '')
      const results = searched
        ? await searchSettings(db, { name: search.name || undefined, postcode: search.postcode || undefined, laCode: /^[0-9]{3}$/.test(search.la) ? search.la : undefined, phase: search.phase || undefined })
        : []
      await auditRequest(db, request, 'review.read', 'child', row.child_id, 'officer opened a held child', { incidentId: row.incident_id })
      const errors = opts.problems?.length ? formErrors(opts.problems) : undefined
      const child = heldView(row)
      const chosen = opts.values?.urn ?? ''
      const closed = (open: boolean | null) => (open === false ? ', closed' : '')
      const choices = [
        ...child.candidates.map((c) => ({
          value: c.urn, text: `${c.name ?? 'Unnamed'}, ${c.postcode ?? 'no postcode'} (URN ${c.urn})`,
          hint: { text: `Considered by the service: ${c.percent}% fit${closed(c.open)}` }, checked: chosen === c.urn,
        })),
        ...results.filter((r) => !child.candidates.some((c) => c.urn === r.urn)).map((r) => ({
          value: r.urn, text: `${r.name}, ${r.postcode ?? 'no postcode'} (URN ${r.urn})`,
          hint: { text: `${r.laName ?? `LA ${r.laCode ?? 'unknown'}`}${r.phase ? `, ${r.phase}` : ''}${closed(r.open)}${r.keyAdults === 0 ? ', no Key Adult named' : ''}` },
          checked: chosen === r.urn,
        })),
      ]
      const phaseItems = [{ value: '', text: 'Any phase' }, ...(await registerPhases(db)).map((p) => ({ value: p, text: p, selected: p === search.phase }))]
      return reply.page('review-child.njk', {
        pageTitle: 'Place a child',
        child,
        search,
        searched,
        results,
        phaseItems,
        choices,
        errors,
        byField: errors?.byField ?? {},
        values: { laCode: child.laCodeGuess, ...opts.values },
        action: `/review/${row.incident_id}/${row.child_id}`,
      }, opts.status ?? 200)
    }

    app.get('/review/:incidentId/:childId', { config: { roles: ['police', 'admin'] }, schema: { hide: true } }, async (request, reply) => {
      const { row } = await heldChild(request)
      if (!row) throw notFound('child')
      return showChild(request, reply, row)
    })

    app.post('/review/:incidentId/:childId', { config: { roles: ['police', 'admin'] }, schema: { hide: true } }, async (request, reply) => {
      const { incidentId, childId, row, force } = await heldChild(request)
      const kind = field(request.body, 'action') === 'childrens-services' ? 'childrens-services' : 'place'
      const values = { urn: field(request.body, 'urn').trim(), laCode: field(request.body, 'laCode').trim(), reason: field(request.body, 'reason'), placeReason: field(request.body, 'placeReason') }
      if (!row) {
        // Placed meanwhile (by a colleague, or the directory caught up), or not this force's child.
        const incident = await getIncidentView(db, incidentId)
        const child = incident && (force === null || incident.force === force) ? incident.children.find((c) => c.id === childId) : undefined
        if (child && child.match.status !== 'unmatched') return reply.redirect('/review?done=already', 303)
        throw notFound('child')
      }
      const reasonInput = kind === 'place' ? values.placeReason : values.reason
      const reasonField_ = kind === 'place' ? 'placeReason' : 'reason'
      const body = kind === 'place' ? { urn: values.urn } : { noSetting: { laCode: values.laCode } }
      const problems: FieldProblem[] = []
      const shape = assignmentSchema.safeParse(body)
      if (!shape.success) {
        problems.push(kind === 'place'
          ? { field: 'urn', text: values.urn === '' ? 'Choose a setting, or enter its URN' : 'The URN must be 5 to 8 digits' }
          : { field: 'laCode', text: values.laCode === '' ? 'Enter the local authority’s code' : 'The local authority code must be 3 digits' })
      }
      const reason = reasonField.safeParse(reasonInput)
      if (!reason.success) problems.push({ field: reasonField_, text: reasonInput.trim() === '' ? 'Enter the reason' : reason.error.issues[0]!.message })
      if (problems.length > 0 || !shape.success || !reason.success) return showChild(request, reply, row, { problems, status: 400, values })

      const assignment: Assignment = shape.data.urn !== undefined ? { urn: shape.data.urn } : { noSetting: shape.data.noSetting! }
      const record = (client: TxClient, r: AssignResult) =>
        r.kind === 'placed'
          ? auditRequest(client, request, 'child.assign', 'child', childId, 'officer placed a held child', { incidentId, status: r.status, urn: r.urn, officerReason: reason.data })
          : auditRequest(client, request, 'child.assign-refused', 'child', childId, 'officer tried to place a held child', {
              incidentId, outcome: r.kind, ...(r.kind === 'refused' ? { reason: r.reason } : {}), officerReason: reason.data,
              ...('urn' in assignment ? { urn: assignment.urn } : { laCode: assignment.noSetting.laCode }),
            })
      const result = await assignSetting(services, { incidentId, childId, forceCode: force }, assignment, record)
      if (result.kind === 'not-found') throw notFound('child')
      if (result.kind === 'already') return reply.redirect('/review?done=already', 303)
      if (result.kind === 'purged') return showChild(request, reply, row, { status: 409, values, problems: [{ field: reasonField_, text: 'The child’s details were removed at the end of the retention period; it can no longer be placed' }] })
      if (result.kind === 'refused') {
        return showChild(request, reply, row, { status: 422, values, problems: [{ field: kind === 'place' ? 'urn' : 'laCode', text: `This cannot be done: ${result.detail}` }] })
      }
      return reply.redirect(`/review?done=${result.status === 'no-setting' ? 'childrens-services' : 'placed'}`, 303)
    })
  }
