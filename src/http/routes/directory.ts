// What administrators keep for matching: each local authority's pupil roll (JSON or CSV, one
// upload replacing the LA's roll), each LA's children's services and health visiting contacts
// (named people, as for Key Adults), and the alerts raised when the directory holds a child back.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { laContactSchema, MAX_CONTACTS } from '../../domain/contacts.js'
import { plainText } from '../../domain/text.js'
import { londonDateOf } from '../../domain/london-time.js'
import type { Services } from '../../services.js'
import {
  clearResolvedDirectoryAlerts,
  getLaContact,
  isKnownLa,
  listDirectoryAlerts,
} from '../../store/la-contacts-store.js'
import { parseRollCsv, replaceRoll, RollShrinkRefused, unknownRollUrns, validateRoll, type RollRowInput } from '../../store/pupil-roll-store.js'
import { setLaContact } from '../../flows/childrens-services.js'
import { auditRequest } from '../audit.js'
import { HttpProblem, invalidInput, notFound } from '../problem.js'
import { directoryAlertsSchema, laServiceContactSchema, rollImportSchema } from '../responses.js'

/** A large LA's roll (a quarter of a million pupils) as CSV is about 12 MB. */
const ROLL_BODY_LIMIT = 64 * 1024 * 1024
const ROLL_FIELDS = new Set(['givenName', 'familyName', 'dateOfBirth', 'urn'])
/** A problem+json body lists this many of a roll's problems; the detail gives the total. */
const MAX_ERRORS = 100

const laParam = z.object({ laCode: z.string().regex(/^[0-9]{3}$/, 'must be a 3-digit DfE LA code') })


export const directoryRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    const { db, clock } = services

    // Rolls come as LA systems export them; JSON arrays go through the app's JSON parser.
    app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body))

    app.post(
      '/v1/pupil-rolls/:laCode',
      {
        config: {
          roles: ['admin'],
          responses: { 409: 'The roll is empty, or under half the current one, and replaceAll=true was not given; nothing was imported' },
          bodyExample: [{ givenName: 'Amy', familyName: 'Example', dateOfBirth: '2016-05-04', urn: '111234' }],
        },
        bodyLimit: ROLL_BODY_LIMIT,
        schema: {
          tags: ['directory'],
          summary: 'Replace an LA’s pupil roll: a JSON array of { givenName, familyName, dateOfBirth, urn } or a CSV (text/csv) with those columns; a blank URN is a child with no setting',
          params: laParam,
          querystring: z.strictObject({
            replaceAll: z
              .enum(['true', 'false'], { message: "must be 'true' or 'false'" })
              .optional()
              .describe('true: accept a roll that empties the LA’s roll or cuts it to less than half (refused with 409 otherwise)'),
          }),
          body: z.union([z.array(z.unknown()), z.string()]),
          response: { 200: rollImportSchema },
        },
      },
      async (request) => {
        const { laCode } = request.params
        if (!isKnownLa(laCode)) throw notFound('local authority')
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
          const shape = body.flatMap((r, i) => {
            if (r === null || typeof r !== 'object' || Array.isArray(r)) return [{ path: `/${i}`, message: 'must be an object { givenName, familyName, dateOfBirth, urn }' }]
            return Object.keys(r).filter((k) => !ROLL_FIELDS.has(k)).map((k) => ({ path: `/${i}/${k}`, message: 'unknown field' }))
          })
          if (shape.length > 0) throw invalidInput(400, shape.slice(0, MAX_ERRORS))
          input = body as RollRowInput[]
        }
        const { rows, errors } = validateRoll(input, today, lineOf)
        if (errors.length > 0) throw invalidInput(422, errors.slice(0, MAX_ERRORS), `${errors.length} problem(s) in the roll${errors.length > MAX_ERRORS ? `; the first ${MAX_ERRORS} are listed` : ''}; nothing was imported`)
        const importedAt = clock.now()
        const r = await replaceRoll(db, laCode, rows, importedAt, typeof body === 'string' ? 'csv' : 'json', {
          replaceAll: request.query.replaceAll === 'true',
        }).catch((err: unknown) => {
          if (err instanceof RollShrinkRefused) {
            throw new HttpProblem(409, 'Conflict', `${err.message}; send it again with ?replaceAll=true if it is right`, {
              type: '/problems/roll-shrink', currentPupils: err.current, offeredPupils: err.offered,
            })
          }
          throw err
        })
        const unknownUrns = await unknownRollUrns(db, laCode)
        await auditRequest(db, request, 'pupil-roll.import', 'la', laCode, 'pupil roll replaced', { pupils: r.pupils, noSetting: r.noSetting })
        request.log.info({ laCode, pupils: r.pupils, noSetting: r.noSetting, unknownUrns: unknownUrns.length }, 'pupil roll replaced')
        return { laCode, pupils: r.pupils, noSetting: r.noSetting, importedAt, unknownUrns }
      },
    )

    // An LA's two contacts for children with no setting (domain/no-setting.ts): the same body,
    // rules and answer for each.
    for (const [service, path, label, example] of [
      ['childrens-services', 'childrens-services', 'children’s services', 'Pat Hale'],
      ['health-visiting', 'health-visiting', 'health visiting', 'Sam Okafor'],
    ] as const) {
      const who = service === 'health-visiting' ? 'told instead of a setting when a child under 5 has no setting' : 'told instead of a school when a child has no setting (of 5 or more; under 5 when there is no health visiting contact)'
      const email = `${example.toLowerCase().replace(' ', '.')}@stockton.example.org`
      app.put(
        `/v1/local-authorities/:laCode/${path}`,
        {
          config: {
            roles: ['admin'],
            responses: { 201: 'Created', 200: 'Replaced' },
            bodyExample: {
              name: `Stockton-on-Tees ${label}`,
              contacts: [{ role: 'lead', name: example, email }, { role: 'deputy', name: 'Lou Reed', email: 'lou.reed@stockton.example.org' }],
            },
          },
          schema: {
            tags: ['directory'],
            summary: `Create or replace an LA’s ${label} contact, ${who}`,
            params: laParam,
            body: z.strictObject({
              name: plainText(z.string().trim().min(2).max(200)).optional().nullable(),
              contacts: z.array(laContactSchema).min(1, 'must name at least one person').max(MAX_CONTACTS),
            }),
            response: { 200: laServiceContactSchema, 201: laServiceContactSchema },
          },
        },
        async (request, reply) => {
          const { laCode } = request.params
          if (!isKnownLa(laCode)) throw notFound('local authority')
          const result = await setLaContact(services, service, laCode, request.body)
          if (result.kind === 'refused') throw invalidInput(422, result.problems)
          const { created } = result
          await auditRequest(db, request, created ? 'la-contact.create' : 'la-contact.replace', 'la', laCode, 'directory maintenance', {
            service, contacts: request.body.contacts.length,
          })
          return reply.code(created ? 201 : 200).send((await getLaContact(db, service, laCode))!)
        },
      )

      app.get(
        `/v1/local-authorities/:laCode/${path}`,
        {
          config: { roles: ['admin'] },
          schema: { tags: ['directory'], summary: `An LA’s ${label} contact`, params: laParam, response: { 200: laServiceContactSchema } },
        },
        async (request) => {
          const contact = await getLaContact(db, service, request.params.laCode)
          if (!contact) throw notFound(`${label} contact`)
          return contact
        },
      )
    }

    app.get(
      '/v1/directory/alerts',
      {
        config: { roles: ['admin'] },
        schema: {
          tags: ['directory'],
          summary: 'Children held back by the directory: closed settings, settings without a named Key Adult, LAs without a children’s services contact',
          querystring: z.strictObject({ open: z.enum(['true', 'false']).default('true') }),
          response: { 200: directoryAlertsSchema },
        },
      },
      async (request) => {
        await clearResolvedDirectoryAlerts(db, clock.now())
        return { items: await listDirectoryAlerts(db, { open: request.query.open === 'true' }) }
      },
    )
  }
