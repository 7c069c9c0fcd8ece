// The two things the boards' dashboard needs beyond the latency report: how police-to-school
// delays are distributed, and the names of the local authorities it compares.
import type { Queryable } from './db.js'

export const DELAY_BUCKETS: { label: string; upTo: number }[] = [
  { label: '< 1 h', upTo: 3600 },
  { label: '1–2 h', upTo: 7200 },
  { label: '2–4 h', upTo: 14400 },
  { label: '4–8 h', upTo: 28800 },
  { label: '8–12 h', upTo: 43200 },
  { label: '12–24 h', upTo: 86400 },
  { label: '1–2 days', upTo: 172800 },
  { label: '> 2 days', upTo: Number.POSITIVE_INFINITY },
]

export async function delayDistribution(db: Queryable, from: string, to: string, filter: { la?: string | undefined; force?: string | undefined } = {}): Promise<{ label: string; count: number }[]> {
  const bounds = DELAY_BUCKETS.slice(0, -1).map((b) => b.upTo)
  const { rows } = await db.query<{ bucket: number; n: number }>(
    `SELECT width_bucket(extract(epoch FROM sent_at - police_aware_at), $3::float8[]) AS bucket, count(*)::int AS n
       FROM notifications
      WHERE sent_at IS NOT NULL
        AND police_aware_at >= ($1::date)::timestamp AT TIME ZONE 'Europe/London'
        AND police_aware_at < (($2::date + 1)::timestamp AT TIME ZONE 'Europe/London')
        AND ($4::text IS NULL OR la_code = $4) AND ($5::text IS NULL OR force_code = $5)
      GROUP BY 1`,
    [from, to, bounds, filter.la ?? null, filter.force ?? null],
  )
  const counts = new Map(rows.map((r) => [r.bucket, r.n]))
  return DELAY_BUCKETS.map((b, i) => ({ label: b.label, count: counts.get(i) ?? 0 }))
}

export async function laNames(db: Queryable, codes: string[]): Promise<Record<string, string>> {
  const { rows } = await db.query<{ la_code: string; la_name: string }>(
    `SELECT DISTINCT ON (la_code) la_code, la_name FROM schools WHERE la_code = ANY($1::text[]) AND la_name IS NOT NULL`,
    [codes],
  )
  return Object.fromEntries(rows.map((r) => [r.la_code, r.la_name]))
}

/** What the dashboard may be narrowed to: the LAs of the settings on file, and the forces. */
export async function filterChoices(db: Queryable): Promise<{ las: string[]; forces: string[] }> {
  const { rows } = await db.query<{ las: string[] | null; forces: string[] | null }>(
    `SELECT (SELECT array_agg(la_code ORDER BY la_code) FROM (SELECT DISTINCT la_code FROM schools WHERE la_code ~ '^[0-9]{3}$') l) AS las,
            (SELECT array_agg(code ORDER BY code) FROM forces) AS forces`,
  )
  return { las: rows[0]?.las ?? [], forces: rows[0]?.forces ?? [] }
}
