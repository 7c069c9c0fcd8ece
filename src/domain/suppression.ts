// Small-number suppression for the board's figures (issue 16). A count from 1 to 4 is never
// shown, and no shown figure lets one be worked out by subtraction within the same report
// (complementary suppression).
//
// A report is cells (counts) and the sums that tie them together ("this total is the sum of these
// parts": the children notified of a row are the sum of its age bands, a figure of the overall row
// is the sum of the rows' figures). Some parts are never shown (the children notified once only,
// "notified minus notified twice or more"), but they are still parts of a sum. A cell is derivable
// when the shown cells and the sums pin its value down: in linear-algebra terms, when its column
// is determined in the reduced row-echelon form of the sums over the cells not shown. Suppression
// hides every 1–4, then, while any withheld figure or small hidden remainder is derivable, hides
// one more figure of a sum it is pinned by (the smallest non-zero part, else the total), and
// checks again. So nothing withheld can be worked out from what is shown.
// Pure: no I/O. Property-tested in test/domain/suppression.test.ts.

export interface Cell {
  value: number
  /** false for a part that is never shown but takes part in sums (a derived remainder). */
  shown: boolean
}

export interface Sum {
  total: string
  parts: string[]
}

export const isSmall = (n: number) => n >= 1 && n <= 4

/** Which cells to withhold: every small one shown, and enough others that no small one is derivable. */
export function suppress(cells: ReadonlyMap<string, Cell>, sums: readonly Sum[]): Set<string> {
  const withheld = new Set<string>()
  for (const [id, c] of cells) if (c.shown && isSmall(c.value)) withheld.add(id)
  const smallHidden = [...cells].filter(([, c]) => !c.shown && isSmall(c.value)).map(([id]) => id)
  for (let guard = 0; guard <= cells.size; guard++) {
    const unknown = (id: string) => !cells.get(id)!.shown || withheld.has(id)
    const derivable = determined(cells, sums, unknown)
    // Nothing withheld may be worked out (a complement worked out is a withheld figure shown after
    // all), nor any small remainder that is never shown.
    const exposed = [...withheld, ...smallHidden].filter((id) => derivable.has(id))
    if (exposed.length === 0) return withheld
    let added = false
    for (const id of exposed) {
      const complement = complementFor(id, cells, sums, withheld)
      if (complement !== null && !withheld.has(complement)) {
        withheld.add(complement)
        added = true
      }
    }
    if (!added) {
      // No non-zero figure left to hide in its sums: hide every shown figure of them, zeros too;
      // if even that hides nothing new, the value comes through other sums: hide everything.
      const before = withheld.size
      for (const id of exposed) for (const s of sums) if (s.total === id || s.parts.includes(id)) {
        for (const m of [s.total, ...s.parts]) if (cells.get(m)!.shown) withheld.add(m)
      }
      if (withheld.size === before) for (const [id, c] of cells) if (c.shown) withheld.add(id)
    }
  }
  // Never reached (each round hides at least one more cell); to be safe, hide everything.
  return new Set([...cells].filter(([, c]) => c.shown).map(([id]) => id))
}

/** The figure to hide next to protect `id`: in a sum it belongs to, the smallest shown non-zero part, else that sum's total. */
function complementFor(id: string, cells: ReadonlyMap<string, Cell>, sums: readonly Sum[], withheld: Set<string>): string | null {
  const visible = (m: string) => m !== id && cells.get(m)!.shown && !withheld.has(m)
  let best: { id: string; value: number; isTotal: boolean } | null = null
  for (const s of sums) {
    if (s.total !== id && !s.parts.includes(id)) continue
    for (const m of [...s.parts, s.total]) {
      if (!visible(m)) continue
      const v = cells.get(m)!.value
      if (v === 0) continue
      const isTotal = m === s.total
      // Prefer a part to a total (a total hidden hides more), then the smallest.
      if (!best || (best.isTotal && !isTotal) || (best.isTotal === isTotal && v < best.value)) best = { id: m, value: v, isTotal }
    }
  }
  return best?.id ?? null
}

/**
 * The unknown cells whose values the sums pin down, given the known ones: Gauss–Jordan elimination
 * over the unknown columns (coefficients are small integers; a tolerance absorbs rounding).
 */
export function determined(cells: ReadonlyMap<string, Cell>, sums: readonly Sum[], unknown: (id: string) => boolean): Set<string> {
  const cols = [...cells.keys()].filter(unknown)
  const index = new Map(cols.map((id, i) => [id, i]))
  const rows: number[][] = []
  for (const s of sums) {
    const row = new Array<number>(cols.length).fill(0)
    let any = false
    const add = (id: string, coef: number) => {
      const i = index.get(id)
      if (i !== undefined) {
        row[i]! += coef
        any = true
      }
    }
    add(s.total, 1)
    for (const p of s.parts) add(p, -1)
    if (any) rows.push(row)
  }
  const EPS = 1e-9
  let r = 0
  const pivotOf: number[] = []
  for (let c = 0; c < cols.length && r < rows.length; c++) {
    let p = -1
    for (let i = r; i < rows.length; i++) if (Math.abs(rows[i]![c]!) > EPS) { p = i; break }
    if (p < 0) continue
    ;[rows[r], rows[p]] = [rows[p]!, rows[r]!]
    const pr = rows[r]!
    const pv = pr[c]!
    for (let k = c; k < cols.length; k++) pr[k]! /= pv
    for (let i = 0; i < rows.length; i++) {
      if (i === r) continue
      const f = rows[i]![c]!
      if (Math.abs(f) <= EPS) continue
      const ri = rows[i]!
      for (let k = c; k < cols.length; k++) ri[k]! -= f * pr[k]!
    }
    pivotOf[r] = c
    r++
  }
  const out = new Set<string>()
  for (let i = 0; i < r; i++) {
    const row = rows[i]!
    let nonzero = 0
    for (let k = 0; k < cols.length; k++) if (Math.abs(row[k]!) > EPS) nonzero++
    if (nonzero === 1) out.add(cols[pivotOf[i]!]!)
  }
  return out
}
