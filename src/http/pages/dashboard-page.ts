// The boards' dashboard: server-rendered HTML with inline SVG charts, no script, no external
// assets. Every chart has its figures beside it in a plain table, so it reads without the chart
// and prints well. Aggregates only: keys are months, local authorities, weekdays and stages.
import type { LatencyRow, Percentiles2, Percentiles4 } from '../../domain/latency.js'

type Percentiles = Percentiles2 & Partial<Percentiles4>

export interface DelayBucket {
  label: string
  count: number
}

export interface DashboardData {
  from: string
  to: string
  overall: LatencyRow
  byMonth: LatencyRow[]
  byLa: LatencyRow[]
  byWeekday: LatencyRow[]
  delayDistribution: DelayBucket[]
  laNames: Record<string, string>
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
const pct = (r: number) => `${(r * 100).toFixed(1)}%`

/** Seconds as a person would say them: "45 s", "12 min", "3.4 h", "1.6 days". */
export function humanDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '–'
  if (seconds < 90) return `${Math.round(seconds)} s`
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`
  if (seconds < 36 * 3600) return `${(seconds / 3600).toFixed(1)} h`
  return `${(seconds / 86400).toFixed(1)} days`
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const monthLabel = (key: string | null) => {
  if (!key) return ''
  const [y, m] = key.split('-')
  return `${MONTHS[Number(m) - 1] ?? m} ${y?.slice(2)}`
}

interface Bar {
  label: string
  value: number
  text: string
}

/** A vertical bar chart; values scaled to the largest (or to `max`). */
function columnChart(title: string, bars: Bar[], opts: { max?: number; id: string; colour?: string }): string {
  const w = 640
  const h = 220
  const pad = { l: 10, r: 10, t: 24, b: 40 }
  const max = opts.max ?? Math.max(1, ...bars.map((b) => b.value))
  const slot = (w - pad.l - pad.r) / Math.max(1, bars.length)
  const bw = Math.max(4, slot * 0.7)
  const body = bars
    .map((b, i) => {
      const bh = ((h - pad.t - pad.b) * b.value) / max
      const x = pad.l + i * slot + (slot - bw) / 2
      const y = h - pad.b - bh
      return `<g><rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${bw.toFixed(1)}" height="${bh.toFixed(1)}" fill="${opts.colour ?? '#1d70b8'}"><title>${esc(b.label)}: ${esc(b.text)}</title></rect>
<text x="${(x + bw / 2).toFixed(1)}" y="${(y - 4).toFixed(1)}" font-size="10" text-anchor="middle">${esc(b.text)}</text>
<text x="${(x + bw / 2).toFixed(1)}" y="${h - pad.b + 14}" font-size="10" text-anchor="middle">${esc(b.label)}</text></g>`
    })
    .join('\n')
  return `<svg id="${opts.id}" class="chart" role="img" aria-label="${esc(title)}" viewBox="0 0 ${w} ${h}" width="100%" preserveAspectRatio="xMidYMid meet">
<line x1="${pad.l}" y1="${h - pad.b}" x2="${w - pad.r}" y2="${h - pad.b}" stroke="#505a5f"/>${body}</svg>`
}

/** Horizontal bars for the three stages, so "where the time goes" reads left to right. */
function stageChart(row: LatencyRow): string {
  const stages: [string, Percentiles, string][] = [
    ['Police review (aware → received)', row.stages.policeToReceived, '#f47738'],
    ['This service (received → sent)', row.stages.receivedToSent, '#00703c'],
    ['The school (sent → acknowledged)', row.stages.sentToAcknowledged, '#1d70b8'],
  ]
  const max = Math.max(1, ...stages.map(([, p]) => p.p90 ?? 0))
  const w = 640
  const rowH = 46
  const bars = stages
    .map(([label, p, colour], i) => {
      const y = 10 + i * rowH
      const w50 = ((w - 250) * (p.p50 ?? 0)) / max
      const w90 = ((w - 250) * (p.p90 ?? 0)) / max
      return `<g><text x="0" y="${y + 14}" font-size="12">${esc(label)}</text>
<rect x="240" y="${y}" width="${Math.max(1, w90).toFixed(1)}" height="18" fill="${colour}" opacity="0.35"><title>90th percentile ${humanDuration(p.p90)}</title></rect>
<rect x="240" y="${y}" width="${Math.max(1, w50).toFixed(1)}" height="18" fill="${colour}"><title>median ${humanDuration(p.p50)}</title></rect>
<text x="240" y="${y + 32}" font-size="10">median ${humanDuration(p.p50)} · 90% within ${humanDuration(p.p90)}</text></g>`
    })
    .join('\n')
  return `<svg id="chart-stages" class="chart" role="img" aria-label="Where the time goes" viewBox="0 0 ${w} ${10 + stages.length * rowH}" width="100%">${bars}</svg>`
}

function table(headers: string[], rows: string[][], id: string): string {
  return `<table id="${id}"><thead><tr>${headers.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>
<tbody>${rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join('')}</tr>`).join('\n')}</tbody></table>`
}

export function renderDashboard(d: DashboardData, csvBase: string): string {
  const o = d.overall
  const csv = (groupBy: string) => `${csvBase}?from=${d.from}&amp;to=${d.to}&amp;groupBy=${groupBy}`
  const laName = (k: string | null) => (k ? `${d.laNames[k] ?? 'LA'} (${k})` : '')
  const rowFigures = (label: (k: string | null) => string, rows: LatencyRow[]) =>
    rows.map((r) => [label(r.key), String(r.notifications), pct(r.onTimeRate), humanDuration(r.policeToSentSeconds.p50), humanDuration(r.policeToSentSeconds.p90)])
  const figHeaders = ['', 'Notifications', 'Told in time', 'Typical delay (median)', '90% told within']
  const totalBucket = Math.max(1, d.delayDistribution.reduce((a, b) => a + b.count, 0))

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Operation Encompass: how quickly schools are told</title>
<style>
body{font-family:Arial,Helvetica,sans-serif;color:#0b0c0c;margin:0;line-height:1.45}
header{background:#0b0c0c;color:#fff;padding:12px 24px}header h1{margin:0;font-size:1.4rem}
main{max-width:1100px;margin:0 auto;padding:16px 24px}
.kpis{display:flex;flex-wrap:wrap;gap:16px;margin:16px 0}.kpi{border-left:6px solid #1d70b8;padding:8px 16px;background:#f3f2f1;min-width:180px}
.kpi b{display:block;font-size:1.8rem}
section{margin:28px 0;border-top:1px solid #b1b4b6;padding-top:8px}
.pair{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:24px;align-items:start}
@media (max-width:800px){.pair{grid-template-columns:1fr}}
table{border-collapse:collapse;font-size:.9rem;width:100%}th,td{border-bottom:1px solid #b1b4b6;padding:4px 6px;text-align:right}
th:first-child,td:first-child{text-align:left}
p.note{color:#505a5f;font-size:.9rem}a{color:#1d70b8}
</style></head><body>
<header><h1>Operation Encompass: how quickly schools are told</h1></header>
<main>
<p>Incidents the police became aware of from <b>${esc(d.from)}</b> to <b>${esc(d.to)}</b> (UK time).
"Told in time" means the school's Key Adult was e-mailed before the start of the next school day.
The delay is from the moment the police became aware to the moment the e-mail was accepted for delivery.</p>
<div class="kpis" id="kpis">
<div class="kpi">Notifications<b id="kpi-notifications">${o.notifications.toLocaleString('en-GB')}</b></div>
<div class="kpi">Told in time<b id="kpi-ontime">${pct(o.onTimeRate)}</b></div>
<div class="kpi">Typical delay<b id="kpi-median">${humanDuration(o.policeToSentSeconds.p50)}</b></div>
<div class="kpi">90% told within<b id="kpi-p90">${humanDuration(o.policeToSentSeconds.p90)}</b></div>
<div class="kpi">Acknowledged by the school<b id="kpi-ack">${pct(o.notifications ? o.acknowledged / o.notifications : 0)}</b></div>
</div>

<section><h2>Told in time, month by month</h2><div class="pair">
${columnChart('Share of notifications sent before the start of the school day, by month', d.byMonth.map((r) => ({ label: monthLabel(r.key), value: r.onTimeRate, text: pct(r.onTimeRate) })), { max: 1, id: 'chart-ontime-month' })}
${table(figHeaders, rowFigures(monthLabel, d.byMonth), 'table-month')}
</div><p><a href="${csv('month')}" download>Download these figures (CSV)</a></p></section>

<section><h2>How long until the school is told</h2><div class="pair">
${columnChart('Number of notifications by delay from police awareness to e-mail', d.delayDistribution.map((b) => ({ label: b.label, value: b.count, text: String(b.count) })), { id: 'chart-delay', colour: '#4c2c92' })}
${table(['Delay', 'Notifications', 'Share'], d.delayDistribution.map((b) => [b.label, String(b.count), pct(b.count / totalBucket)]), 'table-delay')}
</div></section>

<section><h2>Where the time goes</h2><div class="pair">
${stageChart(o)}
${table(['Stage', 'Median', '90% within'], [
    ['Police review (aware → received)', humanDuration(o.stages.policeToReceived.p50), humanDuration(o.stages.policeToReceived.p90)],
    ['This service (received → sent)', humanDuration(o.stages.receivedToSent.p50), humanDuration(o.stages.receivedToSent.p90)],
    ['The school (sent → acknowledged)', humanDuration(o.stages.sentToAcknowledged.p50), humanDuration(o.stages.sentToAcknowledged.p90)],
  ], 'table-stages')}
</div><p class="note">Darker bar: the median. Lighter bar: 90% of notifications were within this.</p></section>

<section><h2>Local authorities compared</h2><div class="pair">
${columnChart('Told in time by local authority', d.byLa.map((r) => ({ label: laName(r.key), value: r.onTimeRate, text: pct(r.onTimeRate) })), { max: 1, id: 'chart-la', colour: '#00703c' })}
${table(figHeaders, rowFigures(laName, d.byLa), 'table-la')}
</div><p><a href="${csv('la')}" download>Download these figures (CSV)</a></p></section>

<section><h2>Day of the week the police became aware</h2><div class="pair">
${columnChart('Typical delay by weekday', d.byWeekday.map((r) => ({ label: (r.key ?? '').slice(0, 3), value: (r.policeToSentSeconds.p50 ?? 0) / 3600, text: humanDuration(r.policeToSentSeconds.p50) })), { id: 'chart-weekday', colour: '#f47738' })}
${table(figHeaders, rowFigures((k) => k ?? '', d.byWeekday), 'table-weekday')}
</div><p><a href="${csv('weekday')}" download>Download these figures (CSV)</a></p></section>

<p class="note">Aggregate figures only: no child, family or address appears on this page. Source: encompass-notify notification timestamps.</p>
</main></body></html>`
}
