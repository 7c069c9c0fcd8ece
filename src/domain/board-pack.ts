// The monthly board pack (issue 16; `cli report pack`, the dashboard's button): what one local
// authority's month reads like on paper. It takes the LA's row of the board report *after*
// small-number suppression (domain/board-report.ts) and only words it: a figure withheld there is
// withheld here ("<5" for a count from 1 to 4, "[c]" for one withheld so that a small one cannot be
// worked out), and a sentence that would need a withheld figure says so instead of guessing.
// Pure: the store gives the figures, src/pack prints them.
import { AGE_BANDS, ESCALATION_REASONS, INCIDENT_TYPES, RISK_LEVELS, type BoardRow } from './board-report.js'
import { plainDateProblem } from './date-bounds.js'

/** Why a count is not shown: small (1–4) or a complement; null when it is shown. */
export type Withheld = 'small' | 'complement' | null

export interface PackFigure {
  label: string
  /** As printed: "1,204", "<5", "[c]", "91%", "2 hours 5 minutes", "–" (not applicable). */
  text: string
  /** Bar length as a share of the group's total (0–1), or null when the figure is withheld. */
  share: number | null
}

export interface PackGroup {
  heading: string
  figures: PackFigure[]
}

export interface BoardPack {
  la: string
  laName: string | null
  month: string
  /** "November 2026". */
  monthName: string
  from: string
  to: string
  /** The plain-English reading, one sentence per line. */
  reading: string[]
  /** Timeliness and follow-through, as label → text. */
  headline: PackFigure[]
  /** The distributions, each drawn as a bar chart. */
  charts: PackGroup[]
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** A month as YYYY-MM inside the service's date bounds: its first and last day, or a reason. */
export function monthRange(month: string): { from: string; to: string; name: string } | { error: string } {
  const m = /^([0-9]{4})-([0-9]{2})$/.exec(month)
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return { error: 'must be a month as YYYY-MM, such as 2026-11' }
  const from = `${m[1]}-${m[2]}-01`
  const bounds = plainDateProblem(from)
  if (bounds) return { error: bounds }
  const last = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate()
  return { from, to: `${m[1]}-${m[2]}-${String(last).padStart(2, '0')}`, name: `${MONTH_NAMES[Number(m[2]) - 1]} ${m[1]}` }
}

const count = (n: number | null, why: Withheld): string =>
  n !== null ? n.toLocaleString('en-GB') : why === 'small' ? '<5' : why === 'complement' ? '[c]' : '–'
const percent = (r: number | null): string => (r === null ? '–' : `${Math.round(r * 100)}%`)

/** Seconds in words, to the two largest units: "45 seconds", "2 hours 5 minutes", "3 days 4 hours". */
export function durationInWords(seconds: number | null): string {
  if (seconds === null) return '–'
  const s = Math.max(0, Math.round(seconds))
  const units: [string, number][] = [['day', 86_400], ['hour', 3_600], ['minute', 60], ['second', 1]]
  const words = (n: number, name: string) => `${n} ${name}${n === 1 ? '' : 's'}`
  const first = units.findIndex(([, size]) => s >= size)
  if (first < 0) return words(0, 'second')
  const [name, size] = units[first]!
  const parts = [words(Math.floor(s / size), name)]
  // The next unit down, when there is one and it is not zero: "2 hours 5 minutes", "1 day".
  const next = units[first + 1]
  if (next && Math.floor((s % size) / next[1]) > 0) parts.push(words(Math.floor((s % size) / next[1]), next[0]))
  return parts.join(' ')
}

const NOT_SHOWN = 'not shown: it would describe fewer than 5 children'

/** The sentences a board member reads first. Every number in them is one the tables show. */
function reading(row: BoardRow, why: (field: string) => Withheld, place: string, monthName: string): string[] {
  const n = row.childrenNotified
  if (n === 0) return [`No children in ${place} were the subject of a notification in ${monthName}.`]
  const lines: string[] = []
  lines.push(n === null
    ? `Fewer than 5 children in ${place} were the subject of a notification in ${monthName}; most figures are not shown so that no child can be recognised.`
    : `${count(n, null)} children in ${place} were the subject of a notification in ${monthName}.`)
  if (n === null) return lines
  lines.push(row.onTimeRate !== null
    ? `${percent(row.onTimeRate)} of children were known to their school before the next school day.`
    : `The share of children known to their school before the next school day is ${NOT_SHOWN}.`)
  const sent = row.policeToSentSeconds
  if (sent.p50 !== null && sent.p90 !== null) {
    lines.push(`Half of the schools were told within ${durationInWords(sent.p50)} of the police knowing, and 9 in 10 within ${durationInWords(sent.p90)}.`)
  }
  if (row.acknowledgementRate !== null) {
    const when = row.sentToAcknowledgedSeconds.p50 !== null ? `, half of them within ${durationInWords(row.sentToAcknowledgedSeconds.p50)} of the e-mail` : ''
    lines.push(`Key Adults acknowledged ${percent(row.acknowledgementRate)} of the notifications sent${when}.`)
  }
  if (row.escalated === 0) lines.push('No notification had to be escalated to deputies or the force desk.')
  else if (row.escalated !== null) lines.push(`${count(row.escalated, null)} notifications were escalated to deputies or the force desk.`)
  else lines.push(`The number of escalations is ${NOT_SHOWN}.`)
  if (row.knownOutOfSchoolHoursShare !== null) {
    lines.push(`${percent(row.knownOutOfSchoolHoursShare)} of the incidents became known to the police out of school hours (evenings, nights and weekends).`)
  }
  if (row.notified2Plus !== null && row.notified2Plus > 0) {
    lines.push(`${count(row.notified2Plus, null)} of these children had been the subject of a notification at least twice in 12 months.`)
  } else if (row.notified2Plus === null) {
    lines.push(`The number of children notified more than once in 12 months is ${NOT_SHOWN}.`)
  }
  if (why('childrenUnplaced') === 'small') lines.push('Fewer than 5 children from this month are still waiting for their setting to be found.')
  else if (row.childrenUnplaced) lines.push(`${count(row.childrenUnplaced, null)} children from this month are still waiting for their setting to be found.`)
  return lines
}

function group(heading: string, prefix: string, keys: readonly string[], values: Record<string, number | null>, total: number | null, why: (f: string) => Withheld, label: (k: string) => string = (k) => k): PackGroup {
  return {
    heading,
    figures: keys.map((k) => {
      const v = values[k] ?? null
      return { label: label(k), text: count(v, why(`${prefix}.${k}`)), share: v === null || !total ? null : v / total }
    }),
  }
}

const AGE_LABELS: Record<string, string> = { '0-4': 'Under 5', '5-10': '5 to 10', '11-15': '11 to 15', '16-17': '16 and 17', unknown: 'Age not known' }
const RISK_LABELS: Record<string, string> = { standard: 'Standard', medium: 'Medium', high: 'High', unknown: 'Not known', 'not-given': 'Not given' }
const ESCALATION_LABELS: Record<string, string> = {
  notAcknowledgedInTime: 'Not acknowledged in time',
  sentAfterDeadline: 'Sent after the deadline',
  deliveryFailed: 'Delivery failed',
}

/**
 * The pack for one LA and month. `row` is the LA's row of the suppressed board report (null when
 * the LA had nothing that month); `why` says why a withheld field of that row is withheld.
 */
export function boardPack(q: { la: string; laName: string | null; month: string }, row: BoardRow | null, why: (field: string) => Withheld): BoardPack {
  const range = monthRange(q.month)
  if ('error' in range) throw new RangeError(`month ${range.error}`)
  const place = q.laName ? `${q.laName} (LA ${q.la})` : `LA ${q.la}`
  const r: BoardRow = row ?? emptyRow(q.la)
  const n = r.childrenNotified
  const f = (label: string, field: string, v: number | null): PackFigure => ({ label, text: count(v, why(field)), share: null })
  const t = (label: string, text: string): PackFigure => ({ label, text, share: null })
  const headline: PackFigure[] = [
    f('Children notified', 'childrenNotified', n),
    f('E-mails sent', 'sent', r.sent),
    f('Known to the school before the next school day', 'onTime', r.onTime),
    t('Share known before the next school day', percent(r.onTimeRate)),
    t('Police knowing to school told: median', durationInWords(r.policeToSentSeconds.p50)),
    t('Police knowing to school told: 9 in 10 within', durationInWords(r.policeToSentSeconds.p90)),
    f('Acknowledged by a Key Adult', 'acknowledged', r.acknowledged),
    t('Share of e-mails acknowledged', percent(r.acknowledgementRate)),
    t('E-mail to acknowledgement: median', durationInWords(r.sentToAcknowledgedSeconds.p50)),
    f('Escalated to deputies or the force desk', 'escalated', r.escalated),
    f('Delivery failures', 'deliveryFailures', r.deliveryFailures),
    f('Placed by an officer from the review queue', 'placedByOfficer', r.placedByOfficer),
    t('Time in the review queue: median', durationInWords(r.reviewQueueSeconds.p50)),
    f('Still waiting for a setting', 'childrenUnplaced', r.childrenUnplaced),
    f('Notified at least twice in 12 months', 'notified2Plus', r.notified2Plus),
    f('Notified at least three times in 12 months', 'notified3Plus', r.notified3Plus),
    t('Known to the police out of school hours', percent(r.knownOutOfSchoolHoursShare)),
  ]
  const charts: PackGroup[] = [
    group('Age of the children', 'ageBands', AGE_BANDS, r.ageBands, n, why, (k) => AGE_LABELS[k] ?? k),
    group('Kind of setting', 'settingTypes', Object.keys(r.settingTypes), r.settingTypes, n, why),
    group('Kind of incident', 'incidentTypes', INCIDENT_TYPES, r.incidentTypes, n, why, (k) => (k === 'crime' ? 'Crime' : 'Non-crime')),
    group('Risk level recorded by the police', 'riskLevels', RISK_LEVELS, r.riskLevels, n, why, (k) => RISK_LABELS[k] ?? k),
    group('Why notifications were escalated', 'escalationReasons', ESCALATION_REASONS, r.escalationReasons, r.escalated, why, (k) => ESCALATION_LABELS[k] ?? k),
  ]
  return { la: q.la, laName: q.laName, month: q.month, monthName: range.name, from: range.from, to: range.to, reading: reading(r, why, place, range.name), headline, charts }
}

function emptyRow(key: string): BoardRow {
  const zeros = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, 0]))
  const none = { p50: null, p90: null }
  return {
    key, childrenNotified: 0, notified2Plus: 0, notified3Plus: 0, ageBands: zeros(AGE_BANDS), settingTypes: {},
    incidentTypes: zeros(INCIDENT_TYPES), riskLevels: zeros(RISK_LEVELS), knownOutOfSchoolHours: 0, knownOutOfSchoolHoursShare: null,
    sent: 0, onTime: 0, onTimeRate: null, children: 0, childrenOnTime: 0, childrenOnTimeRate: null, policeToSentSeconds: none, acknowledged: 0, acknowledgementRate: null, sentToAcknowledgedSeconds: none,
    escalated: 0, escalationReasons: zeros(ESCALATION_REASONS), deliveryFailures: 0, placedByOfficer: 0, reviewQueueSeconds: none, childrenUnplaced: 0,
    toChildrensServices: 0, toHealthVisiting: 0,
  }
}
