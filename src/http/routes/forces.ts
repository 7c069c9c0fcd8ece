// Per-force settings kept by administrators: the age band, the e-mail content profile, whether
// deputies are copied, the delivery window, the escalation lead time, the Encompass desk (e-mail and
// telephone), and the wording Key Adults are given (domain/force-wording.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { plainText } from '../../domain/text.js'
import type { Services } from '../../services.js'
import { getForce, putForce } from '../../store/forces-store.js'
import { forgetPrincipals } from '../../store/tokens-store.js'
import { auditRequest } from '../audit.js'
import { caller } from '../auth.js'
import { invalidInput, notFound } from '../problem.js'
import { forceSchema } from '../responses.js'

const codeParam = z.object({ code: z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be a lower-case force code') })
const hhmm = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be a local time HH:MM')

export const forceSettingsSchema = z.strictObject({
  name: plainText(z.string().trim().min(2).max(200)).nullable().default(null),
  ageMin: z.number().int().min(0).max(17).default(0),
  ageMax: z.number().int().min(0).max(17).default(17),
  contentProfile: z.enum(['minimal', 'full']).default('minimal'),
  copyDeputies: z.boolean().default(true),
  deskEmail: z.email().nullable().default(null),
  deliveryNotBefore: hhmm.nullable().default(null),
  deliveryNotAfter: hhmm.nullable().default(null),
  escalationLeadMinutes: z.number().int().min(0).max(1440).default(60),
  quietPeriodMinutes: z.number().int().min(1).max(60 * 24 * 14).default(1440),
  deskPhone: z.string().trim().regex(/^\+?[0-9 ()-]{6,24}$/, 'must be a telephone number, for example 01642 301 234').nullable().default(null),
  guidance: z.array(plainText(z.string().trim().min(1, 'must not be empty').max(300, 'must be at most 300 characters')))
    .min(1, 'must have at least one line (or be null for the default guidance)').max(6, 'must have at most 6 lines').nullable().default(null),
  keyAdultMaySpeakToFamily: z.boolean().nullable().default(null),
})

export const forceRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = services
    app.put(
      '/v1/forces/:code',
      {
        config: {
          roles: ['admin'],
          responses: { 404: false },
          bodyExample: {
            name: 'Cleveland Police', deskEmail: 'encompass.desk@cleveland.police.example', deskPhone: '01642 301 234', ageMin: 0, ageMax: 17,
            escalationLeadMinutes: 60, guidance: ['Please be ready to support the child from the start of the school day.'], keyAdultMaySpeakToFamily: false,
          },
        },
        schema: {
          tags: ['forces'],
          summary: 'Create or replace a force’s settings',
          params: codeParam,
          body: forceSettingsSchema,
          response: { 200: forceSchema },
        },
      },
      async (request) => {
        const b = request.body
        if (b.ageMin > b.ageMax) throw invalidInput(422, [{ path: '/ageMin', message: 'must not be above ageMax' }])
        const force = await putForce(db, request.params.code, b)
        forgetPrincipals() // police tokens carry their force's age band
        await auditRequest(db, request, 'force.put', 'force', force.code, 'force settings maintenance', { ...b, name: undefined })
        return force
      },
    )
    app.get(
      '/v1/forces/:code',
      {
        config: { roles: ['admin', 'police'] },
        schema: { tags: ['forces'], summary: 'A force’s settings', params: codeParam, response: { 200: forceSchema } },
      },
      async (request) => {
        const p = caller(request)
        if (p.role === 'police' && p.forceCode !== request.params.code) throw notFound('force')
        const force = await getForce(db, request.params.code)
        if (!force) throw notFound('force')
        return force
      },
    )
  }
