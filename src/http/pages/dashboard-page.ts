// The boards' dashboard's figures: server-rendered HTML with inline SVG charts, no script, shown
// inside the pages' layout (views/dashboard.njk). Every chart has its figures beside it in a plain
// table, so it reads without the chart and prints well. Aggregates only: keys are months, local
// authorities, weekdays and stages. Every value is escaped here.
import type { LatencyRow, Percentiles2, Percentiles4 } from '../../domain/latency.js'
import { longPlainDate } from '../format.js'

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
  /** The LA or force the figures are narrowed to, if any, and what may be chosen. */
  filter?: { la?: string | undefined; force?: string | undefined }
  choices?: { las: string[]; forces: string[] }
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
  return `<svg id="${opts.id}" class="enc-chart" role="img" aria-label="${esc(title)}" viewBox="0 0 ${w} ${h}" width="100%" preserveAspectRatio="xMidYMid meet">
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
  return `<svg id="chart-stages" class="enc-chart" role="img" aria-label="Where the time goes" viewBox="0 0 ${w} ${10 + stages.length * rowH}" width="100%">${bars}</svg>`
}

function table(headers: string[], rows: string[][], id: string, caption: string): string {
  const numeric = (i: number) => (i === 0 ? '' : ' govuk-table__header--numeric')
  // A wide table scrolls inside its own box on a phone; the box takes focus so a keyboard can scroll it.
  return `<div class="enc-figures" tabindex="0" role="region" aria-label="${esc(caption)}"><table class="govuk-table govuk-!-font-size-16" id="${id}"><caption class="govuk-table__caption govuk-visually-hidden">${esc(caption)}</caption>
<thead class="govuk-table__head"><tr class="govuk-table__row">${headers.map((h, i) => `<th scope="col" class="govuk-table__header${numeric(i)}">${esc(h)}</th>`).join('')}</tr></thead>
<tbody class="govuk-table__body">${rows.map((r) => `<tr class="govuk-table__row">${r.map((c, i) => (i === 0 ? `<th scope="row" class="govuk-table__header">${esc(c)}</th>` : `<td class="govuk-table__cell govuk-table__cell--numeric">${esc(c)}</td>`)).join('')}</tr>`).join('\n')}</tbody></table></div>`
}

/** The month before the one `date` (YYYY-MM-DD) falls in, as YYYY-MM: the last whole month. */
export function previousMonth(date: string): string {
  const y = Number(date.slice(0, 4))
  const m = Number(date.slice(5, 7))
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
}

/** The monthly board pack: an LA and a month, by GET (it only reads), answered with a PDF. */
function packForm(d: DashboardData): string {
  const las = d.byLa.map((r) => r.key).filter((k): k is string => k !== null && /^[0-9]{3}$/.test(k))
  const laField = las.length
    ? `<div class="govuk-form-group"><label class="govuk-label" for="pack-la">Local authority</label>
<select class="govuk-select" id="pack-la" name="la">${las.map((k) => `<option value="${esc(k)}">${esc(d.laNames[k] ?? 'LA')} (${esc(k)})</option>`).join('')}</select></div>`
    : `<div class="govuk-form-group"><label class="govuk-label" for="pack-la">Local authority code</label>
<div class="govuk-hint" id="pack-la-hint">3 digits, for example 808</div>
<input class="govuk-input govuk-input--width-3" id="pack-la" name="la" type="text" inputmode="numeric" aria-describedby="pack-la-hint"></div>`
  return `<section class="enc-section" id="board-pack"><h2 class="govuk-heading-m">Monthly board pack</h2>
<p class="govuk-body">A PDF of one local authority’s month: how quickly schools were told, the board’s other figures, charts and a plain-English summary. Counts from 1 to 4 are not shown.</p>
<form method="get" action="/dashboard/pack.pdf" novalidate>
${laField}
<div class="govuk-form-group"><label class="govuk-label" for="pack-month">Month</label>
<div class="govuk-hint" id="pack-month-hint">As year and month, for example ${esc(previousMonth(d.to))}</div>
<input class="govuk-input govuk-input--width-5" id="pack-month" name="month" type="text" value="${esc(previousMonth(d.to))}" aria-describedby="pack-month-hint"></div>
<button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Download the board pack (PDF)</button>
</form></section>`
}

/** The range and narrowing, by GET (it only reads): dates, and one LA or force, or all. */
function filterForm(d: DashboardData): string {
  const option = (value: string, text: string, selected: boolean) => `<option value="${esc(value)}"${selected ? ' selected' : ''}>${esc(text)}</option>`
  const las = d.choices?.las ?? []
  const forces = d.choices?.forces ?? []
  const date = (id: string, label: string, value: string) =>
    `<div class="govuk-form-group enc-filter__item"><label class="govuk-label" for="${id}">${label}</label>
<input class="govuk-input govuk-input--width-10" id="${id}" name="${id}" type="date" value="${esc(value)}"></div>`
  return `<form method="get" action="/dashboard" class="enc-filter" id="dashboard-filter" novalidate>
<fieldset class="govuk-fieldset"><legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Which incidents</legend>
${date('from', 'From', d.from)}
${date('to', 'To', d.to)}
<div class="govuk-form-group enc-filter__item"><label class="govuk-label" for="la">Local authority</label>
<select class="govuk-select" id="la" name="la">${option('', 'All', !d.filter?.la)}${las.map((k) => option(k, `${d.laNames[k] ?? 'LA'} (${k})`, d.filter?.la === k)).join('')}</select></div>
<div class="govuk-form-group enc-filter__item"><label class="govuk-label" for="force">Police force</label>
<select class="govuk-select" id="force" name="force">${option('', 'All', !d.filter?.force)}${forces.map((f) => option(f, f, d.filter?.force === f)).join('')}</select></div>
<button type="submit" class="govuk-button" data-module="govuk-button">Show figures</button>
</fieldset></form>`
}

export function renderDashboard(d: DashboardData, csvBase: string): string {
  const o = d.overall
  const narrowed = `${d.filter?.la ? `&amp;la=${esc(d.filter.la)}` : ''}${d.filter?.force ? `&amp;force=${esc(d.filter.force)}` : ''}`
  const csv = (groupBy: string) => `${csvBase}?from=${d.from}&amp;to=${d.to}&amp;groupBy=${groupBy}${narrowed}`
  const laName = (k: string | null) => (k ? `${d.laNames[k] ?? 'LA'} (${k})` : '')
  const rowFigures = (label: (k: string | null) => string, rows: LatencyRow[]) =>
    rows.map((r) => [label(r.key), String(r.notifications), pct(r.onTimeRate), humanDuration(r.policeToSentSeconds.p50), humanDuration(r.policeToSentSeconds.p90)])
  const figHeaders = (first: string) => [first, 'Notifications', 'Told in time', 'Typical delay (median)', '90% told within']
  const totalBucket = Math.max(1, d.delayDistribution.reduce((a, b) => a + b.count, 0))

  const kpi = (label: string, id: string, value: string) =>
    `<div class="enc-kpi">${esc(label)}<span class="enc-kpi__value" id="${id}">${esc(value)}</span></div>`
  const section = (heading: string, chart: string, figures: string, after = '') =>
    `<section class="enc-section"><h2 class="govuk-heading-m">${esc(heading)}</h2><div class="enc-pair">\n${chart}\n${figures}\n</div>${after}</section>`
  const download = (groupBy: string) => `<p class="govuk-body"><a class="govuk-link" href="${csv(groupBy)}" download>Download these figures (CSV)</a></p>`

  return `<h1 class="govuk-heading-l">How quickly schools are told</h1>
<p class="govuk-body">Incidents the police became aware of from <b>${esc(longPlainDate(d.from))}</b> to <b>${esc(longPlainDate(d.to))}</b> (UK time).
“Told in time” means the school’s Key Adult was e-mailed before the start of the next school day.
The delay is from the moment the police became aware to the moment the e-mail was accepted for delivery.</p>
${filterForm(d)}
${d.filter?.la || d.filter?.force ? `<p class="govuk-body" id="narrowed">Showing ${[d.filter.la ? `local authority ${esc(d.laNames[d.filter.la] ?? '')} (${esc(d.filter.la)})` : '', d.filter.force ? `force ${esc(d.filter.force)}` : ''].filter(Boolean).join(' and ')} only. <a class="govuk-link" href="/dashboard?from=${d.from}&amp;to=${d.to}">Show all</a></p>` : ''}
<div class="enc-kpis" id="kpis">
${kpi('Notifications', 'kpi-notifications', o.notifications.toLocaleString('en-GB'))}
${kpi('Told in time', 'kpi-ontime', pct(o.onTimeRate))}
${kpi('Typical delay', 'kpi-median', humanDuration(o.policeToSentSeconds.p50))}
${kpi('90% told within', 'kpi-p90', humanDuration(o.policeToSentSeconds.p90))}
${kpi('Acknowledged by the school', 'kpi-ack', pct(o.notifications ? o.acknowledged / o.notifications : 0))}
</div>
${section('Told in time, month by month',
    columnChart('Share of notifications sent before the start of the school day, by month', d.byMonth.map((r) => ({ label: monthLabel(r.key), value: r.onTimeRate, text: pct(r.onTimeRate) })), { max: 1, id: 'chart-ontime-month' }),
    table(figHeaders('Month'), rowFigures(monthLabel, d.byMonth), 'table-month', 'Told in time by month'), download('month'))}
${section('How long until the school is told',
    columnChart('Number of notifications by delay from police awareness to e-mail', d.delayDistribution.map((b) => ({ label: b.label, value: b.count, text: String(b.count) })), { id: 'chart-delay', colour: '#4c2c92' }),
    table(['Delay', 'Notifications', 'Share'], d.delayDistribution.map((b) => [b.label, String(b.count), pct(b.count / totalBucket)]), 'table-delay', 'Notifications by delay'))}
${section('Where the time goes', stageChart(o),
    table(['Stage', 'Median', '90% within'], [
      ['Police review (aware → received)', humanDuration(o.stages.policeToReceived.p50), humanDuration(o.stages.policeToReceived.p90)],
      ['This service (received → sent)', humanDuration(o.stages.receivedToSent.p50), humanDuration(o.stages.receivedToSent.p90)],
      ['The school (sent → acknowledged)', humanDuration(o.stages.sentToAcknowledged.p50), humanDuration(o.stages.sentToAcknowledged.p90)],
    ], 'table-stages', 'Time taken by each stage'),
    '<p class="govuk-body-s">Darker bar: the median. Lighter bar: 90% of notifications were within this.</p>')}
${section('Local authorities compared',
    columnChart('Told in time by local authority', d.byLa.map((r) => ({ label: laName(r.key), value: r.onTimeRate, text: pct(r.onTimeRate) })), { max: 1, id: 'chart-la', colour: '#00703c' }),
    table(figHeaders('Local authority'), rowFigures(laName, d.byLa), 'table-la', 'Told in time by local authority'), download('la'))}
${section('Day of the week the police became aware',
    columnChart('Typical delay by weekday', d.byWeekday.map((r) => ({ label: (r.key ?? '').slice(0, 3), value: (r.policeToSentSeconds.p50 ?? 0) / 3600, text: humanDuration(r.policeToSentSeconds.p50) })), { id: 'chart-weekday', colour: '#f47738' }),
    table(figHeaders('Weekday'), rowFigures((k) => k ?? '', d.byWeekday), 'table-weekday', 'Delay by weekday'), download('weekday'))}
${packForm(d)}
<p class="govuk-body-s">Aggregate figures only: no child, family or address appears on this page. Source: encompass-notify notification timestamps.</p>`
}
