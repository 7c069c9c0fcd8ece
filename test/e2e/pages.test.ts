// What every page stands on: its CSS and script come from the service itself (nothing from a CDN),
// under a strict CSP (self only, no inline script or style), cached for a year under a content
// hash; GOV.UK's gov.uk-only typeface is not served; text reaching a page is escaped; a browser
// gets pages for errors, a program gets problem+json.
import t from 'tap'
import { govukCssWithoutGdsTransport } from '../../src/http/assets.js'
import { ackUrl } from '../../src/domain/ack-links.js'
import { processMatch } from '../../src/queue/match-worker.js'
import { aSchool, anIncident, createHarness } from '../helpers/harness.js'

const h = await createHarness({ workers: false })
t.teardown(() => h.close())
const html = { accept: 'text/html' }
const signIn = await h.app.inject({ method: 'GET', url: '/dashboard/login', headers: html })
const assetsOf = (body: string) => [...body.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]!).filter((u) => u.startsWith('/assets/'))

t.test('a page loads only its own assets, under a strict CSP', async (t) => {
  t.equal(signIn.statusCode, 200)
  const csp = String(signIn.headers['content-security-policy'])
  for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "form-action 'self'", "frame-ancestors 'none'"]) {
    t.ok(csp.split(';').some((d) => d.trim() === directive), `CSP has ${directive}`)
  }
  t.notMatch(csp, /unsafe-inline|unsafe-eval/, 'no inline script or style allowed on the pages')
  t.equal(signIn.headers['referrer-policy'], 'same-origin', 'our URLs never reach another site')
  t.notMatch(signIn.body, /<script>|<script [^>]*>[^<]+<\/script>|<style|style="/, 'no inline script or style in the page')
  t.notMatch(signIn.body, /(?:href|src)="(?:https?:)?\/\//, 'nothing loaded from another host')
  const assets = assetsOf(signIn.body)
  t.same(assets.map((a) => a.split('?')[0]).sort(), ['/assets/app.css', '/assets/app.mjs', '/assets/govuk-frontend.min.css', '/assets/js-enabled.js'])
  for (const url of assets) {
    const res = await h.app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 200, url)
    t.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable', `${url}: cached for a year under its hash`)
    t.match(res.headers['content-type'], url.includes('.css') ? /^text\/css/ : /^text\/javascript/)
    const unversioned = await h.app.inject({ method: 'GET', url: url.split('?')[0]!, headers: { 'if-none-match': String(res.headers.etag) } })
    t.equal(unversioned.statusCode, 304, `${url}: without its hash it revalidates`)
    t.equal(unversioned.headers['cache-control'], 'no-cache')
  }
  const app = await h.app.inject({ method: 'GET', url: assets.find((a) => a.startsWith('/assets/app.mjs'))! })
  t.match(app.body, /^import \{ initAll \} from '\/assets\/govuk-frontend\.min\.js\?v=[A-Za-z0-9_-]+'/, 'the module imports GOV.UK Frontend by its hash')
  t.equal((await h.app.inject({ method: 'GET', url: app.body.split("'")[1]! })).headers['cache-control'], 'public, max-age=31536000, immutable')
})

t.test('GOV.UK’s typeface, licensed for gov.uk only, is neither named nor served', async (t) => {
  const css = await h.app.inject({ method: 'GET', url: '/assets/govuk-frontend.min.css' })
  t.notMatch(css.body, /GDS Transport|@font-face|\/assets\/fonts\//)
  t.match(css.body, /font-family:arial,sans-serif/)
  t.match(css.body, /\.govuk-button\{/, 'the rest of the stylesheet is intact')
  t.throws(() => govukCssWithoutGdsTransport('.x{font-family:"GDS Transport",serif}'), /still names GDS Transport/, 'a package whose CSS changed shape stops start-up')
  for (const url of ['/assets/fonts/bold-b542beb274-v2.woff2', '/assets/images/govuk-crest.svg', '/assets/../package.json', '/assets/%2e%2e%2fpackage.json', '/assets/app.css/x']) {
    t.equal((await h.app.inject({ method: 'GET', url })).statusCode, 404, `${url}: not served`)
  }
})

t.test('whatever reaches a page is escaped: setting names, references, what a person types', async (t) => {
  const typed = `<script>alert(1)</script>"'&${'x'.repeat(100)}`
  const admin = await h.token('admin')
  const police = await h.token('police', 'cleveland')
  const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
  await h.app.inject({ method: 'PUT', url: '/v1/schools/111234', headers: json(admin), payload: aSchool({ name: 'Example <b>Primary</b> & "Co"' }) })
  const posted = await h.app.inject({ method: 'POST', url: '/v1/incidents', headers: json(police), payload: anIncident({ reference: 'REF-<i>1</i>' }) })
  t.equal(posted.statusCode, 202)
  await processMatch(h.services, posted.json().children[0].id)
  const { rows } = await h.services.db.query('SELECT id FROM notifications')
  const path = ackUrl('', h.services.config.ACK_LINK_SECRET, rows[0].id)
  const page = await h.app.inject({ method: 'GET', url: path })
  t.match(page.body, /Example &lt;b&gt;Primary&lt;\/b&gt; &amp; &quot;Co&quot;/, 'a setting’s name is text')
  t.match(page.body, /REF-&lt;i&gt;1&lt;\/i&gt;/, 'and so is a reference')
  const res = await h.app.inject({
    method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: h.services.config.PUBLIC_BASE_URL },
    payload: `name=${encodeURIComponent(typed)}`,
  })
  t.equal(res.statusCode, 400)
  t.notOk(res.body.includes('<script>alert(1)</script>'), 'the typed text is not markup')
  t.match(res.body, /value="&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;&#39;&amp;x/)
})

t.test('a browser gets a page for an error, a program gets problem+json', async (t) => {
  const page = await h.app.inject({ method: 'GET', url: '/no-such-page', headers: html })
  t.equal(page.statusCode, 404)
  t.match(page.headers['content-type'], /^text\/html/)
  t.match(page.body, /Page not found/)
  const program = await h.app.inject({ method: 'GET', url: '/no-such-page' })
  t.match(program.headers['content-type'], /^application\/problem\+json/)
  const api = await h.app.inject({ method: 'GET', url: '/v1/no-such-thing', headers: html })
  t.match(api.headers['content-type'], /^application\/problem\+json/, 'the API answers in JSON whatever the Accept')
  const badQuery = await h.app.inject({ method: 'GET', url: '/dashboard?from=yesterday', headers: { ...html, authorization: `Bearer ${await h.token('auditor')}` } })
  t.equal(badQuery.statusCode, 400)
  t.match(badQuery.body, /Sorry, there is a problem with that request/)
})
