// Calendars as stored: bank holidays, each LA's term closures, each school's own exceptions.
// loadSchoolCalendar turns them into the plain values computeDueBy reads.
import { calendarRulesFor, DEFAULT_DAY_STARTS_AT, type SchoolCalendar } from '../domain/school-calendar.js'
import { addDays, weekdayOf } from '../domain/london-time.js'
import type { TermCalendar } from '../domain/term-dates.js'
import { prepared, withTransaction, type Db, type Queryable } from './db.js'

/** How far ahead a calendar is loaded: longer than any school holiday. */
const HORIZON_DAYS = 400

const SCHOOL_CALENDAR = prepared('school-calendar', `SELECT 'bank' AS kind, date::text FROM bank_holidays
      WHERE date BETWEEN $1::date AND $1::date + $4::int
     UNION ALL
     SELECT 'closed', date::text FROM la_closures
      WHERE la_code = $2 AND date BETWEEN $1::date AND $1::date + $4::int
     UNION ALL
     SELECT CASE WHEN open THEN 'open' ELSE 'closed' END, date::text FROM school_calendar_exceptions
      WHERE urn = $3 AND date BETWEEN $1::date AND $1::date + $4::int`)

export async function loadSchoolCalendar(
  db: Queryable,
  school: { urn: string; laCode: string | null; dayStartsAt: string | null; type?: string | null | undefined },
  fromDate: string,
  days = HORIZON_DAYS,
): Promise<SchoolCalendar> {
  const rules = calendarRulesFor(school.type)
  const laCode = rules.followsLaTermDates ? school.laCode : null
  const { rows } = await db.query<{ kind: string; date: string }>(SCHOOL_CALENDAR([fromDate, laCode, school.urn, days]))
  const bankHolidays = new Set<string>()
  const closedDates = new Set<string>()
  const openDates = new Set<string>()
  for (const r of rows) {
    ;(r.kind === 'bank' ? bankHolidays : r.kind === 'open' ? openDates : closedDates).add(r.date)
  }
  // A school's own opening beats its LA's closure.
  for (const d of openDates) closedDates.delete(d)
  return { dayStartsAt: school.dayStartsAt ?? DEFAULT_DAY_STARTS_AT, bankHolidays, closedDates, openDates, days: rules.days }
}

export async function replaceBankHolidays(db: Db, events: { date: string; title: string }[]): Promise<number> {
  return withTransaction(db, async (client) => {
    await client.query('DELETE FROM bank_holidays')
    await client.query(
      'INSERT INTO bank_holidays (date, title) SELECT * FROM unnest($1::date[], $2::text[])',
      [events.map((e) => e.date), events.map((e) => e.title)],
    )
    return events.length
  })
}

/** Replaces an LA's closures inside the loaded calendar's coverage; dates outside it are kept. */
export async function replaceTermDates(db: Db, laCode: string, cal: TermCalendar): Promise<number> {
  return withTransaction(db, async (client) => {
    for (const c of cal.coverage) {
      await client.query('DELETE FROM la_closures WHERE la_code = $1 AND date BETWEEN $2 AND $3', [laCode, c.from, c.to])
      await client.query(
        `INSERT INTO la_term_coverage (la_code, from_date, to_date) VALUES ($1, $2, $3)
         ON CONFLICT (la_code, from_date) DO UPDATE SET to_date = EXCLUDED.to_date`,
        [laCode, c.from, c.to],
      )
    }
    await client.query(
      `INSERT INTO la_closures (la_code, date, label) SELECT $1, * FROM unnest($2::date[], $3::text[])
       ON CONFLICT (la_code, date) DO UPDATE SET label = EXCLUDED.label`,
      [laCode, cal.closures.map((c) => c.date), cal.closures.map((c) => c.label)],
    )
    return cal.closures.length
  })
}

export async function putSchoolException(
  db: Queryable,
  urn: string,
  e: { date: string; open: boolean; label: string },
): Promise<void> {
  await db.query(
    `INSERT INTO school_calendar_exceptions (urn, date, open, label) VALUES ($1, $2, $3, $4)
     ON CONFLICT (urn, date) DO UPDATE SET open = EXCLUDED.open, label = EXCLUDED.label`,
    [urn, e.date, e.open, e.label],
  )
}

/**
 * A setting's own term dates (an academy keeping different holidays from its LA): inside the
 * file's coverage they replace whatever its LA's calendar and its earlier exceptions said. Each
 * closure is a closed date; every other weekday in coverage is an open date (so an LA closure the
 * setting does not keep no longer closes it). Dates outside the coverage are kept.
 */
export async function replaceSettingTermDates(db: Db, urn: string, cal: TermCalendar): Promise<{ closed: number; open: number }> {
  const closed = new Map(cal.closures.map((c) => [c.date, c.label]))
  const dates: string[] = []
  const opens: boolean[] = []
  const labels: string[] = []
  for (const r of cal.coverage) {
    for (let d = r.from; d <= r.to; d = addDays(d, 1)) {
      const label = closed.get(d)
      const wd = weekdayOf(d)
      if (label !== undefined) {
        dates.push(d); opens.push(false); labels.push(label)
      } else if (wd !== 0 && wd !== 6) {
        dates.push(d); opens.push(true); labels.push('Term time (the setting’s own term dates)')
      }
    }
  }
  return withTransaction(db, async (client) => {
    for (const c of cal.coverage) {
      await client.query('DELETE FROM school_calendar_exceptions WHERE urn = $1 AND date BETWEEN $2 AND $3', [urn, c.from, c.to])
    }
    await client.query(
      `INSERT INTO school_calendar_exceptions (urn, date, open, label) SELECT $1, * FROM unnest($2::date[], $3::boolean[], $4::text[])`,
      [urn, dates, opens, labels],
    )
    return { closed: opens.filter((o) => !o).length, open: opens.filter((o) => o).length }
  })
}

/** Why each date from `fromDate` for `days` days is special for a setting: bank holiday, LA closure, own exception. */
export async function calendarLabels(
  db: Queryable,
  school: { urn: string; laCode: string | null; type?: string | null | undefined },
  fromDate: string,
  days: number,
): Promise<Map<string, string>> {
  const laCode = calendarRulesFor(school.type).followsLaTermDates ? school.laCode : null
  const { rows } = await db.query<{ date: string; label: string; rank: number }>(
    `SELECT date::text, title AS label, 1 AS rank FROM bank_holidays WHERE date BETWEEN $1::date AND $1::date + $4::int
     UNION ALL
     SELECT date::text, label, 2 FROM la_closures WHERE la_code = $2 AND date BETWEEN $1::date AND $1::date + $4::int
     UNION ALL
     SELECT date::text, label, 3 FROM school_calendar_exceptions WHERE urn = $3 AND date BETWEEN $1::date AND $1::date + $4::int
     ORDER BY rank`,
    [fromDate, laCode, school.urn, days],
  )
  // The setting's own word beats its LA's, which beats the bank holiday's name.
  return new Map(rows.map((r) => [r.date, r.label]))
}

/** Whether an LA's loaded term dates speak for every date from `from` to `to`. */
export async function termCoverage(db: Queryable, laCode: string, from: string, to: string): Promise<boolean> {
  const { rows } = await db.query<{ from_date: string; to_date: string }>(
    'SELECT from_date::text, to_date::text FROM la_term_coverage WHERE la_code = $1 AND to_date >= $2 AND from_date <= $3 ORDER BY from_date',
    [laCode, from, to],
  )
  let reached = from
  for (const r of rows) {
    if (r.from_date > reached) return false
    if (r.to_date >= reached) reached = addDays(r.to_date, 1)
    if (reached > to) return true
  }
  return false
}
