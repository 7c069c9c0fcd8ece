// The board's figures beyond timeliness (issue 16; GET /v1/reports/board): what each group's
// counts are, the sums that tie them together, and the report after small-number suppression
// (domain/suppression.ts): a count from 1 to 4 is never shown (null in JSON, "<5" in CSV) and a
// figure withheld so that another cannot be worked out by subtraction is null too ("[c]" in CSV).
// Pure: the store gives raw counts, this decides what is shown.
import { suppress, type Cell, type Sum } from './suppression.js'

export const BOARD_GROUP_BYS = ['force', 'la', 'month'] as const
export type BoardGroupBy = (typeof BOARD_GROUP_BYS)[number]

export const AGE_BANDS = ['0-4', '5-10', '11-15', '16-17', 'unknown'] as const
export const INCIDENT_TYPES = ['crime', 'non-crime'] as const
export const RISK_LEVELS = ['standard', 'medium', 'high', 'unknown', 'not-given'] as const
export const ESCALATION_REASONS = ['notAcknowledgedInTime', 'sentAfterDeadline', 'deliveryFailed'] as const

/** A group's counts as the store counts them (every count, including the remainders never shown). */
export interface BoardRaw {
  key: string | null
  childrenNotified: number
  notified2Plus: number
  notified3Plus: number
  ageBands: Record<(typeof AGE_BANDS)[number], number>
  settingTypes: Record<string, number>
  incidentTypes: Record<(typeof INCIDENT_TYPES)[number], number>
  riskLevels: Record<(typeof RISK_LEVELS)[number], number>
  knownOutOfSchoolHours: number
  sent: number
  /** Sent at or before the deadline: known to the setting before the next school day. */
  onTime: number
  /** Children told (a child with several settings once), and those told on time at every one of their settings (issue 14.2). */
  children: number
  childrenOnTime: number
  acknowledged: number
  escalated: number
  escalationReasons: Record<(typeof ESCALATION_REASONS)[number], number>
  deliveryFailures: number
  placedByOfficer: number
  /** Children in no setting told through their LA's children's services, and through its health visiting (issue 14.3). */
  toChildrensServices: number
  toHealthVisiting: number
  childrenUnplaced: number
  /** Seconds from the police knowing to the e-mail sent, over the sent notifications of the group. */
  policeToSentSeconds: { p50: number | null; p90: number | null }
  /** Seconds, over the acknowledged notifications of the group. */
  sentToAcknowledgedSeconds: { p50: number | null; p90: number | null }
  /** Seconds from held for review to placed by an officer. */
  reviewQueueSeconds: { p50: number | null; p90: number | null }
}

type Count = number | null
export interface BoardRow {
  key: string | null
  childrenNotified: Count
  notified2Plus: Count
  notified3Plus: Count
  ageBands: Record<string, Count>
  settingTypes: Record<string, Count>
  incidentTypes: Record<string, Count>
  riskLevels: Record<string, Count>
  knownOutOfSchoolHours: Count
  knownOutOfSchoolHoursShare: number | null
  sent: Count
  onTime: Count
  /** onTime / childrenNotified: the share known to their setting before the next school day. */
  onTimeRate: number | null
  /** Children told (once each, whatever their settings), and told on time at all their settings. */
  children: Count
  childrenOnTime: Count
  childrenOnTimeRate: number | null
  policeToSentSeconds: { p50: number | null; p90: number | null }
  acknowledged: Count
  acknowledgementRate: number | null
  sentToAcknowledgedSeconds: { p50: number | null; p90: number | null }
  escalated: Count
  escalationReasons: Record<string, Count>
  deliveryFailures: Count
  placedByOfficer: Count
  reviewQueueSeconds: { p50: number | null; p90: number | null }
  childrenUnplaced: Count
  /** Children in no setting told through the LA's children's services / health visiting (domain/no-setting.ts). */
  toChildrensServices: Count
  toHealthVisiting: Count
}

export interface BoardReport {
  from: string
  to: string
  groupBy: BoardGroupBy
  overall: BoardRow
  rows: BoardRow[]
  /** Which ids were withheld as small (1–4) and which as complements: CSV tells them apart. */
  withheld?: never
}

/** Every count of a raw row as a flat field → value, with the remainders (never shown) named `~…`. */
function flatten(r: BoardRaw, settingKeys: string[]): Map<string, Cell> {
  const m = new Map<string, Cell>()
  const shown = (f: string, v: number) => m.set(f, { value: v, shown: true })
  const hidden = (f: string, v: number) => m.set(f, { value: v, shown: false })
  /** A count shown, and what it leaves of `total` (by default the children notified) never shown. */
  const part = (f: 'knownOutOfSchoolHours' | 'sent' | 'onTime' | 'acknowledged' | 'escalated' | 'deliveryFailures' | 'placedByOfficer', rest: string, total = r.childrenNotified) => {
    shown(f, r[f])
    hidden(rest, total - r[f])
  }
  shown('childrenNotified', r.childrenNotified)
  shown('notified2Plus', r.notified2Plus)
  shown('notified3Plus', r.notified3Plus)
  hidden('~notifiedOnce', r.childrenNotified - r.notified2Plus)
  hidden('~notifiedTwice', r.notified2Plus - r.notified3Plus)
  for (const b of AGE_BANDS) shown(`ageBands.${b}`, r.ageBands[b])
  for (const s of settingKeys) shown(`settingTypes.${s}`, r.settingTypes[s] ?? 0)
  for (const i of INCIDENT_TYPES) shown(`incidentTypes.${i}`, r.incidentTypes[i])
  for (const k of RISK_LEVELS) shown(`riskLevels.${k}`, r.riskLevels[k])
  part('knownOutOfSchoolHours', '~inSchoolHours')
  part('sent', '~unsent')
  part('onTime', '~notOnTime')
  shown('children', r.children)
  shown('childrenOnTime', r.childrenOnTime)
  hidden('~childrenNotOnTime', r.children - r.childrenOnTime)
  part('acknowledged', '~unacknowledged', r.sent)
  part('escalated', '~notEscalated')
  for (const e of ESCALATION_REASONS) shown(`escalationReasons.${e}`, r.escalationReasons[e])
  part('deliveryFailures', '~notFailed')
  part('placedByOfficer', '~placedOtherwise')
  shown('childrenUnplaced', r.childrenUnplaced)
  shown('toChildrensServices', r.toChildrensServices)
  shown('toHealthVisiting', r.toHealthVisiting)
  hidden('~toSettings', r.childrenNotified - r.toChildrensServices - r.toHealthVisiting)
  return m
}

/** The sums within one row, over its flat fields. */
function rowSums(settingKeys: string[]): Sum[] {
  const N = 'childrenNotified'
  return [
    { total: N, parts: ['notified2Plus', '~notifiedOnce'] },
    { total: 'notified2Plus', parts: ['notified3Plus', '~notifiedTwice'] },
    { total: N, parts: AGE_BANDS.map((b) => `ageBands.${b}`) },
    ...(settingKeys.length ? [{ total: N, parts: settingKeys.map((s) => `settingTypes.${s}`) }] : []),
    { total: N, parts: INCIDENT_TYPES.map((i) => `incidentTypes.${i}`) },
    { total: N, parts: RISK_LEVELS.map((k) => `riskLevels.${k}`) },
    { total: N, parts: ['knownOutOfSchoolHours', '~inSchoolHours'] },
    { total: N, parts: ['sent', '~unsent'] },
    { total: N, parts: ['onTime', '~notOnTime'] },
    { total: 'children', parts: ['childrenOnTime', '~childrenNotOnTime'] },
    { total: 'sent', parts: ['acknowledged', '~unacknowledged'] },
    { total: N, parts: ['escalated', '~notEscalated'] },
    { total: 'escalated', parts: ESCALATION_REASONS.map((e) => `escalationReasons.${e}`) },
    { total: N, parts: ['deliveryFailures', '~notFailed'] },
    { total: N, parts: ['placedByOfficer', '~placedOtherwise'] },
    { total: N, parts: ['toChildrensServices', 'toHealthVisiting', '~toSettings'] },
  ]
}

export interface SuppressedBoard {
  overall: BoardRow
  rows: BoardRow[]
  /** Flat field ids per row index ('overall' or the row's index) withheld as small, and as complements. */
  small: Set<string>
  complements: Set<string>
}

/** Suppresses the report as a whole: within each row, and across the rows against the overall row. */
export function suppressBoard(overall: BoardRaw, rows: BoardRaw[]): SuppressedBoard {
  const settingKeys = [...new Set([overall, ...rows].flatMap((r) => Object.keys(r.settingTypes)))].sort()
  const cells = new Map<string, Cell>()
  const sums: Sum[] = []
  const ids = ['overall', ...rows.map((_, i) => String(i))]
  const flats = [overall, ...rows].map((r) => flatten(r, settingKeys))
  flats.forEach((flat, i) => {
    for (const [f, c] of flat) cells.set(`${ids[i]}|${f}`, c)
    for (const s of rowSums(settingKeys)) sums.push({ total: `${ids[i]}|${s.total}`, parts: s.parts.map((p) => `${ids[i]}|${p}`) })
  })
  if (rows.length > 0) {
    for (const f of flats[0]!.keys()) sums.push({ total: `overall|${f}`, parts: rows.map((_, i) => `${i}|${f}`) })
  }
  const withheld = suppress(cells, sums)
  const small = new Set([...withheld].filter((id) => { const v = cells.get(id)!.value; return v >= 1 && v <= 4 }))
  const complements = new Set([...withheld].filter((id) => !small.has(id)))
  const build = (raw: BoardRaw, id: string): BoardRow => {
    const get = (f: string): Count => (withheld.has(`${id}|${f}`) ? null : cells.get(`${id}|${f}`)!.value)
    const record = (prefix: string, keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, get(`${prefix}.${k}`)]))
    const ratio = (a: Count, b: Count) => (a === null || b === null || b === 0 ? null : Math.round((a / b) * 10_000) / 10_000)
    const acknowledged = get('acknowledged')
    const placed = get('placedByOfficer')
    // Times over fewer than five notifications would describe individual children.
    const times = (n: Count, p: { p50: number | null; p90: number | null }) => (n === null || n < 5 ? { p50: null, p90: null } : p)
    return {
      key: raw.key,
      childrenNotified: get('childrenNotified'),
      notified2Plus: get('notified2Plus'),
      notified3Plus: get('notified3Plus'),
      ageBands: record('ageBands', AGE_BANDS),
      settingTypes: record('settingTypes', settingKeys),
      incidentTypes: record('incidentTypes', INCIDENT_TYPES),
      riskLevels: record('riskLevels', RISK_LEVELS),
      knownOutOfSchoolHours: get('knownOutOfSchoolHours'),
      knownOutOfSchoolHoursShare: ratio(get('knownOutOfSchoolHours'), get('childrenNotified')),
      sent: get('sent'),
      onTime: get('onTime'),
      onTimeRate: ratio(get('onTime'), get('childrenNotified')),
      children: get('children'),
      childrenOnTime: get('childrenOnTime'),
      childrenOnTimeRate: ratio(get('childrenOnTime'), get('children')),
      policeToSentSeconds: times(get('sent'), raw.policeToSentSeconds),
      acknowledged,
      acknowledgementRate: ratio(acknowledged, get('sent')),
      sentToAcknowledgedSeconds: times(acknowledged, raw.sentToAcknowledgedSeconds),
      escalated: get('escalated'),
      escalationReasons: record('escalationReasons', ESCALATION_REASONS),
      deliveryFailures: get('deliveryFailures'),
      placedByOfficer: placed,
      reviewQueueSeconds: times(placed, raw.reviewQueueSeconds),
      childrenUnplaced: get('childrenUnplaced'),
      toChildrensServices: get('toChildrensServices'),
      toHealthVisiting: get('toHealthVisiting'),
    }
  }
  return { overall: build(overall, 'overall'), rows: rows.map((r, i) => build(r, String(i))), small, complements }
}

/** The report's columns in CSV order: each a path into a row and the flat field it reads. */
function csvColumns(row: BoardRow): { name: string; field: string; value: (r: BoardRow) => number | null }[] {
  const cols: { name: string; field: string; value: (r: BoardRow) => number | null }[] = []
  const plain = ['childrenNotified', 'notified2Plus', 'notified3Plus'] as const
  for (const f of plain) cols.push({ name: f, field: f, value: (r) => r[f] })
  for (const [group, keys] of [['ageBands', Object.keys(row.ageBands)], ['settingTypes', Object.keys(row.settingTypes)],
    ['incidentTypes', Object.keys(row.incidentTypes)], ['riskLevels', Object.keys(row.riskLevels)]] as const) {
    for (const k of keys) cols.push({ name: `${group}.${k}`, field: `${group}.${k}`, value: (r) => (r[group] as Record<string, Count>)[k] ?? null })
  }
  cols.push({ name: 'knownOutOfSchoolHours', field: 'knownOutOfSchoolHours', value: (r) => r.knownOutOfSchoolHours })
  cols.push({ name: 'knownOutOfSchoolHoursShare', field: '', value: (r) => r.knownOutOfSchoolHoursShare })
  cols.push({ name: 'sent', field: 'sent', value: (r) => r.sent })
  cols.push({ name: 'onTime', field: 'onTime', value: (r) => r.onTime })
  cols.push({ name: 'onTimeRate', field: '', value: (r) => r.onTimeRate })
  cols.push({ name: 'children', field: 'children', value: (r) => r.children })
  cols.push({ name: 'childrenOnTime', field: 'childrenOnTime', value: (r) => r.childrenOnTime })
  cols.push({ name: 'childrenOnTimeRate', field: '', value: (r) => r.childrenOnTimeRate })
  cols.push({ name: 'policeToSentSeconds.p50', field: '', value: (r) => r.policeToSentSeconds.p50 })
  cols.push({ name: 'policeToSentSeconds.p90', field: '', value: (r) => r.policeToSentSeconds.p90 })
  cols.push({ name: 'acknowledged', field: 'acknowledged', value: (r) => r.acknowledged })
  cols.push({ name: 'acknowledgementRate', field: '', value: (r) => r.acknowledgementRate })
  cols.push({ name: 'sentToAcknowledgedSeconds.p50', field: '', value: (r) => r.sentToAcknowledgedSeconds.p50 })
  cols.push({ name: 'sentToAcknowledgedSeconds.p90', field: '', value: (r) => r.sentToAcknowledgedSeconds.p90 })
  cols.push({ name: 'escalated', field: 'escalated', value: (r) => r.escalated })
  for (const e of ESCALATION_REASONS) cols.push({ name: `escalationReasons.${e}`, field: `escalationReasons.${e}`, value: (r) => r.escalationReasons[e] ?? null })
  for (const f of ['deliveryFailures', 'placedByOfficer'] as const) cols.push({ name: f, field: f, value: (r) => r[f] })
  cols.push({ name: 'reviewQueueSeconds.p50', field: '', value: (r) => r.reviewQueueSeconds.p50 })
  cols.push({ name: 'reviewQueueSeconds.p90', field: '', value: (r) => r.reviewQueueSeconds.p90 })
  cols.push({ name: 'childrenUnplaced', field: 'childrenUnplaced', value: (r) => r.childrenUnplaced })
  for (const f of ['toChildrensServices', 'toHealthVisiting'] as const) cols.push({ name: f, field: f, value: (r) => r[f] })
  return cols
}

/** CSV: the overall row first. A count withheld as small reads "<5"; one withheld as a complement "[c]"; a rate or time not given is empty. */
export function boardCsv(report: { groupBy: BoardGroupBy } & SuppressedBoard): string {
  const cols = csvColumns(report.overall)
  const cell = (r: BoardRow, id: string, c: (typeof cols)[number]) => {
    const v = c.value(r)
    if (v !== null) return String(v)
    if (!c.field) return ''
    if (report.small.has(`${id}|${c.field}`)) return '<5'
    if (report.complements.has(`${id}|${c.field}`)) return '[c]'
    return ''
  }
  const quote = (s: string) => (/[",\r\n]/.test(s) || /^[=+\-@]/.test(s) ? `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"` : s)
  const lines = [[report.groupBy, ...cols.map((c) => c.name)].join(',')]
  lines.push(['(all)', ...cols.map((c) => cell(report.overall, 'overall', c))].map(quote).join(','))
  report.rows.forEach((r, i) => lines.push([r.key ?? '(none)', ...cols.map((c) => cell(r, String(i), c))].map(quote).join(',')))
  return lines.join('\r\n') + '\r\n'
}
