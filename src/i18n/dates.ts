// Dates and times on the pages in each language, in London time. English as format.ts has them
// ("8:30am on Monday 23 November 2026"); Welsh in the style of Welsh public services: "8:30yb",
// "5:05yh", "canol dydd", "hanner nos", and a day said as an adverb mutates ("ddydd Llun 23 Tachwedd
// 2026": "be ready on Monday" is "byddwch yn barod ddydd Llun"). Pure.
import type { Language } from '../domain/languages.js'
import { dateTime, longDate, longPlainDate, time } from '../http/format.js'

const cyParts = new Intl.DateTimeFormat('cy-GB', {
  timeZone: 'Europe/London', hourCycle: 'h23', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit',
})

type Parts = Record<'weekday' | 'day' | 'month' | 'year' | 'hour' | 'minute', string>
function cyLondon(instant: Date): Parts {
  const out: Record<string, string> = {}
  for (const p of cyParts.formatToParts(instant)) out[p.type] = p.value
  return out as Parts
}

const plainNoon = (date: string): Date | null => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12)) : null
}

/** "Dydd Llun 23 Tachwedd 2026" (standalone) or "ddydd Llun 23 Tachwedd 2026" (as an adverb). */
function cyDate(instant: Date, adverb: boolean): string {
  const p = cyLondon(instant)
  const weekday = adverb ? p.weekday.replace(/^Dydd /, 'ddydd ') : p.weekday
  return `${weekday} ${p.day} ${p.month} ${p.year}`
}

function cyTime(instant: Date): string {
  const p = cyLondon(instant)
  const hour = Number(p.hour) % 24
  const minute = p.minute.padStart(2, '0')
  if (minute === '00' && hour === 12) return 'canol dydd'
  if (minute === '00' && hour === 0) return 'hanner nos'
  return `${hour % 12 === 0 ? 12 : hour % 12}:${minute}${hour < 12 ? 'yb' : 'yh'}`
}

/** A calendar day ("2026-11-23") standing alone: "Monday 23 November 2026", "Dydd Llun 23 Tachwedd 2026". */
export function plainDateIn(lang: Language, date: string): string {
  if (lang === 'en') return longPlainDate(date)
  const d = plainNoon(date)
  return d ? cyDate(d, false) : date
}

/** A calendar day as the end of "be ready to support them on …": "Monday 23 November 2026", "ddydd Llun 23 Tachwedd 2026". */
export function onDayIn(lang: Language, date: string): string {
  if (lang === 'en') return longPlainDate(date)
  const d = plainNoon(date)
  return d ? cyDate(d, true) : date
}

/** "8:30am on Monday 23 November 2026", "8:30yb ddydd Llun 23 Tachwedd 2026". */
export function dateTimeIn(lang: Language, instant: Date): string {
  return lang === 'en' ? dateTime(instant) : `${cyTime(instant)} ${cyDate(instant, true)}`
}

/** "Friday 20 November 2026", "Dydd Gwener 20 Tachwedd 2026". */
export function dateIn(lang: Language, instant: Date): string {
  return lang === 'en' ? longDate(instant) : cyDate(instant, false)
}

/** "9:15am", "9:15yb". */
export function timeIn(lang: Language, instant: Date): string {
  return lang === 'en' ? time(instant) : cyTime(instant)
}
