// Key Adults' API: their own school's notifications only, and acknowledgement with a dsl token,
// recorded against that token. (People acknowledge on the page the e-mail links to: ack.ts.)
// Acknowledging twice changes nothing.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { acknowledgedByToken } from '../../domain/acknowledgement.js'
import { settingUrn } from '../../domain/setting-ids.js'
import type { Services } from '../../services.js'
import { acknowledgeNotification } from '../../flows/acknowledge.js'
import { getNotification, listNotifications, type NotificationView } from '../../store/notifications-store.js'
import type { Principal } from '../../store/tokens-store.js'
import { auditRequest } from '../audit.js'
import { actorOf, caller } from '../auth.js'
import { HttpProblem, notFound } from '../problem.js'
import { acknowledgedSchema, notificationListSchema, notificationSchema } from '../responses.js'

const idParam = z.object({ id: z.uuid() })

function inScope(p: Principal, n: NotificationView | null): n is NotificationView {
  return n !== null && (p.role === 'admin' || (p.role === 'dsl' && p.urn === n.urn))
}

export const notificationRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = services

    app.get(
      '/v1/notifications',
      {
        config: { roles: ['dsl', 'admin'] },
        schema: {
          tags: ['notifications'],
          summary: 'Notifications for the caller’s school (dsl) or all (admin), newest first',
          querystring: z.strictObject({
            status: z.enum(['scheduled', 'sent', 'acknowledged', 'escalated', 'failed']).optional(),
            urn: settingUrn().optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: { 200: notificationListSchema },
        },
      },
      async (request) => {
        const p = caller(request)
        const urn = p.role === 'dsl' ? p.urn! : request.query.urn
        const items = await listNotifications(db, { urn, status: request.query.status, limit: request.query.limit })
        // Who saw which children's details: the ids (never the details) of everything listed.
        await auditRequest(db, request, 'notifications.list', 'school', urn ?? null, 'list notifications', {
          count: items.length,
          notificationIds: items.map((n) => n.id),
          childIds: items.map((n) => n.childId),
        })
        return { items }
      },
    )

    app.get(
      '/v1/notifications/:id',
      {
        config: { roles: ['dsl', 'admin'] },
        schema: { tags: ['notifications'], summary: 'One notification with the child’s details', params: idParam, response: { 200: notificationSchema } },
      },
      async (request) => {
        const p = caller(request)
        const n = await getNotification(db, request.params.id)
        if (!inScope(p, n)) throw notFound('notification')
        await auditRequest(db, request, 'notification.read', 'notification', n.id, 'read notification details')
        return n
      },
    )

    app.post(
      '/v1/notifications/:id/acknowledge',
      {
        config: { roles: ['dsl'], responses: { 409: 'The notification can no longer be acknowledged' } },
        schema: { tags: ['notifications'], summary: 'Acknowledge as the school’s Key Adult', params: idParam, response: { 200: acknowledgedSchema } },
      },
      async (request) => {
        const p = caller(request)
        const n = await getNotification(db, request.params.id)
        if (!inScope(p, n)) throw notFound('notification')
        const result = await acknowledgeNotification(services, n.id, { by: acknowledgedByToken(p), actor: actorOf(p) })
        if (!result) throw notFound('notification')
        if ('refused' in result) throw new HttpProblem(409, 'Conflict', `cannot acknowledge: ${result.refused}`)
        return { acknowledgedAt: result.acknowledgedAt }
      },
    )
  }
