// `npm run seed:demo`: loads the Cleveland demo directory and bank holidays, gives each setting
// invented Key Adults, and writes a generated year of incidents so the boards' dashboard tells a
// story on first run. Refuses to seed twice.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseGovUkBankHolidays } from '../domain/bank-holidays.js'
import { dataDir } from '../paths.js'
import { loadSchoolCalendar, replaceBankHolidays } from '../store/calendar-store.js'
import type { Db } from '../store/db.js'
import { demoSeeded, openSchoolsIn, writeDemoYear } from '../store/demo-store.js'
import { putForce } from '../store/forces-store.js'
import { readGiasFile } from '../store/gias-files.js'
import { importDirectory, putSchool } from '../store/schools-store.js'
import { DEMO_ESCALATION_LEAD_MINUTES, generateDemoYear, type DemoSchool } from './demo-year.js'
import { londonDateOf } from '../domain/london-time.js'

const FIRST = ['Alex', 'Sam', 'Jo', 'Priya', 'Tom', 'Aisha', 'Ben', 'Chloe', 'Dev', 'Ellen', 'Farah', 'Gareth']
const LAST = ['Morgan', 'Patel', 'Hughes', 'Khan', 'Walsh', 'Osei', 'Reid', 'Turner', 'Byrne', 'Lloyd']

export async function seedDemo(db: Db, opts: { incidents: number; seed: number; end: Date }, out: (l: string) => void) {
  if (await demoSeeded(db, 'cleveland', 'CLE-DEMO-')) throw new Error('demo data is already seeded in this database')
  const file = join(dataDir, 'demo-cleveland-schools.csv')
  await importDirectory(db, readGiasFile(file, { source: 'demo-cleveland-schools.csv' }))
  const holidays = parseGovUkBankHolidays(JSON.parse(await readFile(join(dataDir, 'bank-holidays.json'), 'utf8')))
  await replaceBankHolidays(db, holidays)
  await putForce(db, 'cleveland', {
    name: 'Cleveland Police (demo)', ageMin: 0, ageMax: 17, contentProfile: 'minimal', copyDeputies: true,
    deskEmail: 'encompass.desk@cleveland.police.example', deliveryNotBefore: null, deliveryNotAfter: null,
    escalationLeadMinutes: DEMO_ESCALATION_LEAD_MINUTES, quietPeriodMinutes: 1440,
    // 01632 960xxx is Ofcom's range for drama: never a real line.
    deskPhone: '01632 960 123', guidance: null, keyAdultMaySpeakToFamily: null,
  })
  const rows = await openSchoolsIn(db, ['805', '806', '807', '808'])
  const schools: DemoSchool[] = []
  for (const [i, s] of rows.entries()) {
    const person = (k: number) => `${FIRST[(i + k) % FIRST.length]} ${LAST[(i * 3 + k) % LAST.length]}`
    const email = (k: number) => `${person(k).toLowerCase().replace(' ', '.')}.${s.urn}@schools.example`
    await putSchool(db, s.urn, {
      name: s.name, laCode: s.la_code,
      contacts: [{ role: 'dsl', name: person(0), email: email(0) }, { role: 'deputy', name: person(1), email: email(1) }],
    })
    const from = londonDateOf(new Date(opts.end.getTime() - 366 * 86_400_000))
    schools.push({ urn: s.urn, laCode: s.la_code, calendar: await loadSchoolCalendar(db, { urn: s.urn, laCode: s.la_code, dayStartsAt: null }, from) })
  }
  out(`demo directory: ${schools.length} Cleveland settings with invented Key Adults`)
  const incidents = generateDemoYear({ end: opts.end, incidents: opts.incidents, seed: opts.seed, forcePrefix: 'CLE' }, schools)
  return writeDemoYear(db, 'cleveland', incidents)
}
