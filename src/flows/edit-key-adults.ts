// Editing settings' Key Adults in place: one setting's changes (PATCH /v1/schools/{urn} and the
// settings pages) or many settings' at once (the bulk CSV upload), each setting's list read and
// written under a lock so concurrent edits queue rather than overwrite each other. The rules are
// domain/contacts.ts's; the setting's register facts (name, LA, type, start time) are not touched.
// A bulk upload is all or nothing: one bad row and no setting is changed. Children held for want
// of a named Key Adult at an edited setting go back to be matched.
import { keyAdultChanges, type ContactProblem, type KeyAdult, type KeyAdultChanges } from '../domain/contacts.js'
import type { KeyAdultRow } from '../domain/key-adult-csv.js'
import { londonDateOf } from '../domain/london-time.js'
import type { Services } from '../services.js'
import { withTransaction, type TxClient } from '../store/db.js'
import { isLaContactUrn } from '../store/la-contacts-store.js'
import { getSchool, lockManySchoolContacts, lockSchoolContacts, replaceManySchoolContacts, replaceSchoolContacts, type School } from '../store/schools-store.js'
import { rematchHeld } from './match-child.js'

/**
 * What an audit entry records of an edit: how many people were added, changed and removed, and
 * how many the setting has after it. Counts only, as for PUT: the audit log outlives a contact row.
 */
export interface EditSummary {
  added: number
  updated: number
  removed: number
  keyAdults: number
}

export type EditResult =
  | { kind: 'not-found' }
  | { kind: 'refused'; problems: ContactProblem[] }
  | { kind: 'saved'; school: School; summary: EditSummary; rematched: number }

const summaryOf = (changes: KeyAdultChanges, after: KeyAdult[]): EditSummary => ({
  added: changes.add?.length ?? 0,
  updated: changes.update?.length ?? 0,
  removed: changes.remove?.length ?? 0,
  keyAdults: after.length,
})

/** One setting's changes; `record` writes the audit entry in the same transaction. */
export async function editKeyAdults(
  services: Services,
  urn: string,
  changes: KeyAdultChanges,
  record: (client: TxClient, summary: EditSummary) => Promise<void>,
): Promise<EditResult> {
  // An LA's children's services contact is kept as a setting of its own, with its own rules.
  if (isLaContactUrn(urn)) return { kind: 'not-found' }
  const today = londonDateOf(services.clock.now())
  const outcome = await withTransaction(services.db, async (client): Promise<EditResult | { kind: 'written'; summary: EditSummary }> => {
    const current = await lockSchoolContacts(client, urn)
    if (current === null) return { kind: 'not-found' }
    const { contacts, problems } = keyAdultChanges(current, changes, today)
    if (problems.length > 0) return { kind: 'refused', problems }
    await replaceSchoolContacts(client, urn, contacts)
    const summary = summaryOf(changes, contacts)
    await record(client, summary)
    return { kind: 'written', summary }
  })
  if (outcome.kind !== 'written') return outcome
  const rematched = outcome.summary.keyAdults > 0 ? await rematchHeld(services, { reasons: ['no-key-adult'], urn }) : 0
  const school = await getSchool(services.db, urn)
  return { kind: 'saved', school: school!, summary: outcome.summary, rematched }
}

/** Up to this many settings in an upload, held children are sent back to be matched setting by setting. */
const REMATCH_ONE_BY_ONE = 50

/** A problem with one row of an uploaded file, by its line number. */
export interface RowProblem {
  line: number
  field: string
  message: string
}

export type BulkResult =
  | { kind: 'refused'; problems: RowProblem[] }
  | { kind: 'saved'; settings: number; added: number; updated: number; rematched: number }

/**
 * Rows of Key Adults for any settings: a row whose address is already on its setting's list
 * updates that person (role, name, telephone, training date), any other row adds one. All or
 * nothing: every row is checked against every setting's list (all locked, read and written in a
 * few statements, so a large LA's file takes a second, not minutes) and one problem anywhere
 * rolls the whole upload back. `record` writes the audit entry. `alreadyRefused` (the file's
 * unreadable rows) refuses the upload too, after the readable rows are checked, so that one
 * answer lists every problem in the file.
 */
export async function importKeyAdults(
  services: Services,
  rows: readonly KeyAdultRow[],
  record: (client: TxClient, summary: { settings: string[]; added: number; updated: number }) => Promise<void>,
  alreadyRefused: readonly RowProblem[] = [],
): Promise<BulkResult> {
  const today = londonDateOf(services.clock.now())
  const byUrn = new Map<string, KeyAdultRow[]>()
  for (const r of rows) byUrn.set(r.urn, [...(byUrn.get(r.urn) ?? []), r])
  const refused = Symbol('refused')
  let problems: RowProblem[] = [...alreadyRefused]
  let added = 0
  let updated = 0
  try {
    await withTransaction(services.db, async (client) => {
      const urns = [...byUrn.keys()].filter((urn) => !isLaContactUrn(urn))
      const stored = await lockManySchoolContacts(client, urns)
      const lists = new Map<string, KeyAdult[]>()
      for (const [urn, urnRows] of byUrn) {
        const current = stored.get(urn)
        if (current === undefined) {
          problems.push(...urnRows.map((r) => ({ line: r.line, field: 'urn', message: 'is not a setting in the directory' })))
          continue
        }
        const addRows: KeyAdultRow[] = []
        const updateRows: KeyAdultRow[] = []
        for (const r of urnRows) (current.some((c) => c.email.toLowerCase() === r.email.toLowerCase()) ? updateRows : addRows).push(r)
        const changes: KeyAdultChanges = {
          add: addRows.map((r) => ({ role: r.role, name: r.name, email: r.email, phone: r.phone, trainedOn: r.trainedOn })),
          update: updateRows.map((r) => ({ email: r.email, role: r.role, name: r.name, phone: r.phone, trainedOn: r.trainedOn })),
        }
        const result = keyAdultChanges(current, changes, today)
        for (const p of result.problems) {
          const m = /^\/(add|update)(?:\/(\d+))?(?:\/(\w+))?/.exec(p.path)
          const row = m?.[2] !== undefined ? (m[1] === 'add' ? addRows : updateRows)[Number(m[2])] : undefined
          // A problem with the setting's list as a whole (too many people) is told on its first row.
          problems.push({ line: row?.line ?? urnRows[0]!.line, field: m?.[3] ?? 'email', message: p.message })
        }
        lists.set(urn, result.contacts)
        added += addRows.length
        updated += updateRows.length
      }
      if (problems.length > 0) throw refused
      await replaceManySchoolContacts(client, lists)
      await record(client, { settings: [...byUrn.keys()], added, updated })
    })
  } catch (err) {
    if (err !== refused) throw err
    problems = problems.sort((a, b) => a.line - b.line)
    return { kind: 'refused', problems }
  }
  // Children held for want of a Key Adult at these settings go back to be matched: by setting for
  // a few, all at once for many (those at settings still without one are held again at once).
  let rematched = 0
  if (byUrn.size > REMATCH_ONE_BY_ONE) rematched = await rematchHeld(services, { reasons: ['no-key-adult'] })
  else for (const urn of byUrn.keys()) rematched += await rematchHeld(services, { reasons: ['no-key-adult'], urn })
  return { kind: 'saved', settings: byUrn.size, added, updated, rematched }
}
