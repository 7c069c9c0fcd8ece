// The pages' CSS and JavaScript, served by the service itself (nothing from a CDN, so the CSP can
// stay 'self'): GOV.UK Frontend's compiled files from node_modules, and our own small additions.
// Every file is read once at start-up and held in memory; a request names one of them and nothing
// else, so no path from a request ever reaches the file system.
//
// Two departures from the package as shipped, both because this service is not on GOV.UK:
// GDS Transport is licensed "for exclusive use on gov.uk" (the notice is in the CSS itself), so its
// @font-face rules are dropped and the pages use the package's own fallback, Arial; and no GOV.UK
// crown, crest or favicon is served or shown.
//
// Cache: each URL carries its file's content hash (`?v=`); a request with the current hash is
// cached for a year as immutable, anything else must revalidate (ETag), so a deploy never serves
// a stale file under a new page.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { pageAssetsDir } from '../paths.js'

interface Asset {
  body: Buffer
  type: string
  hash: string
}

const govukDist = join(dirname(createRequire(import.meta.url).resolve('govuk-frontend/package.json')), 'dist')
/** Where GOV.UK Frontend's Nunjucks macros are (`govuk/components/...`). */
export const govukTemplatesDir = govukDist

const withoutSourceMap = (text: string) => text.replace(/\n?\/[*/]# sourceMappingURL=\S+(?: \*\/)?\s*$/, '\n')

/** GOV.UK Frontend's CSS without the gov.uk-only typeface (see above). Throws if the package's CSS changed shape. */
export function govukCssWithoutGdsTransport(css: string): string {
  const out = withoutSourceMap(css)
    .replace(/\/\*![^*]*(?:\*(?!\/)[^*]*)*exclusive use on gov\.uk[^*]*(?:\*(?!\/)[^*]*)*\*\//g, '')
    .replace(/@font-face\{[^}]*\}/g, '')
    .replaceAll('font-family:GDS Transport,arial,sans-serif', 'font-family:arial,sans-serif')
  if (/GDS Transport|\/assets\/fonts\//.test(out)) {
    throw new Error('govuk-frontend CSS still names GDS Transport after removing it: check the package version')
  }
  return out
}

function asset(body: string | Buffer, type: string): Asset {
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body
  return { body: buf, type, hash: createHash('sha256').update(buf).digest('base64url').slice(0, 16) }
}

const assets = new Map<string, Asset>()
assets.set('govuk-frontend.min.css', asset(govukCssWithoutGdsTransport(readFileSync(join(govukDist, 'govuk/govuk-frontend.min.css'), 'utf8')), 'text/css; charset=utf-8'))
assets.set('govuk-frontend.min.js', asset(withoutSourceMap(readFileSync(join(govukDist, 'govuk/govuk-frontend.min.js'), 'utf8')), 'text/javascript; charset=utf-8'))
assets.set('app.css', asset(readFileSync(join(pageAssetsDir, 'app.css')), 'text/css; charset=utf-8'))
assets.set('upload-progress.js', asset(readFileSync(join(pageAssetsDir, 'upload-progress.js')), 'text/javascript; charset=utf-8'))
// What GOV.UK Frontend's template does in an inline script, as a file, so that script-src stays 'self'.
assets.set('js-enabled.js', asset(
  "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '')\n",
  'text/javascript; charset=utf-8',
))
assets.set('app.mjs', asset(
  `import { initAll } from '${assetUrl('govuk-frontend.min.js')}'\ninitAll()\n`,
  'text/javascript; charset=utf-8',
))

/** The URL of one of our assets, with its content hash. */
export function assetUrl(name: string): string {
  const a = assets.get(name)
  if (!a) throw new Error(`no asset named ${name}`)
  return `/assets/${name}?v=${a.hash}`
}

export function registerAssets(app: FastifyInstance): void {
  app.get('/assets/:name', { schema: { hide: true } }, async (request, reply) => {
    const { name } = request.params as { name: string }
    const a = assets.get(name)
    if (!a) return reply.callNotFound()
    const v = (request.query as Record<string, unknown>).v
    const etag = `"${a.hash}"`
    reply
      .type(a.type)
      .header('etag', etag)
      .header('cache-control', v === a.hash ? 'public, max-age=31536000, immutable' : 'no-cache')
    if (request.headers['if-none-match'] === etag) return reply.code(304).send()
    return reply.send(a.body)
  })
}
