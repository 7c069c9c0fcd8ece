// An officer's uploaded CSV as the store keeps it: one worker at a time holds it (a claim with a
// heartbeat, taken over once the heartbeat stops), the page reads its progress, and when the work
// ends, done or failed, the file itself is gone and the outcome stays.
import t from 'tap'
import { claimUpload, createUpload, failUpload, finishUpload, getUpload, recordUploadProgress, uploadsToResume } from '../../src/store/uploads-store.js'
import { createTestDatabase } from '../helpers/harness.js'

const database = await createTestDatabase()
t.teardown(() => database.drop())
const db = database.db
await db.query(`INSERT INTO forces (code) VALUES ('f1'), ('f2') ON CONFLICT DO NOTHING`)

const T0 = new Date('2026-11-20T09:00:00Z')
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000)
const CSV = 'reference,surname\nR1,Smith\nR2,Jones\nR3,Brown\n'
const upload = (forceCode = 'f1') =>
  createUpload(db, { forceCode, uploadedBy: 'officer-1', ageMin: 0, ageMax: 17, filename: 'night.csv', csv: CSV, totalRows: 3 }, T0)

t.test('the officer sees the rows done so far while a worker holds the upload, and the counts when it is done', async (t) => {
  const id = await upload()
  const claimed = await claimUpload(db, id, at(1), 60_000)
  t.same(claimed, { id, forceCode: 'f1', ageBand: { ageMin: 0, ageMax: 17 }, csv: CSV })
  await recordUploadProgress(db, id, 2, at(2))
  t.match(await getUpload(db, id, 'f1'), { status: 'running', rowsDone: 2, totalRows: 3, finishedAt: null })

  await finishUpload(db, id, { accepted: 2, replayed: 0, refusedRows: 1, problems: [], incidentIds: [], rowsDone: 3 }, at(3))
  const done = await getUpload(db, id, 'f1')
  t.match(done, { status: 'done', rowsDone: 3, accepted: 2, refusedRows: 1, failure: null })
  t.same(done!.finishedAt, at(3))
  // A late heartbeat from a worker that lost the claim changes nothing on a finished upload.
  await recordUploadProgress(db, id, 1, at(4))
  t.equal((await getUpload(db, id, 'f1'))!.rowsDone, 3)
  t.equal(await claimUpload(db, id, at(600), 1_000), null, 'a finished upload cannot be claimed again: its file is gone')
})

t.test('an upload whose work failed shows the reason, keeps no file, and is not resumed', async (t) => {
  const id = await upload()
  await claimUpload(db, id, at(1), 60_000)
  await failUpload(db, id, 'the file could not be read as CSV', at(5))
  t.match(await getUpload(db, id, 'f1'), { status: 'failed', failure: 'the file could not be read as CSV' })
  t.same((await getUpload(db, id, 'f1'))!.finishedAt, at(5))
  t.equal(await claimUpload(db, id, at(600), 1_000), null)
  t.notOk((await uploadsToResume(db, at(600), 1_000)).includes(id))
  const { rows } = await db.query(`SELECT csv FROM incident_uploads WHERE id = $1`, [id])
  t.equal(rows[0].csv, null, 'the uploaded file is dropped')
})

t.test('a failure reported after the upload was done does not turn it into a failed one', async (t) => {
  const id = await upload()
  await claimUpload(db, id, at(1), 60_000)
  await finishUpload(db, id, { accepted: 3, replayed: 0, refusedRows: 0, problems: [], incidentIds: [], rowsDone: 3 }, at(2))
  await failUpload(db, id, 'worker gave up', at(3))
  t.match(await getUpload(db, id, 'f1'), { status: 'done', accepted: 3, failure: null })
})

t.test('a running upload is taken over only once its worker has stopped beating', async (t) => {
  const id = await upload()
  t.ok(await claimUpload(db, id, at(1), 60_000))
  t.equal(await claimUpload(db, id, at(30), 60_000), null, 'held by a worker that beat 29 s ago')
  await recordUploadProgress(db, id, 1, at(50))
  t.equal(await claimUpload(db, id, at(100), 60_000), null, 'the heartbeat at 50 s keeps it held at 100 s')
  t.ok((await uploadsToResume(db, at(200), 60_000)).includes(id), 'silent for 150 s: offered for resuming')
  t.ok(await claimUpload(db, id, at(200), 60_000), 'and another worker takes it')
})

t.test("another force's officer cannot read the upload", async (t) => {
  const id = await upload('f2')
  t.equal(await getUpload(db, id, 'f1'), null)
  t.match(await getUpload(db, id, 'f2'), { forceCode: 'f2', filename: 'night.csv' })
  t.match(await getUpload(db, id, null), { forceCode: 'f2' }, 'an administrator reads any force')
})
