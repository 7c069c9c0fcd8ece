// The monthly board pack end to end: notifications in real Postgres, the PDF written by the CLI and
// served by the dashboard's button (printed by real headless Chromium), read back with a PDF
// reader: the month's figures and reading are in it, small numbers are withheld as in the JSON,
// and nothing about a child is.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { runCli } from '../../src/cli.js'
import { createHarness } from '../helpers/harness.js'
import { pdfText } from '../helpers/pdf-text.js'

const h = await createHarness()
t.teardown(() => h.close())
const { db } = h.services
const dir = mkdtempSync(join(tmpdir(), 'pack-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

await db.query(`INSERT INTO forces (code) VALUES ('cleveland') ON CONFLICT DO NOTHING`)
await db.query(`INSERT INTO schools (urn, name, la_code, phase) VALUES ('111003', 'Seaview Primary', '805', 'Primary'), ('222001', 'Hill Secondary', '391', 'Secondary')`)

/** A sent notification of November 2026 for a child `given` Packchild; late ones are sent after their deadline. */
async function notified(n: number, la: string, urn: string, opts: { late?: boolean; risk?: string; ack?: boolean }) {
  const aware = new Date(Date.UTC(2026, 10, 2 + (n % 20), 19, 30))
  const due = new Date(aware.getTime() + 13 * 3_600_000)
  const sent = new Date(aware.getTime() + (opts.late ? 14 : 1) * 3_600_000)
  const inc = await db.query<{ id: string }>(
    `INSERT INTO incidents (force_code, reference, content_hash, record_hash, police_aware_at, incident_type, risk_level, summary, received_at)
     VALUES ('cleveland', $1, 'x', 'y', $2, 'crime', $3, 'Summary', $2) RETURNING id`, [`PACK-${n}`, aware, opts.risk ?? 'standard'])
  const child = await db.query<{ id: string }>(
    `INSERT INTO children (incident_id, position, given_name, family_name, date_of_birth, present, match_status, match_urn, match_method, matched_at)
     VALUES ($1, 0, $2, 'Packchild', '2016-05-04', true, 'matched', $3, 'urn', $4) RETURNING id`, [inc.rows[0]!.id, `Zebedee${n}`, urn, aware])
  await db.query(
    `INSERT INTO notifications (child_id, incident_id, force_code, urn, la_code, status, police_aware_at, received_at, matched_at, due_by, school_day,
                                send_after, message_id, recipients, sent_at, acknowledged_at, acknowledged_by)
     VALUES ($1, $2, 'cleveland', $3, $4, $5, $6, $6, $6, $7, '2026-11-03', $6, $8, '{ka@example.org}', $9, $10, $11)`,
    [child.rows[0]!.id, inc.rows[0]!.id, urn, la, opts.ack === false ? 'sent' : 'acknowledged', aware, due, `pack${n}@encompass-notify`, sent,
      opts.ack === false ? null : new Date(sent.getTime() + 1_800_000), opts.ack === false ? null : 'Key Adult'])
}
// LA 805: twenty children, five told late, three of high risk (a small number); LA 391: six.
for (let i = 0; i < 20; i++) await notified(i, '805', '111003', { late: i < 5, risk: i >= 17 ? 'high' : 'standard' })
for (let i = 20; i < 26; i++) await notified(i, '391', '222001', { ack: i !== 20 })

t.test('cli report pack writes the month as a PDF a reader opens, with its figures and reading', async (t) => {
  const out = join(dir, 'pack-805.pdf')
  const lines: string[] = []
  await runCli(['report', 'pack', '--la', '805', '--month', '2026-11', '--out', out], db, (l) => lines.push(l))
  t.match(lines.at(-1), /^board pack for LA 805, November 2026: .*pack-805\.pdf \(\d+ bytes\)$/)
  const pdf = readFileSync(out)
  t.equal(pdf.subarray(0, 5).toString(), '%PDF-')
  const { pages, text } = await pdfText(pdf)
  t.ok(pages >= 1)
  t.match(text, /Operation Encompass: board pack/)
  t.match(text, /Hartlepool \(LA 805\)/, 'the LA by name, from the LA table')
  t.match(text, /November 2026/)
  t.match(text, /20 children in Hartlepool \(LA 805\) were the subject of a notification in November 2026\./)
  t.match(text, /75% of children were known to their school before the next school day\./)
  t.match(text, /Known to the school before the next school day 15/)
  t.match(text, /High <5/, 'three children of high risk: withheld')
  t.notMatch(text, /High 3\b/)
  t.notMatch(text, /Zebedee|Packchild|2016-05-04|ka@example\.org/, 'nothing about a child')
  t.notMatch(text, /Hill Secondary|LA 391/, "nothing of another LA's month")
})

t.test('the same figures as the board report withholds: every "<5" in the pack is null in the JSON', async (t) => {
  const auditor = await h.token('auditor')
  const res = await h.app.inject({ method: 'GET', url: '/v1/reports/board?from=2026-11-01&to=2026-11-30&groupBy=la', headers: { authorization: `Bearer ${auditor}` } })
  const row = res.json().rows.find((r: { key: string }) => r.key === '805')
  t.equal(row.riskLevels.high, null)
  t.equal(row.onTime, 15)
  t.equal(row.onTimeRate, 0.75)
  t.same(row.policeToSentSeconds, { p50: 3600, p90: 50400 })
})

t.test("the dashboard's button: a PDF for auditors and admins, a clear refusal for anything else", async (t) => {
  const auditor = await h.token('auditor')
  const get = (query: string, token = auditor) =>
    h.app.inject({ method: 'GET', url: `/dashboard/pack.pdf?${query}`, headers: { authorization: `Bearer ${token}` } })
  const res = await get('la=391&month=2026-11')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/pdf/)
  t.match(res.headers['content-disposition'], /attachment; filename="board-pack-391-2026-11\.pdf"/)
  const { text } = await pdfText(res.rawPayload)
  t.match(text, /6 children in Newcastle upon Tyne \(LA 391\)/)
  // Five of six acknowledged: the one not acknowledged is a small number, so the five is withheld too.
  t.match(text, /Acknowledged by a Key Adult \[c\]/)
  t.notMatch(text, /83%|acknowledged 5\b/, 'no share or count that gives the one away')

  const bad = await get('la=999&month=2026-13')
  t.equal(bad.statusCode, 422)
  t.same(bad.json().errors.map((e: { path: string }) => e.path), ['/la', '/month'])
  t.equal((await get('la=80&month=2026-11')).statusCode, 400)
  t.equal((await get('la=805&month=2026-11', await h.token('police', 'cleveland'))).statusCode, 403)
  const anonymous = await h.app.inject({ method: 'GET', url: '/dashboard/pack.pdf?la=805&month=2026-11', headers: { accept: 'text/html' } })
  t.equal(anonymous.statusCode, 303, 'a person not signed in is sent to sign in')
  t.match(anonymous.headers.location, /^\/(sign-in|dashboard\/login)/)
  const audit = await db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'report.pack'`)
  t.equal(audit.rows[0].n, 1, 'the download is audited; refusals are not a download')
})
