// The boards' dashboard (auditor, admin) in a browser, in a signed-in session (sign-in.ts), or
// with a bearer token for a machine: a server-rendered page and CSV downloads.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { boundedDate } from '../../domain/date-bounds.js'
import { checkReportRange, csvFilename, latencyCsv, GROUP_BYS } from '../../domain/latency.js'
import { addDays, londonDateOf } from '../../domain/london-time.js'
import type { Services } from '../../services.js'
import { delayDistribution, filterChoices, laNames } from '../../store/dashboard-store.js'
import { latencyReport } from '../../store/reports-store.js'
import { auditRequest } from '../audit.js'
import { renderDashboard } from '../pages/dashboard-page.js'
import { invalidInput } from '../problem.js'

const range = z.strictObject({
  from: boundedDate().optional(),
  to: boundedDate().optional(),
  // The form's "all" is an empty value.
  la: z.union([z.literal(''), z.string().regex(/^[0-9]{3}$/, 'must be a 3-digit LA code such as 808')]).optional(),
  force: z.union([z.literal(''), z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be a force code such as cleveland')]).optional(),
})

export const dashboardRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    const { db, clock } = services
    const reads = services.reportsDb ?? db // the figures may come from a replica; the audit goes to the primary
    const path = { plainSql: services.config.REPORTS_PLAIN_SQL }
    const defaultRange = (q: { from?: string | undefined; to?: string | undefined }) => {
      const to = q.to ?? londonDateOf(clock.now())
      return { from: q.from ?? addDays(to, -364), to }
    }

    app.get(
      '/dashboard',
      { config: { roles: ['auditor', 'admin'] }, schema: { hide: true, querystring: range } },
      async (request, reply) => {
        const { from, to } = defaultRange(request.query)
        const errors = checkReportRange(from, to)
        if (errors.length) throw invalidInput(422, errors)
        const filter = { la: request.query.la || undefined, force: request.query.force || undefined }
        // The four reads at once, each on its own connection (one snapshot each, as before).
        const [month, la, weekday, distribution, choices] = await Promise.all([
          latencyReport(reads, { from, to, groupBy: 'month', filter }, path),
          latencyReport(reads, { from, to, groupBy: 'la', filter }, path),
          latencyReport(reads, { from, to, groupBy: 'weekday', filter }, path),
          delayDistribution(reads, from, to, filter),
          filterChoices(reads),
        ])
        const names = await laNames(reads, [...new Set([...la.rows.map((r) => r.key), ...choices.las])].filter((k): k is string => k !== null))
        await auditRequest(db, request, 'dashboard.read', 'report', null, 'board dashboard', { from, to, ...filter })
        const body = renderDashboard(
          { from, to, overall: month.overall, byMonth: month.rows, byLa: la.rows, byWeekday: weekday.rows, delayDistribution: distribution, laNames: names,
            filter, choices },
          '/dashboard/latency.csv',
        )
        return reply.page('dashboard.njk', { pageTitle: 'How quickly schools are told', body, homeUrl: '/dashboard' })
      },
    )

    app.get(
      '/dashboard/latency.csv',
      {
        config: { roles: ['auditor', 'admin'] },
        schema: { hide: true, querystring: range.extend({ groupBy: z.enum(GROUP_BYS) }) },
      },
      async (request, reply) => {
        const { from, to } = defaultRange(request.query)
        const errors = checkReportRange(from, to)
        if (errors.length) throw invalidInput(422, errors)
        const filter = { la: request.query.la || undefined, force: request.query.force || undefined }
        const report = { from, to, groupBy: request.query.groupBy, ...(await latencyReport(reads, { from, to, groupBy: request.query.groupBy, filter }, path)) }
        await auditRequest(db, request, 'report.csv', 'report', null, 'board dashboard download', { from, to, groupBy: report.groupBy })
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${csvFilename(report)}"`)
          .send(latencyCsv(report))
      },
    )
  }
