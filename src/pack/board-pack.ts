// The monthly board pack as a document: the LA's month of the board report (flows/board-report.ts,
// already suppressed), worded by domain/board-pack.ts, laid out as one self-contained HTML page
// (inline styles and SVG bars: nothing fetched) and printed to PDF by headless Chromium (pdf.ts).
// Used by `cli report pack` and the dashboard's "Download the board pack" button.
import { boardPack, monthRange, type BoardPack, type PackGroup, type Withheld } from '../domain/board-pack.js'
import { boardReport, type BoardReportDeps } from '../flows/board-report.js'
import { laNameOf } from '../store/la-contacts-store.js'

/** The pack's figures for one LA and month (YYYY-MM). */
export async function boardPackFor(deps: BoardReportDeps, q: { la: string; month: string }): Promise<BoardPack> {
  const range = monthRange(q.month)
  if ('error' in range) throw new RangeError(`month ${range.error}`)
  // The whole LA report is suppressed as one, so the LA's row withholds what the JSON and CSV withhold.
  const report = await boardReport(deps, { from: range.from, to: range.to, groupBy: 'la' })
  const index = report.rows.findIndex((r) => r.key === q.la)
  const why = (field: string): Withheld =>
    index < 0 ? null : report.small.has(`${index}|${field}`) ? 'small' : report.complements.has(`${index}|${field}`) ? 'complement' : null
  return boardPack({ la: q.la, laName: laNameOf(q.la), month: q.month }, index < 0 ? null : report.rows[index]!, why)
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

function chart(g: PackGroup, i: number): string {
  const rows = g.figures
    .map((f) => {
      const bar = f.share === null ? '' : `<svg width="200" height="14" aria-hidden="true"><rect width="${(200 * Math.min(1, f.share)).toFixed(1)}" height="14" fill="#1d70b8"/></svg>`
      return `<tr><th scope="row">${esc(f.label)}</th><td class="n">${esc(f.text)}</td><td class="bar">${bar}</td></tr>`
    })
    .join('\n')
  return `<section class="chart" id="chart-${i}"><h3>${esc(g.heading)}</h3><table><tbody>${rows || '<tr><td>None this month</td></tr>'}</tbody></table></section>`
}

/** The pack as one HTML document, for printing (and for a person to read as it is). */
export function boardPackHtml(p: BoardPack, generatedAt: Date): string {
  const place = p.laName ? `${p.laName} (LA ${p.la})` : `LA ${p.la}`
  const title = `Operation Encompass board pack: ${place}, ${p.monthName}`
  const headline = p.headline.map((f) => `<tr><th scope="row">${esc(f.label)}</th><td class="n">${esc(f.text)}</td></tr>`).join('\n')
  return `<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
  @page { size: A4; margin: 16mm 14mm; }
  body { font-family: Arial, "Helvetica Neue", Helvetica, sans-serif; font-variant-ligatures: none; color: #0b0c0c; font-size: 11pt; line-height: 1.35; }
  h1 { font-size: 20pt; margin: 0 0 4pt; } h2 { font-size: 14pt; margin: 14pt 0 6pt; border-bottom: 2px solid #1d70b8; }
  h3 { font-size: 11.5pt; margin: 8pt 0 4pt; } .meta { color: #505a5f; margin: 0 0 10pt; }
  ul.reading { padding-left: 16pt; } ul.reading li { margin-bottom: 4pt; }
  table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 2pt 6pt 2pt 0; border-bottom: 1px solid #b1b4b6; font-weight: normal; }
  td.n { text-align: right; white-space: nowrap; width: 8em; } td.bar { width: 210px; }
  .charts { display: grid; grid-template-columns: 1fr 1fr; column-gap: 16pt; } .chart { break-inside: avoid; }
  .note { color: #505a5f; font-size: 9pt; margin-top: 12pt; }
</style></head>
<body>
<h1>Operation Encompass: board pack</h1>
<p class="meta">${esc(place)} · ${esc(p.monthName)} (incidents the police knew of from ${esc(p.from)} to ${esc(p.to)}, UK time) · produced ${esc(generatedAt.toISOString().slice(0, 10))}</p>
<h2>The month in brief</h2>
<ul class="reading">${p.reading.map((s) => `<li>${esc(s)}</li>`).join('\n')}</ul>
<h2>Timeliness and follow-through</h2>
<table id="headline"><tbody>${headline}</tbody></table>
<h2>Who the notifications were about</h2>
<div class="charts">${p.charts.map(chart).join('\n')}</div>
<p class="note">“&lt;5” is a count from 1 to 4, not shown so that no child can be recognised. “[c]” is a figure withheld so that
a count under 5 cannot be worked out from the others. “–” means there is nothing to measure, or too few children to show it.
“Before the next school day” means the setting’s Key Adult was e-mailed before the start of the child’s next school day.
Aggregate figures only: no child, family or address appears in this pack. Source: encompass-notify.</p>
</body></html>`
}
