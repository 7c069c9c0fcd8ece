// Server-rendered pages: Nunjucks templates under src/http/views (auto-escaping on, so a value is
// text unless a template says otherwise), GOV.UK Frontend's macros beside them, and
// `reply.page(template, context)` for routes. Every page is private to its reader and may later
// carry a child's details, so none is stored by a browser or a proxy.
import type { FastifyInstance, FastifyReply } from 'fastify'
import nunjucks from 'nunjucks'
import { viewsDir } from '../paths.js'
import { assetUrl, govukTemplatesDir } from './assets.js'
import type { Role } from '../store/tokens-store.js'
import { dateTime, longDate, longPlainDate, time } from './format.js'

export const SERVICE_NAME = 'Operation Encompass'

const env = new nunjucks.Environment(new nunjucks.FileSystemLoader([viewsDir, govukTemplatesDir]), {
  autoescape: true,
  throwOnUndefined: false,
  trimBlocks: true,
  lstripBlocks: true,
})
env.addGlobal('asset', assetUrl)
env.addGlobal('serviceName', SERVICE_NAME)
env.addFilter('longDate', (d: Date) => longDate(d))
env.addFilter('longPlainDate', (d: string) => longPlainDate(d))
env.addFilter('time', (d: Date) => time(d))
env.addFilter('dateTime', (d: Date) => dateTime(d))

/** What every page's layout reads: whether to offer sign-out. */
export interface PageContext {
  signedIn?: boolean
  [key: string]: unknown
}

export function renderPage(template: string, context: PageContext): string {
  return env.render(template, context)
}

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a page with the layout's context filled in from the request (signed in or not). */
    page(template: string, context?: PageContext, status?: number): FastifyReply
  }
}

/** The menu each role sees when signed in: its own pages only. `current` marks the page shown. */
export function navigationFor(role: Role | undefined, current: string): { href: string; text: string; active?: boolean }[] {
  const items: Record<Role, { href: string; text: string }[]> = {
    police: [
      { href: '/incidents/new', text: 'Report an incident' },
      { href: '/incidents/upload', text: 'Upload incidents' },
      { href: '/incidents', text: 'Incidents' },
      { href: '/review', text: 'Review queue' },
    ],
    admin: [
      { href: '/dashboard', text: 'Dashboard' },
      { href: '/settings', text: 'Settings' },
      { href: '/delivery-failures', text: 'Delivery failures' },
    ],
    auditor: [{ href: '/dashboard', text: 'Dashboard' }],
    dsl: [],
  }
  if (!role) return []
  return items[role].map((i) => (i.href === current ? { ...i, active: true } : i))
}

export function registerPages(app: FastifyInstance): void {
  app.decorateReply('page', function (this: FastifyReply, template: string, context: PageContext = {}, status = 200) {
    const principal = this.request.principal
    const signedIn = Boolean(principal?.sessionId)
    const path = this.request.url.split('?')[0] ?? ''
    const defaults = signedIn && principal
      ? { navigation: navigationFor(principal.role, path), homeUrl: principal.role === 'police' ? '/incidents' : '/dashboard' }
      : {}
    return this.code(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(renderPage(template, { signedIn, ...defaults, ...context }))
  })
}
