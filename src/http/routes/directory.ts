// What administrators keep for matching: each local authority's pupil roll (JSON or CSV, one
// upload replacing the LA's roll), each LA's children's services contact (named people, as for
// Key Adults), and the alerts raised when the directory holds a child back.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { isGenericRoleAddress } from '../../domain/contacts.js'
import { londonDateOf } from '../../domain/london-time.js'
import type { Services } from '../../services.js'
import { inEnglandOrWales } from '../../store/directory-search.js'
import {
  clearResolvedDirectoryAlerts,
  getChildrensServices,
  laNameOf,
  listDirectoryAlerts,
  putChildrensServices,
} from '../../store/la-contacts-store.js'
import { parseRollCsv, replaceRoll, unknownRollUrns, validateRoll, type RollRowInput } from '../../store/pupil-roll-store.js'
import { auditRequest } from '../audit.js'
import { invalidInput, notFound } from '../problem.js'

/** A large LA's roll (a quarter of a million pupils) as CSV is about 12 MB. */
const ROLL_BODY_LIMIT = 64 * 1024 * 1024
const ROLL_FIELDS = new Set(['givenName', 'familyName', 'dateOfBirth', 'urn'])

const laParam = z.object({ laCode: z.string().regex(/^[0-9]{3}$/, 'must be a 3-digit DfE LA code') })

const contactSchema = z.strictObject({
  role: z.enum(['lead', 'deputy'], { message: "must be 'lead' or 'deputy'" }),
  name: z.string().trim().min(2, 'must name the person').max(200),
  email: z.email({ message: 'must be an e-mail address' }).max(254),
  phone: z.string().trim().max(40).regex(/^[0-9 +()-]*$/, 'must be a telephone number').optional().nullable(),
})

/** An LA of England or Wales that GIAS knows (the table shipped in data/la-codes.csv). */
function knownLa(laCode: string): boolean {
  return laNameOf(laCode) !== null && inEnglandOrWales(laCode)
}

export const directoryRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    const { db, clock } = services

    // Rolls come as LA systems export them; JSON arrays go through the app's JSON parser.
    app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body))

    app.post(
      '/v1/pupil-rolls/:laCode',
      {
        config: { roles: ['admin'] },
        bodyLimit: ROLL_BODY_LIMIT,
        schema: {
          tags: ['directory'],
          summary: 'Replace an LA’s pupil roll: a JSON array of { givenName, familyName, dateOfBirth, urn } or a CSV (text/csv) with those columns; a blank URN is a child with no setting',
          params: laParam,
          body: z.union([z.array(z.record(z.string(), z.unknown())), z.string()]),
        },
      },
      async (request) => {
        const { laCode } = request.params
        if (!knownLa(laCode)) throw notFound('local authority')
        const today = londonDateOf(clock.now())
        let input: RollRowInput[]
        let lineOf: (i: number) => number | null = () => null
        const body = request.body
        if (typeof body === 'string') {
          const parsed = parseRollCsv(body)
          if (parsed.errors.length > 0) throw invalidInput(422, parsed.errors)
          input = parsed.rows
          lineOf = parsed.lineOf
        } else {
          const unknown = body.flatMap((r, i) => Object.keys(r).filter((k) => !ROLL_FIELDS.has(k)).map((k) => ({ path: `/${i}/${k}`, message: 'unknown field' })))
          if (unknown.length > 0) throw invalidInput(400, unknown.slice(0, 100))
          input = body as RollRowInput[]
        }
        const { rows, errors } = validateRoll(input, today, lineOf)
        if (errors.length > 0) throw invalidInput(422, errors.slice(0, 100))
        const importedAt = clock.now()
        const r = await replaceRoll(db, laCode, rows, importedAt, typeof body === 'string' ? 'csv' : 'json')
        const unknownUrns = await unknownRollUrns(db, laCode)
        await auditRequest(db, request, 'pupil-roll.import', 'la', laCode, 'pupil roll replaced', { pupils: r.pupils, noSetting: r.noSetting })
        request.log.info({ laCode, pupils: r.pupils, noSetting: r.noSetting, unknownUrns: unknownUrns.length }, 'pupil roll replaced')
        return { laCode, pupils: r.pupils, noSetting: r.noSetting, importedAt, unknownUrns }
      },
    )

    app.put(
      '/v1/local-authorities/:laCode/childrens-services',
      {
        config: { roles: ['admin'] },
        schema: {
          tags: ['directory'],
          summary: 'Create or replace an LA’s children’s services contact, told instead of a school when a child has no setting',
          params: laParam,
          body: z.strictObject({
            name: z.string().trim().min(2).max(200).optional().nullable(),
            contacts: z.array(contactSchema).min(1, 'must name at least one person').max(20),
          }),
        },
      },
      async (request, reply) => {
        const { laCode } = request.params
        if (!knownLa(laCode)) throw notFound('local authority')
        const generic = request.body.contacts.flatMap((c, i) =>
          isGenericRoleAddress(c.email) ? [{ path: `/contacts/${i}/email`, message: 'must be a named person’s address, not a generic role inbox' }] : [],
        )
        if (generic.length > 0) throw invalidInput(422, generic)
        const { created } = await putChildrensServices(db, laCode, request.body, clock.now())
        await clearResolvedDirectoryAlerts(db, clock.now())
        await auditRequest(db, request, created ? 'la-contact.create' : 'la-contact.replace', 'la', laCode, 'directory maintenance', {
          contacts: request.body.contacts.length,
        })
        return reply.code(created ? 201 : 200).send(await getChildrensServices(db, laCode))
      },
    )

    app.get(
      '/v1/local-authorities/:laCode/childrens-services',
      { config: { roles: ['admin'] }, schema: { tags: ['directory'], summary: 'An LA’s children’s services contact', params: laParam } },
      async (request) => {
        const cs = await getChildrensServices(db, request.params.laCode)
        if (!cs) throw notFound('children’s services contact')
        return cs
      },
    )

    app.get(
      '/v1/directory/alerts',
      {
        config: { roles: ['admin'] },
        schema: {
          tags: ['directory'],
          summary: 'Children held back by the directory: closed settings, settings without a named Key Adult, LAs without a children’s services contact',
          querystring: z.strictObject({ open: z.enum(['true', 'false']).default('true') }),
        },
      },
      async (request) => {
        await clearResolvedDirectoryAlerts(db, clock.now())
        return { items: await listDirectoryAlerts(db, { open: request.query.open === 'true' }) }
      },
    )
  }
