// The officers' CSV uploads of incidents (migration 021): created by the page, read and worked
// through by one worker at a time (a claim with a heartbeat, taken over when the heartbeat stops),
// progress as it goes, and the outcome. The file itself is dropped when the work ends.
import type { CsvProblem } from '../domain/incident-csv.js'
import type { Queryable } from './db.js'

export interface UploadView {
  id: string
  forceCode: string
  filename: string | null
  totalRows: number
  rowsDone: number
  status: 'queued' | 'running' | 'done' | 'failed'
  accepted: number
  replayed: number
  refusedRows: number
  problems: CsvProblem[]
  incidentIds: string[]
  failure: string | null
  createdAt: Date
  finishedAt: Date | null
}

export async function createUpload(
  db: Queryable,
  u: { forceCode: string; uploadedBy: string; ageMin: number; ageMax: number; filename: string | null; csv: string; totalRows: number },
  now: Date,
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO incident_uploads (force_code, uploaded_by, age_min, age_max, filename, csv, total_rows, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [u.forceCode, u.uploadedBy, u.ageMin, u.ageMax, u.filename, u.csv, u.totalRows, now],
  )
  return rows[0]!.id
}

export interface ClaimedUpload {
  id: string
  forceCode: string
  ageBand: { ageMin: number; ageMax: number }
  csv: string
}

/** Takes an upload to work on: a queued one, or a running one whose worker stopped beating. */
export async function claimUpload(db: Queryable, id: string, now: Date, staleMs: number): Promise<ClaimedUpload | null> {
  const { rows } = await db.query<{ id: string; force_code: string; age_min: number; age_max: number; csv: string }>(
    `UPDATE incident_uploads SET status = 'running', started_at = coalesce(started_at, $2::timestamptz), heartbeat_at = $2::timestamptz
      WHERE id = $1 AND csv IS NOT NULL
        AND (status = 'queued' OR (status = 'running' AND heartbeat_at < $2::timestamptz - make_interval(secs => $3::double precision / 1000)))
      RETURNING id, force_code, age_min, age_max, csv`,
    [id, now, staleMs],
  )
  const r = rows[0]
  return r ? { id: r.id, forceCode: r.force_code, ageBand: { ageMin: r.age_min, ageMax: r.age_max }, csv: r.csv } : null
}

export async function recordUploadProgress(db: Queryable, id: string, rowsDone: number, now: Date): Promise<void> {
  await db.query(`UPDATE incident_uploads SET rows_done = $2, heartbeat_at = $3 WHERE id = $1 AND status = 'running'`, [id, rowsDone, now])
}

export async function finishUpload(
  db: Queryable,
  id: string,
  r: { accepted: number; replayed: number; refusedRows: number; problems: CsvProblem[]; incidentIds: string[]; rowsDone: number },
  now: Date,
): Promise<void> {
  await db.query(
    `UPDATE incident_uploads SET status = 'done', csv = NULL, rows_done = $2, accepted = $3, replayed = $4, refused_rows = $5,
            problems = $6::jsonb, incident_ids = $7::uuid[], finished_at = $8
      WHERE id = $1`,
    [id, r.rowsDone, r.accepted, r.replayed, r.refusedRows, JSON.stringify(r.problems), r.incidentIds, now],
  )
}

/** The work could not be finished (the reason names no child): the page says so; the file goes. */
export async function failUpload(db: Queryable, id: string, reason: string, now: Date): Promise<void> {
  await db.query(`UPDATE incident_uploads SET status = 'failed', csv = NULL, failure = $2, finished_at = $3 WHERE id = $1 AND status <> 'done'`, [id, reason, now])
}

/** One upload, only for its own force (null for another force's or an unknown id). */
export async function getUpload(db: Queryable, id: string, forceCode: string | null): Promise<UploadView | null> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT id, force_code, filename, total_rows, rows_done, status, accepted, replayed, refused_rows, problems, incident_ids, failure, created_at, finished_at
       FROM incident_uploads WHERE id = $1 AND ($2::text IS NULL OR force_code = $2)`,
    [id, forceCode],
  )
  const r = rows[0]
  if (!r) return null
  return {
    id: r.id as string, forceCode: r.force_code as string, filename: r.filename as string | null, totalRows: r.total_rows as number,
    rowsDone: r.rows_done as number, status: r.status as UploadView['status'], accepted: r.accepted as number, replayed: r.replayed as number,
    refusedRows: r.refused_rows as number, problems: r.problems as CsvProblem[], incidentIds: r.incident_ids as string[],
    failure: r.failure as string | null, createdAt: r.created_at as Date, finishedAt: r.finished_at as Date | null,
  }
}

/** Uploads waiting longer than `ms` for a worker (Redis was away when they came), or whose worker stopped. */
export async function uploadsToResume(db: Queryable, now: Date, ms: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM incident_uploads
      WHERE csv IS NOT NULL AND ((status = 'queued' AND created_at < $1) OR (status = 'running' AND heartbeat_at < $1))
      ORDER BY created_at LIMIT 20`,
    [new Date(now.getTime() - ms)],
  )
  return rows.map((r) => r.id)
}
