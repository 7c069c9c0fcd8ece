// Small-number suppression, as a property: for any table of counts with row, column and grand
// totals (some parts never shown), no count from 1 to 4 is shown, and none can be worked out from
// what is shown by any combination of the table's sums. The check below is independent of the
// implementation: exact rational arithmetic, and for each small cell it looks for a second
// solution of the sums (a direction in their null space) that changes that cell.
import fc from 'fast-check'
import t from 'tap'
import { determined, suppress, type Cell, type Sum } from '../../src/domain/suppression.js'

type Q = [bigint, bigint]
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b))
const norm = ([n, d]: Q): Q => {
  if (n === 0n) return [0n, 1n]
  const g = gcd(n, d) * (d < 0n ? -1n : 1n)
  return [n / g, d / g]
}
const sub = (a: Q, b: Q): Q => norm([a[0] * b[1] - b[0] * a[1], a[1] * b[1]])
const mul = (a: Q, b: Q): Q => norm([a[0] * b[0], a[1] * b[1]])
const div = (a: Q, b: Q): Q => norm([a[0] * b[1], a[1] * b[0]])

/** Whether the unknown cell `target` takes one value in every solution of the sums (exact). */
function pinned(target: string, unknowns: string[], sums: Sum[]): boolean {
  const col = new Map(unknowns.map((u, i) => [u, i]))
  const rows: Q[][] = sums.map((s) => {
    const r: Q[] = unknowns.map(() => [0n, 1n] as Q)
    const add = (id: string, k: bigint) => { const i = col.get(id); if (i !== undefined) r[i] = norm([r[i]![0] + k * r[i]![1], r[i]![1]]) }
    add(s.total, 1n)
    for (const p of s.parts) add(p, -1n)
    return r
  })
  // Null space: reduce, then a free variable's direction. The target is pinned iff every null-space vector is 0 there.
  const pivots: number[] = []
  let r = 0
  for (let c = 0; c < unknowns.length && r < rows.length; c++) {
    const p = rows.findIndex((row, i) => i >= r && row[c]![0] !== 0n)
    if (p < 0) continue
    ;[rows[r], rows[p]] = [rows[p]!, rows[r]!]
    const pv = rows[r]![c]!
    rows[r] = rows[r]!.map((x) => div(x, pv))
    for (let i = 0; i < rows.length; i++) if (i !== r && rows[i]![c]![0] !== 0n) {
      const f = rows[i]![c]!
      rows[i] = rows[i]!.map((x, k) => sub(x, mul(f, rows[r]![k]!)))
    }
    pivots.push(c)
    r++
  }
  const ti = col.get(target)!
  const free = unknowns.map((_, i) => i).filter((i) => !pivots.includes(i))
  if (free.includes(ti)) return false
  const pr = pivots.indexOf(ti)
  return free.every((f) => rows[pr]![f]![0] === 0n)
}

const table = fc.record({
  rows: fc.integer({ min: 1, max: 4 }),
  cols: fc.integer({ min: 1, max: 4 }),
  values: fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 40 })), { minLength: 16, maxLength: 16 }),
  hidden: fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
})

function build({ rows, cols, values, hidden }: { rows: number; cols: number; values: number[]; hidden: boolean[] }) {
  const cells = new Map<string, Cell>()
  const sums: Sum[] = []
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    // Some parts are never shown (a remainder): at most one per row, as in the board report.
    cells.set(`${i},${j}`, { value: values[i * 4 + j]!, shown: !(hidden[i * 4 + j] && j === cols - 1 && cols > 1) })
  }
  for (let i = 0; i < rows; i++) {
    let v = 0
    for (let j = 0; j < cols; j++) v += cells.get(`${i},${j}`)!.value
    cells.set(`${i},T`, { value: v, shown: true })
    sums.push({ total: `${i},T`, parts: [...Array(cols).keys()].map((j) => `${i},${j}`) })
  }
  for (const j of [...[...Array(cols).keys()].map(String), 'T']) {
    let v = 0
    for (let i = 0; i < rows; i++) v += cells.get(`${i},${j}`)!.value
    cells.set(`O,${j}`, { value: v, shown: true })
    sums.push({ total: `O,${j}`, parts: [...Array(rows).keys()].map((i) => `${i},${j}`) })
  }
  sums.push({ total: 'O,T', parts: [...Array(cols).keys()].map((j) => `O,${j}`) })
  return { cells, sums }
}

t.test('no count from 1 to 4 is shown, and nothing withheld is derivable by any combination of the sums', async (t) => {
  fc.assert(fc.property(table, (spec) => {
    const { cells, sums } = build(spec)
    const withheld = suppress(cells, sums)
    const unknowns = [...cells.keys()].filter((id) => !cells.get(id)!.shown || withheld.has(id))
    for (const [id, c] of cells) {
      if (c.value >= 1 && c.value <= 4) {
        if (c.shown && !withheld.has(id)) return false
        if (pinned(id, unknowns, sums)) return false
      }
      if (withheld.has(id) && pinned(id, unknowns, sums)) return false // nothing withheld can be worked out
    }
    return true
  }), { numRuns: 400, seed: 16 })
  t.pass('held for 400 tables')
})

t.test('a suppression that stops at the small cell alone would be caught', async (t) => {
  // Row 0: 3 + 10 = 13. Hiding only the 3 leaves it as 13 − 10.
  const cells = new Map<string, Cell>([['a', { value: 3, shown: true }], ['b', { value: 10, shown: true }], ['t', { value: 13, shown: true }]])
  const sums = [{ total: 't', parts: ['a', 'b'] }]
  t.ok(determined(cells, sums, (id) => id === 'a').has('a'), 'the lone hidden cell is derivable')
  t.ok(pinned('a', ['a'], sums), 'and the independent check agrees')
  const withheld = suppress(cells, sums)
  t.same([...withheld].sort(), ['a', 'b'], 'so its complement is hidden too')
})

t.test('a remainder that is never shown is protected as well', async (t) => {
  // 12 children notified, 9 of them notified twice or more: "notified once" (3) is never shown but 12 − 9.
  const cells = new Map<string, Cell>([['n', { value: 12, shown: true }], ['r2', { value: 9, shown: true }], ['once', { value: 3, shown: false }]])
  const withheld = suppress(cells, [{ total: 'n', parts: ['r2', 'once'] }])
  t.ok(withheld.has('r2') || withheld.has('n'))
  t.same(suppress(new Map([['n', { value: 12, shown: true }], ['r2', { value: 7, shown: true }], ['once', { value: 5, shown: false }]]), [{ total: 'n', parts: ['r2', 'once'] }]).size, 0, 'nothing hidden when nothing is small')
})
