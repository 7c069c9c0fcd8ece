// The demo year (src/demo/demo-year.ts): deterministic, and every row tells a possible story —
// nothing happens before what caused it, nothing after the year's end, and a child who could not
// be placed has no notification.
import t from 'tap'
import { generateDemoYear, type DemoSchool } from '../../src/demo/demo-year.js'
import { makeSchoolCalendar } from '../../src/domain/school-calendar.js'

const END = new Date('2026-11-20T22:00:00Z')
const schools: DemoSchool[] = [
  { urn: '111234', laCode: '808', calendar: makeSchoolCalendar({ bankHolidays: ['2026-08-31', '2026-12-25'] }) },
  { urn: '111235', laCode: '807', calendar: makeSchoolCalendar({ closedDates: ['2026-10-26', '2026-10-27'] }) },
]
const opts = { end: END, incidents: 1500, seed: 7, forcePrefix: 'CLE' }
const year = generateDemoYear(opts, schools)

t.test('the same seed gives the same year', async (t) => {
  t.same(generateDemoYear(opts, schools), year)
  t.not(JSON.stringify(generateDemoYear({ ...opts, seed: 8 }, schools)), JSON.stringify(year))
})

t.test('incidents: unique references, aware within the year, received after aware and by the end', async (t) => {
  t.ok(year.length > 1300 && year.length <= 1500, `${year.length} incidents (late reviews fall past the end)`)
  t.equal(new Set(year.map((i) => i.reference)).size, year.length)
  // Days are counted from the end back; the first day's incidents may fall any time on its date.
  const start = new Date(END.getTime() - 365 * 86_400_000).setUTCHours(0, 0, 0, 0)
  for (const i of year) {
    if (!/^CLE-DEMO-\d{6}$/.test(i.reference)) t.fail(i.reference)
    if (i.policeAwareAt.getTime() < start || i.receivedAt.getTime() - i.policeAwareAt.getTime() < 60_000 || i.receivedAt > END) {
      t.fail(`${i.reference}: aware ${i.policeAwareAt.toISOString()}, received ${i.receivedAt.toISOString()}`)
    }
    if (i.children.length < 1 || i.children.length > 4) t.fail(`${i.reference}: ${i.children.length} children`)
  }
})

t.test('placed children: sent after matching, before the end; escalations only when not acknowledged in time', async (t) => {
  let placed = 0
  let unplaced = 0
  for (const i of year) {
    for (const c of i.children) {
      const why = `${i.reference}: ${JSON.stringify(c)}`
      if (!(c.matchedAt > i.receivedAt)) t.fail(`matched before received ${why}`)
      if (c.dateOfBirth >= i.policeAwareAt.toISOString().slice(0, 10)) t.fail(`born after the incident ${why}`)
      if (!c.matched) {
        unplaced++
        if (c.urn !== null || c.dueBy !== null || c.sentAt !== null || c.acknowledgedAt !== null || c.deskAt !== null) t.fail(why)
        continue
      }
      placed++
      if (!c.urn || !c.dueBy || !c.sentAt || !schools.some((s) => s.urn === c.urn && s.laCode === c.laCode)) t.fail(why)
      if (!(c.sentAt! > c.matchedAt) || !(c.dueBy! > i.policeAwareAt)) t.fail(`order ${why}`)
      if (c.acknowledgedAt && (c.acknowledgedAt <= c.sentAt! || c.acknowledgedAt > END)) t.fail(`acknowledged ${why}`)
      if (c.deputiesAt && (c.deputiesAt > END || (c.acknowledgedAt && c.acknowledgedAt.getTime() <= c.dueBy!.getTime() - 3_600_000))) {
        t.fail(`deputies ${why}`)
      }
      if (c.deskAt && (c.deskAt > END || c.deskAt < c.dueBy!)) t.fail(`desk ${why}`)
      if (c.deskAt && c.acknowledgedAt && c.acknowledgedAt <= c.dueBy!) t.fail(`desk told though acknowledged in time ${why}`)
    }
  }
  t.ok(placed > 0 && unplaced > 0, `${placed} placed, ${unplaced} held for review`)
  t.ok(unplaced / (placed + unplaced) < 0.1, 'about 3 % cannot be placed')
})

t.test('reviews speed up over the year, as the story for the board says', async (t) => {
  const hours = (xs: typeof year) => {
    const d = xs.map((i) => (i.receivedAt.getTime() - i.policeAwareAt.getTime()) / 3_600_000).sort((a, b) => a - b)
    return d[Math.floor(d.length / 2)]!
  }
  const half = END.getTime() - 182 * 86_400_000
  const first = hours(year.filter((i) => i.policeAwareAt.getTime() < half))
  const second = hours(year.filter((i) => i.policeAwareAt.getTime() >= half))
  t.ok(first > second * 1.5, `median review ${first.toFixed(1)} h, then ${second.toFixed(1)} h`)
})
