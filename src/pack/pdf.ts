// HTML to PDF through headless Chromium (Debian's chromium, driven by playwright-core; no browser
// download). The page is given as a string and may fetch nothing: every request it makes is refused.
import { existsSync } from 'node:fs'
import { chromium } from 'playwright-core'

export class PdfUnavailableError extends Error {}

export async function htmlToPdf(html: string, chromiumPath: string): Promise<Buffer> {
  if (!existsSync(chromiumPath)) throw new PdfUnavailableError(`Chromium not found at ${chromiumPath}: install Debian's chromium package or set CHROMIUM_PATH`)
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run', '--disable-extensions'],
  })
  try {
    const context = await browser.newContext({ javaScriptEnabled: false })
    await context.route('**/*', (route) => route.abort())
    const page = await context.newPage()
    await page.setContent(html, { waitUntil: 'load' })
    return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true })
  } finally {
    await browser.close()
  }
}
