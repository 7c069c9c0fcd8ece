// Time as an input (src/domain/clock.ts): a manual clock tests set and move, a ticking clock pinned
// to a chosen start, and the system clock.
import t from 'tap'
import { ManualClock, TickingClock, systemClock } from '../../src/domain/clock.js'

t.test('a manual clock reads what it was set to, and moves only when told', async (t) => {
  const start = new Date('2026-11-20T22:20:00Z')
  const clock = new ManualClock(start)
  t.same(clock.now(), start)
  clock.advance(90 * 60_000)
  t.same(clock.now(), new Date('2026-11-20T23:50:00Z'))
  clock.set(new Date('2026-12-01T08:00:00Z'))
  t.same(clock.now(), new Date('2026-12-01T08:00:00Z'))
})

t.test('a manual clock hands out copies: changing a returned date moves nothing', async (t) => {
  const start = new Date('2026-11-20T22:20:00Z')
  const clock = new ManualClock(start)
  clock.now().setUTCFullYear(1999)
  t.same(clock.now(), new Date('2026-11-20T22:20:00Z'))
})

t.test('a ticking clock starts at its chosen moment and never runs backwards', async (t) => {
  const start = new Date('2026-11-20T22:20:00Z')
  const clock = new TickingClock(start)
  const a = clock.now().getTime()
  const b = clock.now().getTime()
  t.ok(a >= start.getTime(), 'not before its start')
  t.ok(b >= a, 'monotone between reads')
  t.ok(a < new Date('2026-11-21T00:00:00Z').getTime(), 'pinned to the chosen day, not today')
})

t.test('the system clock reads the real time', async (t) => {
  const before = Date.now()
  const now = systemClock.now().getTime()
  t.ok(now >= before && now <= Date.now())
})
