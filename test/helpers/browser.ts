// Pages as people meet them: Debian's Chromium driven by playwright-core (no browser download),
// with axe-core run inside each page. A page test is then a few lines:
//
//   const browser = await launchBrowser(t)          // fails the test if Chromium is missing
//   const page = await openPage(browser)            // collects console errors and CSP refusals
//   await page.goto(url)
//   await expectNoSeriousAxeViolations(t, page)     // 0 serious or critical accessibility faults
//   t.same(consoleProblems(page), [])
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** The little of a tap test these helpers use. */
interface Tap {
  fail(message: string): unknown
  teardown(fn: () => unknown): unknown
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  same(found: any, wanted: any, message: string): unknown
}

/** Headless Chromium, closed when the test ends; null (and a failure) when it is not installed. */
export async function launchBrowser(t: Tap): Promise<Browser | null> {
  if (!existsSync(CHROMIUM)) {
    t.fail(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (.ci/run does)`)
    return null
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync', '--disable-extensions', '--disable-dev-shm-usage'],
  })
  t.teardown(() => browser.close())
  return browser
}

const problems = new WeakMap<Page, string[]>()

/** A page in a fresh context (its own cookies) that records console errors, page errors and CSP refusals. */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 }, ...options })
  const page = await context.newPage()
  const seen: string[] = []
  problems.set(page, seen)
  page.on('console', (m) => m.type() === 'error' && seen.push(m.text()))
  page.on('pageerror', (e) => seen.push(e.message))
  return page
}

/** Console errors since the page was opened (or since the last call with `clear`). */
export function consoleProblems(page: Page, clear = false): string[] {
  const seen = problems.get(page) ?? []
  const out = [...seen]
  if (clear) seen.length = 0
  return out
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export interface AxeFinding {
  id: string
  impact: string
  help: string
  targets: string[]
}

/** Runs axe-core in the page (WCAG 2.2 A and AA, and best practice) and returns what it found. */
export async function axeFindings(page: Page): Promise<AxeFinding[]> {
  // Evaluated through the DevTools protocol, so the page's CSP (script-src 'self') still holds for
  // the page itself: an inline script of ours would show as a console error.
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeSource)
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    })
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }))
  })
}

/** Fails the test for every serious or critical accessibility fault axe finds on the page. */
export async function expectNoSeriousAxeViolations(t: Tap, page: Page, label = page.url()): Promise<AxeFinding[]> {
  const findings = await axeFindings(page)
  const serious = findings.filter((f) => f.impact === 'serious' || f.impact === 'critical')
  t.same(serious.map((f) => `${f.impact} ${f.id}: ${f.help} (${f.targets.join(', ')})`), [], `${label}: no serious or critical accessibility faults`)
  return findings
}

/** Whether the page fits a 320 px wide screen without sideways scrolling. */
export async function fitsNarrowScreen(page: Page): Promise<boolean> {
  const size = page.viewportSize()
  await page.setViewportSize({ width: 320, height: 640 })
  const fits = await page.evaluate(() => document.documentElement.scrollWidth <= 320)
  if (size) await page.setViewportSize(size)
  return fits
}
