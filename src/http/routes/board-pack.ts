// The dashboard's "Download the board pack" (auditor, admin): an LA's month as a PDF
// (src/pack/board-pack.ts), the same document `cli report pack` writes. A GET that only reads:
// the figures, audited as a report read.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { monthRange } from '../../domain/board-pack.js'
import type { Services } from '../../services.js'
import { boardPackFor, boardPackHtml } from '../../pack/board-pack.js'
import { htmlToPdf, PdfUnavailableError } from '../../pack/pdf.js'
import { isKnownLa } from '../../store/la-contacts-store.js'
import { auditRequest } from '../audit.js'
import { HttpProblem, invalidInput } from '../problem.js'
import { boardReportDeps } from './board-report.js'

export const boardPackRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/dashboard/pack.pdf',
      {
        config: { roles: ['auditor', 'admin'] },
        schema: { hide: true, querystring: z.strictObject({ la: z.string().regex(/^[0-9]{3}$/, 'must be a 3-digit LA code such as 808'), month: z.string().max(7) }) },
      },
      async (request, reply) => {
        const { la, month } = request.query
        const range = monthRange(month)
        const errors = [
          ...(isKnownLa(la) ? [] : [{ path: '/la', message: 'must be a local authority of England or Wales' }]),
          ...('error' in range ? [{ path: '/month', message: range.error }] : []),
        ]
        if (errors.length > 0) throw invalidInput(422, errors)
        const pack = await boardPackFor(boardReportDeps(services), { la, month })
        let pdf: Buffer
        try {
          pdf = await htmlToPdf(boardPackHtml(pack, services.clock.now()), services.config.CHROMIUM_PATH)
        } catch (err) {
          if (err instanceof PdfUnavailableError) throw new HttpProblem(503, 'Board pack unavailable', 'this server cannot print PDFs (Chromium is not installed)')
          throw err
        }
        await auditRequest(services.db, request, 'report.pack', 'report', null, 'board pack', { la, month })
        return reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="board-pack-${la}-${month}.pdf"`)
          .send(pdf)
      },
    )
  }
