// The board's figures (GET /v1/reports/board, the monthly pack): stamp the facts the report counts
// that the hourly retention job has not stamped yet, count, then suppress small numbers
// (domain/board-report.ts). One home for the route and the pack.
import { suppressBoard, type BoardGroupBy, type SuppressedBoard } from '../domain/board-report.js'
import type { Db } from '../store/db.js'
import { boardReportRaw } from '../store/board-report-store.js'
import { stampReportFacts } from '../store/retention-store.js'

export interface BoardReportDeps {
  db: Db
  /** Where the counts are read (a replica may serve them); stamping writes to `db`. */
  reads?: Db | undefined
  pseudonymKey: string | null
  warn: (message: string) => void
}

export type BoardReportResult = { from: string; to: string; groupBy: BoardGroupBy; repeatCounts: boolean } & SuppressedBoard

export async function boardReport(deps: BoardReportDeps, q: { from: string; to: string; groupBy: BoardGroupBy }): Promise<BoardReportResult> {
  // A failure to stamp only delays the newest repeat counts: the report still answers.
  await stampReportFacts(deps.db, deps.pseudonymKey).catch((err: unknown) =>
    deps.warn(`report facts not stamped; the hourly job will (${err instanceof Error ? err.message : 'unknown error'})`))
  const raw = await boardReportRaw(deps.reads ?? deps.db, q)
  return { ...q, ...suppressBoard(raw.overall, raw.rows), repeatCounts: deps.pseudonymKey !== null }
}
