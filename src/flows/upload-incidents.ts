// An officer's CSV of incidents (/incidents/upload). Taking the file is quick: its header and row
// count are checked, it is stored, and its id is handed to the upload queue. A worker then reads
// it, judges each incident by the API's schema (domain/incident-csv.ts) and receives each good one
// through the very flow of POST /v1/incidents (receive-incident.ts), so a resubmitted file makes
// nothing new (idempotent by reference) and a refused row stores nothing. Progress is recorded as
// it goes for the page that watches; at the end the file is dropped and the outcome kept.
import { checkIncidentCsv, problemsOfRules, readIncidentCsv, type CsvProblem } from '../domain/incident-csv.js'
import { bestEffort } from '../queue/queues.js'
import type { Services } from '../services.js'
import { claimUpload, createUpload, failUpload, finishUpload, recordUploadProgress, uploadsToResume } from '../store/uploads-store.js'
import { receiveIncident } from './receive-incident.js'

/** A worker that has not recorded progress for this long is taken to have stopped. */
export const UPLOAD_STALE_MS = 60_000
/** Progress is recorded after this many rows. */
const PROGRESS_EVERY = 100

export type UploadTaken = { kind: 'refused'; problem: CsvProblem } | { kind: 'queued'; id: string }

export async function takeIncidentUpload(
  services: Services,
  from: { forceCode: string; ageBand: { ageMin: number; ageMax: number }; uploadedBy: string },
  file: { filename: string | null; text: string },
): Promise<UploadTaken> {
  const checked = checkIncidentCsv(file.text)
  if ('problem' in checked) return { kind: 'refused', problem: checked.problem }
  const id = await createUpload(services.db, {
    forceCode: from.forceCode, uploadedBy: from.uploadedBy, ageMin: from.ageBand.ageMin, ageMax: from.ageBand.ageMax,
    filename: file.filename, csv: file.text, totalRows: checked.rows,
  }, services.clock.now())
  // Postgres holds it now; with Redis away, the sweeper hands it over later (resumeUploads).
  await bestEffort(() => services.queues.addUpload(id))
  return { kind: 'queued', id }
}

/** Works through one upload. Returns false when there was nothing to do (done, or another worker has it). */
export async function processIncidentUpload(services: Services, id: string): Promise<boolean> {
  const { db, clock } = services
  const claim = await claimUpload(db, id, clock.now(), UPLOAD_STALE_MS)
  if (!claim) return false
  try {
    const read = readIncidentCsv(claim.csv)
    const problems = [...read.problems]
    const incidentIds: string[] = []
    let accepted = 0
    let replayed = 0
    let done = problems.length === 0 ? 0 : new Set(problems.map((p) => p.line)).size
    let sinceProgress = 0
    for (const incident of read.incidents) {
      const outcome = await receiveIncident(services, { forceCode: claim.forceCode, ageBand: claim.ageBand }, incident.input)
      if (outcome.kind === 'rejected') problems.push(...problemsOfRules(incident, outcome.errors))
      else if (outcome.kind === 'conflict') {
        problems.push({ line: incident.lines[0]!, column: 'reference', message: `is already used by another incident with different details (${incident.reference})` })
      } else {
        incidentIds.push(outcome.incident.id)
        if (outcome.kind === 'accepted') accepted++
        else replayed++
      }
      done += incident.lines.length
      sinceProgress += incident.lines.length
      if (sinceProgress >= PROGRESS_EVERY) {
        sinceProgress = 0
        await recordUploadProgress(db, id, Math.min(done, read.rows), clock.now())
      }
    }
    problems.sort((a, b) => a.line - b.line)
    const refusedRows = new Set(problems.map((p) => p.line)).size
    await finishUpload(db, id, { accepted, replayed, refusedRows, problems, incidentIds, rowsDone: read.rows }, clock.now())
    services.logger.info({ uploadId: id, force: claim.forceCode, rows: read.rows, accepted, replayed, refusedRows }, 'incident upload processed')
    return true
  } catch (err) {
    // Left running, the sweeper hands it to a worker again once the heartbeat is stale; the
    // incidents already received are found again by reference, so nothing is made twice.
    services.logger.warn({ uploadId: id, err: err instanceof Error ? err.name : 'unknown' }, 'incident upload interrupted; it will be resumed')
    throw err
  }
}

/** The upload gave up after every retry: it ends visibly failed and its file is dropped. */
export async function giveUpUpload(services: Services, id: string, reason: string): Promise<void> {
  await failUpload(services.db, id, reason, services.clock.now())
}

/** Uploads that no worker has (Redis was away, or a worker died): handed to the queue again. */
export async function resumeUploads(services: Services): Promise<number> {
  const ids = await uploadsToResume(services.db, services.clock.now(), UPLOAD_STALE_MS)
  for (const id of ids) await bestEffort(() => services.queues.addUpload(id))
  return ids.length
}
