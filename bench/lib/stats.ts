// Percentiles as PostgreSQL's percentile_cont computes them (linear interpolation), and small
// formatting helpers for the benchmark table.

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  const rank = (p / 100) * (sorted.length - 1)
  const lo = Math.floor(rank)
  const hi = Math.ceil(rank)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo)
}

export interface Percentiles {
  n: number
  p50: number
  p95: number
  p99: number
  max: number
}

export function summarise(values: number[]): Percentiles {
  const s = [...values].sort((a, b) => a - b)
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s.at(-1) ?? NaN }
}

export const fmt = (v: number, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a')
