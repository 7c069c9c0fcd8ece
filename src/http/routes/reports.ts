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
import { jsonOrCsv, latencyReportSchema } from '../responses.js'

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
          response: { 200: jsonOrCsv(latencyReportSchema, 'The report; with Accept: text/csv, the same rows as CSV, the overall row first') },
        },
      },
      async (request, reply) => {
        const { from, to, groupBy } = request.query
        const errors = checkReportRange(from, to)
        if (errors.length > 0) throw invalidInput(422, errors)
        const { overall, rows } = await latencyReport(services.reportsDb ?? services.db, { from, to, groupBy }, { plainSql: services.config.REPORTS_PLAIN_SQL })
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
