// Boards for auditors and administrators: how long notifications took from the police becoming
// aware to the e-mail leaving and the school acknowledging it, grouped by force, local authority,
// school, month or weekday. JSON, or CSV with Accept: text/csv. Counts and durations only.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { boundedDate } from '../../domain/date-bounds.js'
import { checkReportRange, csvFilename, GROUP_BYS, latencyCsv, type LatencyReport } from '../../domain/latency.js'
import type { Services } from '../../services.js'
import { latencyReport } from '../../store/reports-store.js'
import { auditRequest } from '../audit.js'
import { invalidInput } from '../problem.js'

const seconds = z.number().nullable().describe('seconds; null when no notification in the group reached both ends')
const percentiles4 = z.object({ p50: seconds, p90: seconds, p95: seconds, max: seconds })
const percentiles2 = z.object({ p50: seconds, p90: seconds })

// The response schema pins the public shape, and the serializer drops anything not named here.
export const latencyRowSchema = z.object({
  key: z.string().nullable(),
  notifications: z.number().int(),
  sent: z.number().int(),
  acknowledged: z.number().int(),
  onTime: z.number().int(),
  onTimeRate: z.number(),
  policeToSentSeconds: percentiles4,
  policeToAcknowledgedSeconds: percentiles4,
  stages: z.object({ policeToReceived: percentiles2, receivedToSent: percentiles2, sentToAcknowledged: percentiles2 }),
})

export const latencyReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(GROUP_BYS),
  overall: latencyRowSchema,
  rows: z.array(latencyRowSchema),
})

export const reportRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/reports/latency',
      {
        config: { roles: ['auditor', 'admin'], responses: { 422: 'The date range breaks a rule (from after to, or too long)' } },
        schema: {
          tags: ['reports'],
          summary: 'Delivery latency by force, LA, school, month or weekday (London dates, inclusive). Accept: text/csv for CSV.',
          querystring: z.strictObject({
            from: boundedDate(),
            to: boundedDate(),
            groupBy: z.enum(GROUP_BYS),
          }),
          response: {
            200: {
              description: 'The report; with Accept: text/csv, the same rows as CSV, the overall row first',
              content: { 'application/json': { schema: latencyReportSchema }, 'text/csv': { schema: z.string() } },
            },
          },
        },
      },
      async (request, reply) => {
        const { from, to, groupBy } = request.query
        const errors = checkReportRange(from, to)
        if (errors.length > 0) throw invalidInput(422, errors)
        const { overall, rows } = await latencyReport(services.reportsDb ?? services.db, { from, to, groupBy })
        const report: LatencyReport = { from, to, groupBy, overall, rows }
        await auditRequest(services.db, request, 'report.latency', 'report', null, 'latency report', { from, to, groupBy, rows: rows.length })
        if ((request.headers.accept ?? '').includes('text/csv')) {
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${csvFilename(report)}"`)
            .send(latencyCsv(report))
        }
        return report
      },
    )
  }
