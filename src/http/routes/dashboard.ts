// The boards' dashboard (auditor, admin) in a browser: sign in once with a token (kept in an
// HttpOnly, SameSite=Strict cookie), then a server-rendered page and CSV downloads.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { boundedDate } from '../../domain/date-bounds.js'
import { checkReportRange, csvFilename, latencyCsv, GROUP_BYS } from '../../domain/latency.js'
import { addDays, londonDateOf } from '../../domain/london-time.js'
import type { Services } from '../../services.js'
import { delayDistribution, laNames } from '../../store/dashboard-store.js'
import { latencyReport } from '../../store/reports-store.js'
import { authenticate } from '../../store/tokens-store.js'
import { auditRequest } from '../audit.js'
import { SESSION_COOKIE } from '../auth.js'
import { renderDashboard } from '../pages/dashboard-page.js'
import { loginPage } from '../pages/login-page.js'
import { invalidInput } from '../problem.js'

const range = z.strictObject({
  from: boundedDate().optional(),
  to: boundedDate().optional(),
})

export const dashboardRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    const { db, clock, config } = services
    const reads = services.reportsDb ?? db // the figures may come from a replica; the audit goes to the primary
    const secure = config.PUBLIC_BASE_URL.startsWith('https:')
    const cookie = (value: string, maxAge: number) =>
      `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? '; Secure' : ''}`

    const defaultRange = (q: { from?: string | undefined; to?: string | undefined }) => {
      const to = q.to ?? londonDateOf(clock.now())
      return { from: q.from ?? addDays(to, -364), to }
    }

    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)))
    })

    app.get('/dashboard/login', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html').send(loginPage()))

    app.post(
      '/dashboard/login',
      { schema: { hide: true, body: z.object({ token: z.string().max(200) }) } },
      async (request, reply) => {
        const principal = await authenticate(db, request.body.token.trim())
        if (!principal || !['auditor', 'admin'].includes(principal.role)) {
          return reply.code(401).type('text/html').send(loginPage('That token is not an auditor or administrator token, or it has expired.'))
        }
        return reply.header('set-cookie', cookie(request.body.token.trim(), 8 * 3600)).redirect('/dashboard', 303)
      },
    )

    app.post('/dashboard/logout', { schema: { hide: true } }, async (_request, reply) =>
      reply.header('set-cookie', cookie('', 0)).redirect('/dashboard/login', 303),
    )

    app.get(
      '/dashboard',
      { config: { roles: ['auditor', 'admin'], cookieAuth: true }, schema: { hide: true, querystring: range } },
      async (request, reply) => {
        const { from, to } = defaultRange(request.query)
        const errors = checkReportRange(from, to)
        if (errors.length) throw invalidInput(422, errors)
        const [month, la, weekday, distribution] = [
          await latencyReport(reads, { from, to, groupBy: 'month' }),
          await latencyReport(reads, { from, to, groupBy: 'la' }),
          await latencyReport(reads, { from, to, groupBy: 'weekday' }),
          await delayDistribution(reads, from, to),
        ]
        const names = await laNames(reads, la.rows.map((r) => r.key).filter((k): k is string => k !== null))
        await auditRequest(db, request, 'dashboard.read', 'report', null, 'board dashboard', { from, to })
        const html = renderDashboard(
          { from, to, overall: month.overall, byMonth: month.rows, byLa: la.rows, byWeekday: weekday.rows, delayDistribution: distribution, laNames: names },
          '/dashboard/latency.csv',
        )
        return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html)
      },
    )

    app.get(
      '/dashboard/latency.csv',
      {
        config: { roles: ['auditor', 'admin'], cookieAuth: true },
        schema: { hide: true, querystring: range.extend({ groupBy: z.enum(GROUP_BYS) }) },
      },
      async (request, reply) => {
        const { from, to } = defaultRange(request.query)
        const errors = checkReportRange(from, to)
        if (errors.length) throw invalidInput(422, errors)
        const report = { from, to, groupBy: request.query.groupBy, ...(await latencyReport(reads, { from, to, groupBy: request.query.groupBy })) }
        await auditRequest(db, request, 'report.csv', 'report', null, 'board dashboard download', { from, to, groupBy: report.groupBy })
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${csvFilename(report)}"`)
          .send(latencyCsv(report))
      },
    )
  }
