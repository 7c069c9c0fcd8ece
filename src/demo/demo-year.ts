// A realistic year of one force's Operation Encompass traffic, for demos and the boards'
// dashboard on first run. Deterministic (seeded), pure: it returns rows; the CLI writes them.
//
// Assumptions (documented in the README):
// - Volume: ~11,000 incidents a year, Cleveland's scale (11,148 risk-assessed domestic abuse
//   incidents, Nov 2013–Oct 2014, Cleveland Police). 1–4 children each (mean ~1.6).
// - When the police become aware: evenings and nights peak (most reported 18:00–03:00), weekends
//   busier, Saturday busiest (Met sample, 2006; US calls-for-service studies): hourly weights below.
// - Police review delay (aware → received by us): log-normal; the median falls over the year from
//   ~8 h (the morning-review habit) to ~1.5 h as the force's system submits as it goes — the story
//   a board should see.
// - The service: received → matched ~0.2 s, matched → sent ~1 s (what the bench measures).
// - The school: during school hours acknowledged within ~20 min; otherwise on arrival next school
//   morning; ~7 % never acknowledged (escalated to deputies and the desk); ~3 % of children cannot
//   be placed (held for review, no notification).
import { escalationPointOf } from '../domain/delivery.js'
import { computeDueBy, type SchoolCalendar } from '../domain/school-calendar.js'
import { londonWallClock } from '../domain/london-time.js'
import { prng } from '../prng.js'

/** The demo force keeps the default lead (seed-demo.ts sets escalationLeadMinutes to it). */
export const DEMO_ESCALATION_LEAD_MINUTES = 60

const HOURLY = [9, 8, 6, 4, 3, 2, 2, 2, 2, 2, 2, 3, 3, 3, 4, 5, 6, 7, 8, 9, 10, 11, 11, 10] // 00..23
const WEEKDAY = [1.25, 0.9, 0.9, 0.95, 1.05, 1.1, 1.35] // Sun..Sat

export interface DemoSchool {
  urn: string
  laCode: string
  calendar: SchoolCalendar
}

export interface DemoChild {
  urn: string | null
  laCode: string | null
  matched: boolean
  matchedAt: Date
  dueBy: Date | null
  schoolDay: string | null
  sentAt: Date | null
  acknowledgedAt: Date | null
  deputiesAt: Date | null
  deskAt: Date | null
  present: boolean
  dateOfBirth: string
}

export interface DemoIncident {
  reference: string
  policeAwareAt: Date
  receivedAt: Date
  incidentType: 'crime' | 'non-crime'
  riskLevel: 'standard' | 'medium' | 'high'
  children: DemoChild[]
}


const normal = (rand: () => number) => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())

function pickWeighted(rand: () => number, weights: number[]): number {
  const total = weights.reduce((a, b) => a + b, 0)
  let x = rand() * total
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i]!
    if (x < 0) return i
  }
  return weights.length - 1
}

export function generateDemoYear(opts: { end: Date; incidents: number; seed: number; forcePrefix: string }, schools: DemoSchool[]): DemoIncident[] {
  const rand = prng(opts.seed)
  const yearMs = 365 * 86_400_000
  const start = opts.end.getTime() - yearMs
  // Spread incidents over days by weekday weight, then hours by the hourly profile.
  const days = Array.from({ length: 365 }, (_, i) => new Date(start + i * 86_400_000))
  const dayWeights = days.map((d) => WEEKDAY[d.getUTCDay()]!)
  const out: DemoIncident[] = []
  for (let n = 0; n < opts.incidents; n++) {
    const day = days[pickWeighted(rand, dayWeights)]!
    const hour = pickWeighted(rand, HOURLY)
    const aware = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hour, Math.floor(rand() * 60)))
    const progress = (aware.getTime() - start) / yearMs
    const medianHours = 8 * Math.pow(1.5 / 8, progress)
    const reviewHours = Math.min(96, medianHours * Math.exp(0.9 * normal(rand)))
    const received = new Date(aware.getTime() + Math.max(60_000, reviewHours * 3_600_000))
    if (received.getTime() > opts.end.getTime()) continue
    const childCount = 1 + pickWeighted(rand, [55, 30, 10, 5])
    const children: DemoChild[] = []
    for (let c = 0; c < childCount; c++) {
      const school = schools[Math.floor(rand() * schools.length)]!
      const matched = rand() > 0.03
      const matchedAt = new Date(received.getTime() + 150 + Math.floor(rand() * 200))
      const age = Math.floor(rand() * 16) + 1
      const dob = new Date(aware.getTime() - (age * 365.25 + rand() * 300) * 86_400_000).toISOString().slice(0, 10)
      if (!matched) {
        children.push({ urn: null, laCode: null, matched, matchedAt, dueBy: null, schoolDay: null, sentAt: null, acknowledgedAt: null, deputiesAt: null, deskAt: null, present: rand() < 0.6, dateOfBirth: dob })
        continue
      }
      const { dueBy, schoolDay } = computeDueBy(school.calendar, aware)
      const sentAt = new Date(matchedAt.getTime() + 400 + Math.floor(rand() * 1500))
      let acknowledgedAt: Date | null = null
      let deputiesAt: Date | null = null
      let deskAt: Date | null = null
      const never = rand() < 0.07
      if (!never) {
        const local = londonWallClock(sentAt)
        const schoolHours = sentAt.getTime() < dueBy.getTime() - 86_400_000 ? false : local.minutes >= 8 * 60 && local.minutes < 16 * 60
        acknowledgedAt = schoolHours
          ? new Date(sentAt.getTime() + (5 + rand() * 40) * 60_000)
          : new Date(Math.max(sentAt.getTime() + 60_000, dueBy.getTime() - (75 - rand() * 110) * 60_000))
      }
      const deputiesDue = escalationPointOf(dueBy, DEMO_ESCALATION_LEAD_MINUTES)
      if ((!acknowledgedAt || acknowledgedAt > deputiesDue) && deputiesDue.getTime() <= opts.end.getTime()) {
        deputiesAt = new Date(Math.max(deputiesDue.getTime(), sentAt.getTime()))
      }
      if ((!acknowledgedAt || acknowledgedAt > dueBy) && dueBy.getTime() <= opts.end.getTime()) deskAt = new Date(Math.max(dueBy.getTime(), sentAt.getTime()))
      if (acknowledgedAt && acknowledgedAt.getTime() > opts.end.getTime()) acknowledgedAt = null
      children.push({ urn: school.urn, laCode: school.laCode, matched, matchedAt, dueBy, schoolDay, sentAt, acknowledgedAt, deputiesAt, deskAt, present: rand() < 0.6, dateOfBirth: dob })
    }
    const riskRoll = rand()
    out.push({
      reference: `${opts.forcePrefix}-DEMO-${String(n + 1).padStart(6, '0')}`,
      policeAwareAt: aware,
      receivedAt: received,
      incidentType: rand() < 0.45 ? 'crime' : 'non-crime',
      riskLevel: riskRoll < 0.6 ? 'standard' : riskRoll < 0.9 ? 'medium' : 'high',
      children,
    })
  }
  return out
}
