// The seeded generator (src/prng.ts): the same seed gives the same sequence, so the demo year and
// evaluation sets are repeatable.
import t from 'tap'
import { prng } from '../src/prng.js'

const take = (next: () => number, n: number) => Array.from({ length: n }, () => next())

t.test('the same seed gives the same sequence; another seed another', async (t) => {
  t.same(take(prng(42), 20), take(prng(42), 20))
  t.not(take(prng(42), 5).join(), take(prng(43), 5).join())
})

t.test('the seed is taken as an unsigned 32-bit integer', async (t) => {
  t.same(take(prng(-1), 5), take(prng(2 ** 32 - 1), 5))
  t.same(take(prng(2 ** 32 + 7), 5), take(prng(7), 5))
})

t.test('values fall in [0, 1) and spread evenly', async (t) => {
  const values = take(prng(2026), 20_000)
  t.ok(values.every((v) => v >= 0 && v < 1))
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  t.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`)
  const buckets = new Array<number>(10).fill(0)
  for (const v of values) buckets[Math.floor(v * 10)]!++
  t.ok(buckets.every((b) => b > 1800 && b < 2200), `deciles ${buckets.join(' ')}`)
})
