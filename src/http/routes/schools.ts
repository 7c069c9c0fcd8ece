// The directory as administrators keep it: a setting, its start time and its named Key Adults;
// and the deadline any setting's calendar gives for a moment the police became aware.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { contactListProblems, keyAdultChangesSchema, keyAdultSchema, MAX_CONTACTS } from '../../domain/contacts.js'
import { settingTypeSchema, settingUrn } from '../../domain/setting-ids.js'
import { plainText } from '../../domain/text.js'
import { boundedDate, boundedInstant, closureAround, closureTooLongMessage, MAX_CLOSURE_DAYS } from '../../domain/date-bounds.js'
import { addDays, londonDateOf } from '../../domain/london-time.js'
import { CalendarError, computeDueBy, isPupilDay } from '../../domain/school-calendar.js'
import type { Services } from '../../services.js'
import { loadSchoolCalendar, putSchoolException } from '../../store/calendar-store.js'
import { getSchool, putSchool } from '../../store/schools-store.js'
import { isLaContactUrn } from '../../store/la-contacts-store.js'
import { setFirstLanguage } from '../../store/settings-admin-store.js'
import { editKeyAdults } from '../../flows/edit-key-adults.js'
import { rematchHeld } from '../../flows/match-child.js'
import { auditRequest } from '../audit.js'
import { caller } from '../auth.js'
import { invalidInput, notFound } from '../problem.js'
import { deadlineSchema, schoolSchema } from '../responses.js'

const urnParam = z.object({ urn: settingUrn() })
/** How far either side of a closed date its closure is followed: past the longest allowed. */
const CLOSURE_LOOK_DAYS = MAX_CLOSURE_DAYS + 2
const hhmm = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be a local time HH:MM')

export const schoolPutSchema = z.strictObject({
  name: plainText(z.string().trim().min(2).max(200)),
  type: settingTypeSchema.optional(),
  laCode: z.string().regex(/^[0-9]{3}$/, 'must be a 3-digit DfE LA code').optional().nullable(),
  dayStartsAt: hhmm.optional().nullable(),
  contacts: z.array(keyAdultSchema).max(MAX_CONTACTS),
})

/**
 * PATCH's body: Key Adult changes (add, update, remove), the setting's first language, or both.
 * firstLanguage null returns the setting to its LA's default (domain/languages.ts).
 */
export const schoolPatchSchema = z
  .strictObject({
    ...keyAdultChangesSchema.shape,
    firstLanguage: z.enum(['cy', 'en']).nullable().optional()
      .describe('cy: Welsh first, then English; en: English first (then Welsh in a Welsh LA); null: the default, Welsh first in a Welsh LA (660–681), English only elsewhere'),
  })
  .refine((c) => (c.add?.length ?? 0) + (c.update?.length ?? 0) + (c.remove?.length ?? 0) > 0 || c.firstLanguage !== undefined, {
    message: 'must add, update or remove at least one Key Adult, or set firstLanguage',
  })

export const schoolRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = services

    app.put(
      '/v1/schools/:urn',
      {
        config: {
          roles: ['admin'],
          responses: { 201: 'Created', 200: 'Replaced', 404: false },
          bodyExample: {
            name: 'Example Primary School',
            laCode: '808',
            dayStartsAt: '08:45',
            contacts: [
              { role: 'dsl', name: 'Jo Bloggs', email: 'jo.bloggs@example.org', phone: '01642 000000' },
              { role: 'deputy', name: 'Sam Deputy', email: 'sam.deputy@example.org' },
            ],
          },
        },
        schema: {
          tags: ['schools'],
          summary: 'Create or replace a setting and its Key Adults',
          params: urnParam,
          body: schoolPutSchema,
          response: { 200: schoolSchema, 201: schoolSchema },
        },
      },
      async (request, reply) => {
        const body = request.body
        const problems = contactListProblems(body.contacts, 'setting', londonDateOf(services.clock.now()))
        if (problems.length > 0) throw invalidInput(422, problems)
        if (isLaContactUrn(request.params.urn)) {
          throw invalidInput(422, [{ path: '/params/urn', message: "is reserved for LA children's services or health visiting: use PUT /v1/local-authorities/{laCode}/childrens-services or …/health-visiting" }])
        }
        const { created } = await putSchool(db, request.params.urn, body)
        await auditRequest(db, request, created ? 'school.create' : 'school.replace', 'school', request.params.urn,
          'directory maintenance', { contacts: body.contacts.length, dayStartsAt: body.dayStartsAt ?? null })
        // Children held for want of a named Key Adult here go back to be matched.
        const rematched = body.contacts.length > 0 ? await rematchHeld(services, { reasons: ['no-key-adult'], urn: request.params.urn }) : 0
        request.log.info({ urn: request.params.urn, contacts: body.contacts.length, created, rematched }, 'school saved')
        const school = await getSchool(db, request.params.urn)
        return reply.code(created ? 201 : 200).send(school!)
      },
    )

    app.patch(
      '/v1/schools/:urn',
      {
        config: {
          roles: ['admin'],
          responses: { 200: 'Changed', 404: 'No such setting' },
          bodyExample: {
            add: [{ role: 'deputy', name: 'Lee Rivers', email: 'lee.rivers@example.org', trainedOn: '2026-09-01' }],
            update: [{ email: 'jo.bloggs@example.org', trainedOn: '2026-10-12' }],
            remove: ['sam.deputy@example.org'],
            firstLanguage: 'cy',
          },
        },
        schema: {
          tags: ['schools'],
          summary: 'Change a setting’s Key Adults in place (add, update by e-mail address, remove by e-mail address) and its first language, keeping its name and every other field',
          params: urnParam,
          body: schoolPatchSchema,
          response: { 200: schoolSchema },
        },
      },
      async (request) => {
        const { urn } = request.params
        const { firstLanguage, ...changes } = request.body
        // The Key Adults first: a change refused leaves the language as it was too.
        if ((changes.add?.length ?? 0) + (changes.update?.length ?? 0) + (changes.remove?.length ?? 0) > 0) {
          const result = await editKeyAdults(services, urn, changes, (client, summary) =>
            auditRequest(client, request, 'school.key-adults', 'school', urn, 'directory maintenance', { ...summary }))
          if (result.kind === 'not-found') throw notFound('school')
          if (result.kind === 'refused') throw invalidInput(422, result.problems)
          request.log.info({ urn, keyAdults: result.summary.keyAdults, rematched: result.rematched }, 'key adults changed')
        }
        if (firstLanguage !== undefined) {
          if (isLaContactUrn(urn) || !(await setFirstLanguage(db, urn, firstLanguage))) throw notFound('school')
          await auditRequest(db, request, 'school.language', 'school', urn, 'directory maintenance', { firstLanguage })
        }
        const school = await getSchool(db, urn)
        if (!school) throw notFound('school')
        return school
      },
    )

    app.get(
      '/v1/schools/:urn',
      {
        config: { roles: ['admin', 'dsl'] },
        schema: { tags: ['schools'], summary: 'A setting and its Key Adults', params: urnParam, response: { 200: schoolSchema } },
      },
      async (request) => {
        const principal = caller(request)
        if (principal.role === 'dsl' && principal.urn !== request.params.urn) throw notFound('school')
        const school = await getSchool(db, request.params.urn)
        if (!school) throw notFound('school')
        return school
      },
    )

    app.get(
      '/v1/schools/:urn/deadline',
      {
        config: { roles: ['police', 'admin'] },
        schema: {
          tags: ['schools'],
          summary: 'The start of the setting’s next pupil day after a moment the police became aware',
          params: urnParam,
          querystring: z.strictObject({ policeAwareAt: boundedInstant('must be an RFC 3339 timestamp with offset') }),
          response: { 200: deadlineSchema },
        },
      },
      async (request) => {
        const school = await getSchool(db, request.params.urn)
        if (!school) throw notFound('school')
        const aware = new Date(request.query.policeAwareAt)
        const calendar = await loadSchoolCalendar(db, school, londonDateOf(aware))
        try {
          const { dueBy, schoolDay } = computeDueBy(calendar, aware)
          return { urn: school.urn, policeAwareAt: aware, dueBy, schoolDay }
        } catch (err) {
          // The stored calendar gives no deadline (data loaded before the closure rule).
          if (err instanceof CalendarError) throw invalidInput(422, [{ path: '/query/policeAwareAt', message: err.message }])
          throw err
        }
      },
    )

    app.put(
      '/v1/schools/:urn/calendar/:date',
      {
        config: { roles: ['admin'], responses: { 204: 'Saved' }, bodyExample: { open: false, label: 'INSET day' } },
        schema: {
          tags: ['schools'],
          summary: 'A setting’s own closure (INSET day) or opening on one date, overriding its LA calendar',
          params: urnParam.extend({ date: boundedDate() }),
          body: z.strictObject({ open: z.boolean(), label: plainText(z.string().trim().min(1).max(200)) }),
          response: { 204: z.undefined().describe('Saved') },
        },
      },
      async (request, reply) => {
        const school = await getSchool(db, request.params.urn)
        if (!school) throw notFound('school')
        const { date } = request.params
        if (!request.body.open) {
          // Closing the date must leave a pupil day within a school year either side of it.
          const around = await loadSchoolCalendar(db, school, addDays(date, -CLOSURE_LOOK_DAYS), 2 * CLOSURE_LOOK_DAYS)
          const run = closureAround(date, (d) => !isPupilDay(around, d))
          if (run.days > MAX_CLOSURE_DAYS) throw invalidInput(422, [{ path: '/params/date', message: closureTooLongMessage(run) }])
        }
        await putSchoolException(db, school.urn, { date, ...request.body })
        await auditRequest(db, request, 'school.calendar', 'school', school.urn, 'calendar maintenance', {
          date: request.params.date, open: request.body.open,
        })
        return reply.code(204).send()
      },
    )
  }
