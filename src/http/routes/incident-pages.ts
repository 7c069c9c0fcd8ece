// The officer's pages for incidents: the form (/incidents/new), the force's incidents with each
// child's state (/incidents) and one incident (/incidents/{id}). The form is judged by the API's
// own schema and rules (pages/incident-form.ts translates), and an accepted form is received by
// the same steps as POST /v1/incidents, so a resubmission is the same incident (idempotent by
// reference) and a different one under a used reference is refused beside the reference field.
// Adding or removing a child and searching the register are buttons of the same form: it all
// works without JavaScript, and none of them stores anything. An accepted form goes through
// flows/receive-incident.ts, the very flow of POST /v1/incidents.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { CHILD_ROLE_LABELS, CHILD_ROLES, type ChildRole } from '../../domain/force-wording.js'
import { correctionSchema, incidentSchema, withdrawalSchema } from '../../domain/incident.js'
import { correct, withdraw } from '../../flows/follow-ups.js'
import { receiveIncident } from '../../flows/receive-incident.js'
import type { Services } from '../../services.js'
import { searchDirectory } from '../../store/directory-search.js'
import { getIncidentView, type ChildView, type IncidentView } from '../../store/incidents-store.js'
import { listForceIncidents, settingNames } from '../../store/officer-views-store.js'
import { auditRequest } from '../audit.js'
import { caller } from '../auth.js'
import { dateTime, longPlainDate } from '../format.js'
import { formErrors, type FieldProblem, type FormBody } from '../forms.js'
import { childStateTag } from '../pages/child-state.js'
import { knownLas } from '../../store/la-contacts-store.js'
import {
  childFieldName,
  emptyChild,
  emptyIncident,
  fieldErrorsOfZod,
  fieldsFromForm,
  incidentBodyOf,
  MAX_CHILDREN,
  pageProblemsOf,
  type ChildFields,
  type IncidentFields,
} from '../pages/incident-form.js'
import { notFound } from '../problem.js'

/** Incidents per page of /incidents. */
const PAGE_SIZE = 25

/** The text values of a form body (a JSON body sent to a page gives its strings only). */
function formBodyOf(body: unknown): FormBody {
  if (typeof body !== 'object' || body === null) return {}
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'))
}

interface RegisterChoice {
  urn: string
  name: string
  postcode: string | null
  laName: string | null | undefined
  open: boolean
}

interface SearchState {
  index: number
  results: RegisterChoice[]
}

function childView(c: ChildFields, i: number, byField: Record<string, { text: string }>, search: SearchState | undefined) {
  const id = (k: string) => `children-${i}-${k}`
  const err = (k: string) => byField[id(k)]
  return {
    index: i,
    number: i + 1,
    values: c,
    ids: { givenName: id('givenName'), familyName: id('familyName'), dateOfBirth: id('dateOfBirth'), present: id('present'), role: id('role'), urn: id('school-urn'), schoolName: id('school-name'), postcode: id('school-postcode'), noSettingLa: id('noSetting-laCode') },
    names: Object.fromEntries((Object.keys(c) as (keyof ChildFields)[]).map((k) => [k, childFieldName(i, k)])),
    errors: { givenName: err('givenName'), familyName: err('familyName'), dateOfBirth: err('dateOfBirth'), present: err('present'), role: err('role'), urn: err('school-urn'), schoolName: err('school-name'), postcode: err('school-postcode'), noSettingLa: err('noSetting-laCode') },
    search: search?.index === i ? search : undefined,
    roleItems: [{ value: '', text: 'Not given', selected: c.role === '' },
      ...CHILD_ROLES.map((value) => ({ value, text: CHILD_ROLE_LABELS[value], selected: c.role === value }))],
    laItems: [{ value: '', text: 'Not chosen: the child has a setting, or it is not known', selected: c.noSettingLa === '' },
      ...knownLas().map((la) => ({ value: la.code, text: `${la.name} (${la.code})`, selected: c.noSettingLa === la.code }))],
  }
}

const row = (key: string, value: string) => ({ key: { text: key }, value: { text: value } })

/** A child's facts on the incident page, as a summary list's rows. */
function childRows(c: ChildView, names: Record<string, string>) {
  const nameOf = (urn: string) => `${names[urn] ?? 'Unknown setting'} (URN ${urn})`
  const setting = c.match.urn
    ? nameOf(c.match.urn)
    : c.match.status === 'no-setting' && c.notification ? `No setting: told through ${names[c.notification.urn] ?? 'the local authority'}`
    : c.match.status === 'unmatched' ? 'Waiting for an officer to place the child' : c.match.status === 'pending' ? 'Being found'
      : c.match.status === 'withdrawn' ? 'None: the incident was withdrawn' : 'None'
  const rows = [row('Date of birth', c.dateOfBirth ? longPlainDate(c.dateOfBirth) : 'Removed'),
    row('Role in the incident', c.role ? (CHILD_ROLE_LABELS[c.role as ChildRole] ?? c.role) : 'Not given')]
  // One setting: its facts as before; several: each setting with its own deadline and state.
  if (c.notifications.length <= 1) {
    rows.push(row('Setting', setting))
    const n = c.notification
    if (n) {
      rows.push(row('Due by', dateTime(n.dueBy)), row('E-mailed', n.sentAt ? dateTime(n.sentAt) : n.status === 'withdrawn' ? 'No: withdrawn before it went' : 'Not yet'),
        row('Acknowledged', n.acknowledgedAt ? dateTime(n.acknowledgedAt) : 'Not yet'))
    }
  } else {
    for (const [i, n] of c.notifications.entries()) {
      rows.push(row(`Setting ${i + 1}`, `${nameOf(n.urn)}: due by ${dateTime(n.dueBy)}; ${n.sentAt ? `e-mailed ${dateTime(n.sentAt)}` : n.status === 'withdrawn' ? 'withdrawn before it went' : 'not yet e-mailed'}; ${n.acknowledgedAt ? `acknowledged ${dateTime(n.acknowledgedAt)}` : 'not yet acknowledged'}`))
    }
  }
  return rows
}

/** The label of a correction form's field, for its error message ("Child 1: date of birth must ..."). */
function labelOf(field: string): string {
  const m = /^children-(\d+)-(\w+)$/.exec(field)
  const names: Record<string, string> = {
    incidentType: 'Type', riskLevel: 'Risk level', occurredAt: 'When it happened', summary: 'Summary',
    givenName: 'given name', familyName: 'family name', dateOfBirth: 'date of birth', present: 'whether present', role: 'role', id: 'child',
  }
  return m ? `Child ${Number(m[1]) + 1}: ${names[m[2]!] ?? m[2]}` : (names[field] ?? field)
}

export const incidentPageRoutes =
  (services: Services): FastifyPluginAsync =>
  async (app) => {
    const { db } = services

    const showForm = (reply: FastifyReply, f: IncidentFields, opts: { problems?: FieldProblem[]; status?: number; search?: SearchState; notice?: string } = {}) => {
      const errors = opts.problems && opts.problems.length > 0 ? formErrors(opts.problems) : undefined
      const byField = errors?.byField ?? {}
      return reply.page('incident-new.njk', {
        pageTitle: 'Report an incident',
        f,
        errors,
        byField,
        notice: opts.notice,
        children: f.children.map((c, i) => childView(c, i, byField, opts.search)),
        childCount: f.children.length,
        canAddChild: f.children.length < MAX_CHILDREN,
        maxChildren: MAX_CHILDREN,
      }, opts.status ?? 200)
    }

    app.get('/incidents/new', { config: { roles: ['police'] }, schema: { hide: true } }, async (_request, reply) => showForm(reply, emptyIncident()))

    app.post('/incidents/new', { config: { roles: ['police'] }, schema: { hide: true } }, async (request, reply) => {
      const principal = caller(request)
      const body = formBodyOf(request.body)
      const f = fieldsFromForm(body)
      const action = body.action ?? 'submit'
      let m: RegExpExecArray | null

      if (action === 'add-child') {
        if (f.children.length < MAX_CHILDREN) f.children.push(emptyChild())
        return showForm(reply, f, { notice: `Child ${f.children.length} added: fill in their details below.` })
      }
      if ((m = /^remove-(\d{1,2})$/.exec(action))) {
        const i = Number(m[1])
        if (f.children.length > 1 && i < f.children.length) f.children.splice(i, 1)
        return showForm(reply, f, { notice: `Child ${i + 1} removed.` })
      }
      if ((m = /^find-(\d{1,2})$/.exec(action))) {
        const i = Number(m[1])
        const c = f.children[i]
        if (!c) return showForm(reply, f)
        if (c.schoolName.trim() === '' && c.postcode.trim() === '') {
          return showForm(reply, f, { status: 400, problems: [{ field: `children-${i}-school-name`, text: `Child ${i + 1}: enter the setting’s name or postcode to search the register` }] })
        }
        const found = await searchDirectory(db, { name: c.schoolName.trim() || null, postcode: c.postcode.trim() || null })
        const results = found.slice(0, 6).map((r) => ({ urn: r.urn, name: r.name, postcode: r.postcode, laName: r.laName, open: r.open }))
        return showForm(reply, f, { search: { index: i, results } })
      }
      if ((m = /^use-(\d{1,2})-([0-9]{5,8})$/.exec(action))) {
        const i = Number(m[1])
        const c = f.children[i]
        const chosen = c ? (await searchDirectory(db, { name: c.schoolName.trim() || null, postcode: c.postcode.trim() || null })).find((r) => r.urn === m![2]) : undefined
        if (c && chosen) {
          c.urn = chosen.urn
          c.schoolName = chosen.name
          c.postcode = chosen.postcode ?? c.postcode
        } else if (c) {
          c.urn = m[2]!
        }
        return showForm(reply, f, { notice: `Child ${i + 1}: setting chosen (URN ${c?.urn ?? ''}).` })
      }

      // Submit: the API's schema, then its rules, then the API's intake.
      const parsed = incidentSchema.safeParse(incidentBodyOf(f))
      if (!parsed.success) {
        return showForm(reply, f, { status: 400, problems: pageProblemsOf(fieldErrorsOfZod(parsed.error), f) })
      }
      const outcome = await receiveIncident(services, { forceCode: principal.forceCode!, ageBand: principal.ageBand! }, parsed.data)
      if (outcome.kind === 'rejected') return showForm(reply, f, { status: 422, problems: pageProblemsOf(outcome.errors, f) })
      if (outcome.kind === 'conflict') {
        return showForm(reply, f, {
          status: 409,
          problems: [{
            field: 'reference',
            text: outcome.comparable
              ? `Police reference ${parsed.data.reference} is already used by another incident with different details. Check the reference`
              : `Police reference ${parsed.data.reference} is already used by an incident whose details have been removed`,
          }],
        })
      }
      if (outcome.kind === 'accepted') request.log.info({ incidentId: outcome.incident.id, force: principal.forceCode, children: outcome.incident.children.length, via: 'page' }, 'incident accepted')
      await auditRequest(db, request, outcome.kind === 'accepted' ? 'incident.create' : 'incident.replay', 'incident', outcome.incident.id,
        'officer reported an incident on the form', { children: outcome.incident.children.length })
      return reply.redirect(`/incidents/${outcome.incident.id}?received=${outcome.kind === 'accepted' ? 'new' : 'again'}`, 303)
    })

    app.get('/incidents', { config: { roles: ['police', 'admin'] }, schema: { hide: true } }, async (request, reply) => {
      const p = caller(request)
      const pageParam = z.coerce.number().int().min(1).max(10_000).catch(1).parse((request.query as Record<string, unknown>).page ?? 1)
      const incidents = await listForceIncidents(db, p.role === 'police' ? p.forceCode : null, { limit: PAGE_SIZE + 1, offset: (pageParam - 1) * PAGE_SIZE })
      const shown = incidents.slice(0, PAGE_SIZE)
      await auditRequest(db, request, 'incident.list', 'force', p.forceCode ?? null, 'force’s incidents on the pages', {
        incidents: shown.length, incidentIds: shown.map((i) => i.id),
      })
      return reply.page('incidents.njk', {
        pageTitle: 'Incidents',
        incidents: shown.map((i) => ({ ...i, children: i.children.map((c) => ({ ...c, tag: childStateTag(c.matchStatus, c.notificationStatus) })) })),
        page: pageParam,
        next: incidents.length > PAGE_SIZE ? pageParam + 1 : null,
        previous: pageParam > 1 ? pageParam - 1 : null,
        canReport: p.role === 'police',
      })
    })

    app.get('/incidents/:id', { config: { roles: ['police', 'admin'] }, schema: { hide: true } }, async (request, reply) => {
      const p = caller(request)
      const { id } = request.params as { id: string }
      const view = z.uuid().safeParse(id).success ? await getIncidentView(db, id) : null
      if (!view || (p.role === 'police' && view.force !== p.forceCode)) throw notFound('incident')
      await auditRequest(db, request, 'incident.read', 'incident', view.id, 'read incident and its children on the pages', { children: view.children.length })
      const names = await settingNames(db, [...new Set(view.children.flatMap((c) => [c.match.urn, ...c.notifications.map((n) => n.urn)]).filter((u): u is string => u !== null))])
      const received = (request.query as Record<string, unknown>).received
      const followUp = (request.query as Record<string, unknown>).followUp
      return reply.page('incident.njk', {
        pageTitle: 'Incident',
        incident: view,
        followUp: followUp === 'withdrawn' || followUp === 'corrected' || followUp === 'unchanged' ? followUp : null,
        canFollowUp: p.role === 'police' && view.status !== 'withdrawn',
        received: received === 'new' ? 'new' : received === 'again' ? 'again' : null,
        children: view.children.map((c) => ({
          ...c,
          tag: childStateTag(c.match.status, c.notification?.status ?? null),
          rows: childRows(c, names),
        })),
      })
    })

    // ---------------------------------------------------------------------------------------------
    // Follow-ups on the pages: withdraw, correct (flows/follow-ups.ts, as the API's)

    /** The incident for a follow-up page: the officer's force's, standing (not withdrawn). */
    async function standingIncident(request: FastifyRequest): Promise<IncidentView> {
      const p = caller(request)
      const { id } = request.params as { id: string }
      const view = z.uuid().safeParse(id).success ? await getIncidentView(db, id) : null
      if (!view || view.force !== p.forceCode) throw notFound('incident')
      return view
    }
    const toldCount = (v: IncidentView) => v.children.flatMap((c) => c.notifications).filter((n) => n.sentAt !== null).length
    const followUpPage = { roles: ['police'] as const }

    app.get('/incidents/:id/withdraw', { config: followUpPage, schema: { hide: true } }, async (request, reply) => {
      const incident = await standingIncident(request)
      if (incident.status === 'withdrawn') return reply.redirect(`/incidents/${incident.id}`, 303)
      return reply.page('incident-withdraw.njk', { pageTitle: 'Withdraw this incident', incident, told: toldCount(incident) })
    })

    app.post('/incidents/:id/withdraw', { config: followUpPage, schema: { hide: true } }, async (request, reply) => {
      const incident = await standingIncident(request)
      const values = { reason: formBodyOf(request.body).reason ?? '' }
      const parsed = withdrawalSchema.safeParse(values)
      if (!parsed.success) {
        return reply.page('incident-withdraw.njk', {
          pageTitle: 'Withdraw this incident', incident, told: toldCount(incident), values,
          errors: formErrors([{ field: 'reason', text: values.reason.trim() === '' ? 'Enter why you are withdrawing the incident' : `The reason ${parsed.error.issues[0]!.message}` }]),
        }, 400)
      }
      const outcome = await withdraw(services, caller(request).forceCode!, incident.id, parsed.data.reason)
      if (outcome.kind === 'not-found') throw notFound('incident')
      await auditRequest(db, request, outcome.kind === 'withdrawn' ? 'incident.withdraw' : 'incident.withdraw-replay', 'incident', incident.id,
        'officer withdrew an incident on the pages', outcome.kind === 'withdrawn' ? { stopped: outcome.stopped, toTell: outcome.toTell } : {})
      return reply.redirect(`/incidents/${incident.id}?followUp=withdrawn`, 303)
    })

    const correctionValues = (v: IncidentView) => ({
      incidentType: v.incidentType,
      riskLevel: v.riskLevel ?? '',
      occurredAt: v.occurredAt ? v.occurredAt.toISOString() : '',
      summary: v.summary ?? '',
      children: v.children.filter((c) => c.givenName !== null).map((c) => ({
        id: c.id, givenName: c.givenName ?? '', familyName: c.familyName ?? '', dateOfBirth: c.dateOfBirth ?? '', present: c.present ? 'yes' : 'no', role: c.role ?? '',
      })),
    })
    type CorrectionValues = ReturnType<typeof correctionValues>
    const showCorrection = (reply: FastifyReply, incident: IncidentView, values: CorrectionValues, problems: FieldProblem[] = [], status = 200) =>
      reply.page('incident-correct.njk', {
        pageTitle: 'Correct this incident',
        incident,
        told: toldCount(incident),
        values: {
          ...values,
          children: values.children.map((c) => ({
            ...c,
            roleItems: [{ value: '', text: 'Not given', selected: c.role === '' }, ...CHILD_ROLES.map((value) => ({ value, text: CHILD_ROLE_LABELS[value], selected: c.role === value }))],
          })),
        },
        errors: problems.length > 0 ? formErrors(problems) : undefined,
      }, status)

    app.get('/incidents/:id/correct', { config: followUpPage, schema: { hide: true } }, async (request, reply) => {
      const incident = await standingIncident(request)
      if (incident.status === 'withdrawn') return reply.redirect(`/incidents/${incident.id}`, 303)
      return showCorrection(reply, incident, correctionValues(incident))
    })

    app.post('/incidents/:id/correct', { config: followUpPage, schema: { hide: true } }, async (request, reply) => {
      const incident = await standingIncident(request)
      const body = formBodyOf(request.body)
      const stored = correctionValues(incident)
      // The form's values, over what is stored (a field the form did not send stays as it is).
      const values: CorrectionValues = {
        incidentType: body.incidentType ?? stored.incidentType,
        riskLevel: body.riskLevel ?? stored.riskLevel,
        occurredAt: body.occurredAt ?? stored.occurredAt,
        summary: body.summary ?? stored.summary,
        children: stored.children.map((c, i) => {
          const f = (k: string) => body[`children-${i}-${k}`]
          return { id: c.id, givenName: f('givenName') ?? c.givenName, familyName: f('familyName') ?? c.familyName, dateOfBirth: f('dateOfBirth') ?? c.dateOfBirth, present: f('present') ?? c.present, role: f('role') ?? c.role }
        }),
      }
      const fix = {
        incidentType: values.incidentType,
        ...(values.riskLevel ? { riskLevel: values.riskLevel } : {}),
        ...(values.occurredAt.trim() ? { occurredAt: values.occurredAt.trim() } : {}),
        ...(values.summary.trim() ? { summary: values.summary } : {}),
        ...(values.children.length > 0 ? {
          children: values.children.map((c) => ({
            id: c.id, givenName: c.givenName, familyName: c.familyName, dateOfBirth: c.dateOfBirth.trim(),
            ...(c.present === 'yes' || c.present === 'no' ? { present: c.present === 'yes' } : {}), ...(c.role ? { role: c.role } : {}),
          })),
        } : {}),
      }
      const fieldOf = (path: string) => path.replace(/^\//, '').replaceAll('/', '-') || 'incidentType'
      const parsed = correctionSchema.safeParse(fix)
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => {
          const field = i.path.map(String).join('-') || 'incidentType'
          return { field, text: `${labelOf(field)} ${i.message}` }
        })
        return showCorrection(reply, incident, values, problems, 400)
      }
      const p = caller(request)
      const outcome = await correct(services, { forceCode: p.forceCode!, ageBand: p.ageBand! }, incident.id, parsed.data)
      if (outcome.kind === 'not-found') throw notFound('incident')
      if (outcome.kind === 'withdrawn') return reply.redirect(`/incidents/${incident.id}`, 303)
      if (outcome.kind === 'rejected') {
        return showCorrection(reply, incident, values, outcome.errors.map((e) => ({ field: fieldOf(e.path), text: `${labelOf(fieldOf(e.path))} ${e.message}` })), 422)
      }
      await auditRequest(db, request, outcome.kind === 'corrected' ? 'incident.correct' : 'incident.correct-replay', 'incident', incident.id,
        'officer corrected an incident on the pages', outcome.kind === 'corrected' ? { revision: outcome.revision, fields: outcome.changed, toTell: outcome.toTell } : {})
      return reply.redirect(`/incidents/${incident.id}?followUp=${outcome.kind}`, 303)
    })
  }
