// Dates and times as the pages show them (src/http/format.ts): GOV.UK style, London time.
import t from 'tap'
import { dateTime, longDate, longPlainDate, time } from '../../src/http/format.js'

t.test('a long date is the London date, in winter and in summer', async (t) => {
  t.equal(longDate(new Date('2026-11-20T23:30:00Z')), 'Friday 20 November 2026')
  t.equal(longDate(new Date('2026-06-30T23:30:00Z')), 'Wednesday 1 July 2026', '00:30 BST is the next day')
})

t.test('a plain date is a calendar day, whatever the season', async (t) => {
  t.equal(longPlainDate('2026-11-23'), 'Monday 23 November 2026')
  t.equal(longPlainDate('2026-03-29'), 'Sunday 29 March 2026')
  t.equal(longPlainDate('not a date'), 'not a date', 'anything else is shown as it is')
})

t.test('times in GOV.UK style: am/pm, midday and midnight', async (t) => {
  t.equal(time(new Date('2026-11-23T08:30:00Z')), '8:30am')
  t.equal(time(new Date('2026-06-10T07:30:00Z')), '8:30am', 'BST')
  t.equal(time(new Date('2026-11-23T17:05:00Z')), '5:05pm')
  t.equal(time(new Date('2026-11-23T12:00:00Z')), 'midday')
  t.equal(time(new Date('2026-11-23T12:01:00Z')), '12:01pm')
  t.equal(time(new Date('2026-11-23T00:00:00Z')), 'midnight')
  t.equal(time(new Date('2026-11-23T00:15:00Z')), '12:15am')
})

t.test('a date and time together', async (t) => {
  t.equal(dateTime(new Date('2026-11-23T08:30:00Z')), '8:30am on Monday 23 November 2026')
})
