// Dates and times as people read them on the pages, in GOV.UK style and London time:
// "Friday 20 November 2026", "8:30am", "midday", "8:30am on Monday 23 November 2026".
// One Intl formatter, built once: building one costs far more than using it.
const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
})

function londonParts(instant: Date): Record<'weekday' | 'day' | 'month' | 'year' | 'hour' | 'minute', string> {
  const out: Record<string, string> = {}
  for (const p of parts.formatToParts(instant)) out[p.type] = p.value
  return out as Record<'weekday' | 'day' | 'month' | 'year' | 'hour' | 'minute', string>
}

/** "Friday 20 November 2026": the London date of an instant. */
export function longDate(instant: Date): string {
  const p = londonParts(instant)
  return `${p.weekday} ${p.day} ${p.month} ${p.year}`
}

/** "Monday 23 November 2026" from a plain date "2026-11-23" (a calendar day, no time zone). */
export function longPlainDate(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!m) return date
  // Noon UTC is the same calendar day in London whatever the season.
  return longDate(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12)))
}

/** "8:30am", "5:05pm", "midday", "midnight" (GOV.UK style). */
export function time(instant: Date): string {
  const p = londonParts(instant)
  const hour = Number(p.hour) % 24
  const minute = p.minute.padStart(2, '0')
  if (minute === '00' && hour === 12) return 'midday'
  if (minute === '00' && hour === 0) return 'midnight'
  return `${hour % 12 === 0 ? 12 : hour % 12}:${minute}${hour < 12 ? 'am' : 'pm'}`
}

/** "8:30am on Monday 23 November 2026". */
export function dateTime(instant: Date): string {
  return `${time(instant)} on ${longDate(instant)}`
}
