// The board's figures beyond timeliness (auditor, admin): children notified and notified again,
// ages, settings, incident types and risk, out-of-hours share, acknowledgement, escalations and
// why, children unplaced and time in review, delivery failures; by force, LA or month. JSON, or
// CSV with Accept: text/csv. No personal data, and small numbers suppressed (domain/board-report.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { boardCsv, BOARD_GROUP_BYS } from '../../domain/board-report.js'
import { boundedDate } from '../../domain/date-bounds.js'
import { checkReportRange } from '../../domain/latency.js'
import { boardReport } from '../../flows/board-report.js'
import type { Services } from '../../services.js'
import { auditRequest } from '../audit.js'
import { invalidInput } from '../problem.js'
import { boardReportSchema, jsonOrCsv } from '../responses.js'

export const boardReportRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/reports/board',
      {
        config: { roles: ['auditor', 'admin'], responses: { 422: 'The date range breaks a rule (from after to, or too long)' } },
        schema: {
          tags: ['reports'],
          summary: 'The board’s figures beyond timeliness, by force, LA or month; counts of 1 to 4 withheld (null; "<5" in CSV). Accept: text/csv for CSV.',
          querystring: z.strictObject({ from: boundedDate(), to: boundedDate(), groupBy: z.enum(BOARD_GROUP_BYS) }),
          response: { 200: jsonOrCsv(boardReportSchema, 'The figures; with Accept: text/csv, the same rows as CSV, the overall row first') },
        },
      },
      async (request, reply) => {
        const { from, to, groupBy } = request.query
        const errors = checkReportRange(from, to)
        if (errors.length > 0) throw invalidInput(422, errors)
        const report = await boardReport(boardReportDeps(services), { from, to, groupBy })
        await auditRequest(services.db, request, 'report.board', 'report', null, 'board report', { from, to, groupBy, rows: report.rows.length })
        if ((request.headers.accept ?? '').includes('text/csv')) {
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="board-${groupBy}-${from}-to-${to}.csv"`)
            .send(boardCsv(report))
        }
        return { from, to, groupBy, repeatCounts: report.repeatCounts, overall: report.overall, rows: report.rows }
      },
    )
  }

/** What the board report needs of the running service. */
export function boardReportDeps(services: Services) {
  return {
    db: services.db,
    reads: services.reportsDb,
    pseudonymKey: services.config.REPORT_PSEUDONYM_KEY,
    warn: (message: string) => services.logger.warn(message),
  }
}
