// Server-rendered pages: Nunjucks templates under src/http/views (auto-escaping on, so a value is
// text unless a template says otherwise), GOV.UK Frontend's macros beside them, and
// `reply.page(template, context)` for routes. Every page is private to its reader and may later
// carry a child's details, so none is stored by a browser or a proxy.
import type { FastifyInstance, FastifyReply } from 'fastify'
import nunjucks from 'nunjucks'
import { viewsDir } from '../paths.js'
import { assetUrl, govukTemplatesDir } from './assets.js'
import type { Principal, Role } from '../store/tokens-store.js'
import { dateTime, longDate, longPlainDate, time } from './format.js'
import { registerPageText } from '../i18n/page-text.js'

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
// The pages' words in their languages: both(), tr(), trh(), langAttr() (i18n/page-text.ts).
registerPageText(env, (html) => new nunjucks.runtime.SafeString(html))

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
export function navigationFor(who: Role | Pick<Principal, 'role' | 'person'> | undefined, current: string): { href: string; text: string; active?: boolean }[] {
  if (!who) return []
  const role = typeof who === 'string' ? who : who.role
  const personRole = typeof who === 'string' ? undefined : who.person?.role
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
      { href: '/people', text: 'People' },
    ],
    // An LA administrator (an 'auditor' session with LA codes) keeps their LA's settings and people.
    auditor: personRole === 'la-admin'
      ? [{ href: '/dashboard', text: 'Dashboard' }, { href: '/settings', text: 'Settings' }, { href: '/delivery-failures', text: 'Delivery failures' }, { href: '/people', text: 'People' }]
      : [{ href: '/dashboard', text: 'Dashboard' }],
    dsl: [{ href: '/notifications', text: 'Notifications' }],
  }
  return items[role].map((i) => (i.href === current ? { ...i, active: true } : i))
}

/** Where each signed-in person starts: Key Adults at their notifications, officers and desks at their force's incidents, boards at the dashboard. */
export function homeOf(role: Role): string {
  return role === 'police' ? '/incidents' : role === 'dsl' ? '/notifications' : '/dashboard'
}

export function registerPages(app: FastifyInstance): void {
  app.decorateReply('page', function (this: FastifyReply, template: string, context: PageContext = {}, status = 200) {
    const principal = this.request.principal
    const signedIn = Boolean(principal?.sessionId)
    const path = this.request.url.split('?')[0] ?? ''
    const defaults = signedIn && principal
      ? { navigation: navigationFor(principal, path), homeUrl: homeOf(principal.role) }
      : {}
    return this.code(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(renderPage(template, { signedIn, ...defaults, ...context }))
  })
}
