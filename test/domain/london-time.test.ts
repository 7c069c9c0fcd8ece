// Europe/London wall-clock arithmetic (src/domain/london-time.ts). Clock changes in 2026: BST from
// 01:00Z on Sunday 29 March to 01:00Z on Sunday 25 October.
import t from 'tap'
import {
  addDays, formatHhmm, isPlainDate, londonDateOf, londonInstant, londonWallClock, parseHhmm, parsePlainDate, weekdayOf,
} from '../../src/domain/london-time.js'

t.test('plain dates must be real calendar dates written YYYY-MM-DD', async (t) => {
  t.equal(parsePlainDate('2026-11-20'), Date.UTC(2026, 10, 20))
  t.ok(isPlainDate('2028-02-29'))
  for (const bad of ['2026-02-29', '2026-13-01', '2026-11-31', '2026-1-5', '20261120', '2026-11-20T00:00']) {
    t.notOk(isPlainDate(bad), bad)
  }
  t.throws(() => parsePlainDate('2026-02-30'), /invalid date "2026-02-30": expected a real calendar date YYYY-MM-DD/)
})

t.test('HH:MM between 00:00 and 23:59, both ways', async (t) => {
  t.equal(parseHhmm('00:00'), 0)
  t.equal(parseHhmm('08:30'), 510)
  t.equal(parseHhmm('23:59'), 1439)
  for (const bad of ['24:00', '12:60', '8:30', '08.30']) t.throws(() => parseHhmm(bad), /expected HH:MM/, bad)
  t.equal(formatHhmm(510), '08:30')
  t.equal(formatHhmm(0), '00:00')
  for (const bad of [-1, 1440, 1.5]) t.throws(() => formatHhmm(bad), /expected an integer 0–1439/, String(bad))
})

t.test('the London date and wall clock of an instant follow summer time', async (t) => {
  t.equal(londonDateOf(new Date('2026-06-30T23:30:00Z')), '2026-07-01', 'BST: past midnight locally')
  t.equal(londonDateOf(new Date('2026-11-30T23:30:00Z')), '2026-11-30', 'GMT: same date')
  t.same(londonWallClock(new Date('2026-06-10T07:30:59Z')), { date: '2026-06-10', minutes: 8 * 60 + 30 })
  t.same(londonWallClock(new Date('2026-11-20T00:00:00Z')), { date: '2026-11-20', minutes: 0 })
  t.throws(() => londonDateOf(new Date('nonsense')), /expected a valid Date/)
})

t.test('a wall-clock time becomes the right instant either side of the clock changes', async (t) => {
  t.same(londonInstant('2026-11-23', '08:30'), new Date('2026-11-23T08:30:00Z'))
  t.same(londonInstant('2026-06-10', '08:30'), new Date('2026-06-10T07:30:00Z'))
  t.same(londonInstant('2026-03-30', '08:30'), new Date('2026-03-30T07:30:00Z'), 'the Monday after spring forward')
  t.same(londonInstant('2026-10-26', '08:30'), new Date('2026-10-26T08:30:00Z'), 'the Monday after fall back')
})

t.test('a time in the spring gap moves forward; a repeated autumn time takes its first occurrence', async (t) => {
  t.same(londonInstant('2026-03-29', '01:30'), new Date('2026-03-29T01:30:00Z'), '01:30 does not exist: 02:30 BST')
  t.same(londonInstant('2026-10-25', '01:30'), new Date('2026-10-25T00:30:00Z'), '01:30 BST, not 01:30 GMT')
})

t.test('plain-date arithmetic across months, years and clock changes', async (t) => {
  t.equal(addDays('2026-12-31', 1), '2027-01-01')
  t.equal(addDays('2026-03-01', -1), '2026-02-28')
  t.equal(addDays('2026-03-28', 2), '2026-03-30')
  t.throws(() => addDays('2026-03-28', 0.5), /n must be an integer/)
  t.equal(weekdayOf('2026-11-20'), 5, 'a Friday')
  t.equal(weekdayOf('2026-11-22'), 0, 'a Sunday')
})
