// The audit trail for administrators: who saw or did what, when and why; JSON or CSV.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { boundedDate } from '../../domain/date-bounds.js'
import type { Services } from '../../services.js'
import { listAudit, type AuditRow } from '../../store/audit-store.js'
import { auditRequest } from '../audit.js'
import { auditPageSchema, jsonOrCsv } from '../responses.js'

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v)
  // Quote always; neutralise spreadsheet formulas.
  return `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`
}

export function auditCsv(rows: AuditRow[]): string {
  const header = ['id', 'at', 'actor', 'actorRole', 'action', 'subjectType', 'subjectId', 'reason', 'detail', 'hash']
  return [header.join(','), ...rows.map((r) => header.map((k) => csvCell(r[k as keyof AuditRow])).join(','))].join('\r\n') + '\r\n'
}

export const auditRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/audit',
      {
        config: { roles: ['admin'] },
        schema: {
          tags: ['audit'],
          summary: 'The audit trail, oldest first; page with afterId. Accept: text/csv for CSV.',
          querystring: z.strictObject({
            from: boundedDate().optional(),
            to: boundedDate().optional(),
            action: z.string().max(100).optional(),
            subjectId: z.string().max(100).optional(),
            afterId: z.coerce.number().int().min(0).optional(),
            limit: z.coerce.number().int().min(1).max(10_000).default(1000),
          }),
          response: { 200: jsonOrCsv(auditPageSchema, 'A page of the trail; nextAfterId continues it (null: the last page). With Accept: text/csv, the same rows as CSV') },
        },
      },
      async (request, reply) => {
        const rows = await listAudit(services.db, request.query)
        await auditRequest(services.db, request, 'audit.read', 'audit', null, 'audit review', { rows: rows.length })
        if ((request.headers.accept ?? '').includes('text/csv')) {
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', 'attachment; filename="audit.csv"')
            .send(auditCsv(rows))
        }
        return { items: rows, nextAfterId: rows.length === request.query.limit ? rows.at(-1)!.id : null }
      },
    )
  }
