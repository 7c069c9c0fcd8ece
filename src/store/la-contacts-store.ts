// Each local authority's children's services contact, told instead of a school when a child has
// no setting (domain rule 3: home educated, on no roll), and the alerts that tell administrators
// when the directory holds a child back (a closed setting, a setting with no named Key Adult, an
// LA with no children's services contact).
//
// The contact is kept as a setting of its own: a `schools` row (source 'la-childrens-services')
// under a reserved URN, 99000000 + the LA code, with its named people in school_contacts. A
// no-setting notification is then an ordinary notification to that URN: deadline from the LA's
// calendar, escalation, acknowledgement link and reports all work unchanged, and
// notifications.urn stays NOT NULL. GIAS URNs are six digits, so the range cannot collide.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { laRoleOf, storedRoleOf, type KeyAdultRole, type LaContactRole } from '../domain/contacts.js'
import { parseCsv } from '../domain/gias-csv.js'
import { dataDir } from '../paths.js'
import { withTransaction, type Db, type Queryable } from './db.js'
import { inEnglandOrWales } from './directory-search.js'

export const LA_SOURCE = 'la-childrens-services'

export function childrensServicesUrn(laCode: string): string {
  return `9900${laCode.padStart(4, '0')}`
}

export function isChildrensServicesUrn(urn: string): boolean {
  return /^9900[0-9]{4}$/.test(urn)
}

let laNames: Map<string, string> | undefined
/** GIAS LA code -> name, from the LA table the service ships (data/la-codes.csv). */
export function laNameOf(laCode: string): string | null {
  if (!laNames) {
    laNames = new Map()
    const rows = parseCsv(readFileSync(join(dataDir, 'la-codes.csv'), 'utf8'), 'la-codes.csv')
    for (const { fields } of rows.slice(1)) if (fields[0] && fields[1]) laNames.set(fields[1].trim(), fields[0].trim())
  }
  return laNames.get(laCode) ?? null
}

/** An LA of England or Wales that GIAS knows (the table shipped in data/la-codes.csv). */
export function isKnownLa(laCode: string): boolean {
  return laNameOf(laCode) !== null && inEnglandOrWales(laCode)
}

export interface LaContact {
  role: LaContactRole
  name: string
  email: string
  phone?: string | null | undefined
}

export interface ChildrensServices {
  laCode: string
  laName: string | null
  urn: string
  name: string
  contacts: LaContact[]
  updatedAt: Date
}

/** Creates or replaces an LA's children's services contact and its named people. */
export async function putChildrensServices(
  db: Db,
  laCode: string,
  body: { name?: string | null | undefined; contacts: LaContact[] },
  at: Date,
): Promise<{ created: boolean }> {
  const urn = childrensServicesUrn(laCode)
  const name = body.name?.trim() || `${laNameOf(laCode) ?? `LA ${laCode}`} children's services`
  return withTransaction(db, async (client) => {
    await client.query(
      `INSERT INTO schools (urn, name, la_code, la_name, status, open, source)
       VALUES ($1, $2, $3, $4, 'Open', true, $5)
       ON CONFLICT (urn) DO UPDATE SET name = $2, la_code = $3, la_name = $4, status = 'Open', open = true, updated_at = now()`,
      [urn, name, laCode, laNameOf(laCode), LA_SOURCE],
    )
    const { rows } = await client.query<{ created: boolean }>(
      `INSERT INTO la_childrens_services (la_code, urn, name, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (la_code) DO UPDATE SET name = $3, updated_at = $4
       RETURNING (xmax = 0) AS created`,
      [laCode, urn, name, at],
    )
    await client.query('DELETE FROM school_contacts WHERE urn = $1', [urn])
    for (const [i, c] of body.contacts.entries()) {
      await client.query(
        'INSERT INTO school_contacts (urn, role, name, email, phone, position) VALUES ($1, $2, $3, $4, $5, $6)',
        [urn, storedRoleOf(c.role), c.name, c.email.toLowerCase(), c.phone ?? null, i],
      )
    }
    return { created: rows[0]!.created }
  })
}

export async function getChildrensServices(db: Queryable, laCode: string): Promise<ChildrensServices | null> {
  const { rows } = await db.query<Omit<ChildrensServices, 'contacts' | 'laName'>>(
    `SELECT la_code AS "laCode", urn, name, updated_at AS "updatedAt" FROM la_childrens_services WHERE la_code = $1`,
    [laCode],
  )
  const cs = rows[0]
  if (!cs) return null
  const contacts = await db.query<{ role: KeyAdultRole; name: string; email: string; phone: string | null }>(
    'SELECT role, name, email, phone FROM school_contacts WHERE urn = $1 ORDER BY position',
    [cs.urn],
  )
  return {
    ...cs,
    laName: laNameOf(laCode),
    contacts: contacts.rows.map((c) => ({ role: laRoleOf(c.role), name: c.name, email: c.email, phone: c.phone })),
  }
}

// ---------------------------------------------------------------------------------------------
// Directory alerts

export type DirectoryAlertKind = 'setting-closed' | 'no-key-adult' | 'no-la-contact'

export interface DirectoryAlert {
  id: string
  kind: DirectoryAlertKind
  urn: string | null
  laCode: string | null
  settingName: string | null
  raisedAt: Date
  lastHeldAt: Date
  childrenHeld: number
  clearedAt: Date | null
}

/**
 * Records that the directory held a child back. Returns true when this opens a new alert (the
 * caller tells the administrators); a further child held for the same reason only counts.
 */
export async function raiseDirectoryAlert(
  db: Queryable,
  alert: { kind: DirectoryAlertKind; urn: string | null; laCode: string | null },
  at: Date,
): Promise<boolean> {
  const { rows } = await db.query<{ inserted: boolean }>(directoryAlertSql({ source: '(SELECT 1) AS one', kind: '$1', urn: '$2', laCode: '$3', at: '$4' }), [
    alert.kind, alert.urn, alert.laCode, at,
  ])
  return rows[0]!.inserted
}

/**
 * The statement that opens a directory alert, or counts one more hold on the open one, once for
 * each row of `source` (a table expression: holdChild raises it only when its hold applied).
 * Parameters are SQL placeholders. Returns `inserted`: true when the alert is new.
 */
export function directoryAlertSql(p: { source: string; kind: string; urn: string; laCode: string; at: string }): string {
  return `INSERT INTO directory_alerts (kind, urn, la_code, raised_at, last_held_at)
     SELECT ${p.kind}, ${p.urn}, ${p.laCode}, ${p.at}, ${p.at} FROM ${p.source}
     ON CONFLICT (kind, coalesce(urn, ''), coalesce(la_code, '')) WHERE cleared_at IS NULL
     DO UPDATE SET children_held = directory_alerts.children_held + 1, last_held_at = ${p.at}
     RETURNING (xmax = 0) AS inserted`
}

/**
 * Clears open alerts whose cause has gone: the setting has a named Key Adult, the LA has a
 * children's services contact; a closed setting's alert once it is open again or no child is
 * held for it any more (an officer has placed them elsewhere). Returns how many were cleared.
 */
export async function clearResolvedDirectoryAlerts(db: Queryable, at: Date): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE directory_alerts a SET cleared_at = $1
      WHERE a.cleared_at IS NULL AND (
        (a.kind = 'no-key-adult' AND EXISTS (SELECT 1 FROM school_contacts c WHERE c.urn = a.urn))
        OR (a.kind = 'no-la-contact' AND EXISTS (
              SELECT 1 FROM la_childrens_services l JOIN school_contacts c ON c.urn = l.urn WHERE l.la_code = a.la_code))
        OR (a.kind = 'setting-closed' AND (
              EXISTS (SELECT 1 FROM schools s WHERE s.urn = a.urn AND s.open)
              OR NOT EXISTS (SELECT 1 FROM children c WHERE c.match_status = 'unmatched' AND c.match_reason = 'setting-closed' AND c.match_urn = a.urn))))`,
    [at],
  )
  return rowCount ?? 0
}

export async function listDirectoryAlerts(db: Queryable, opts: { open: boolean }): Promise<DirectoryAlert[]> {
  const { rows } = await db.query<DirectoryAlert>(
    `SELECT a.id::text, a.kind, a.urn, a.la_code AS "laCode", s.name AS "settingName", a.raised_at AS "raisedAt",
            a.last_held_at AS "lastHeldAt", a.children_held AS "childrenHeld", a.cleared_at AS "clearedAt"
       FROM directory_alerts a LEFT JOIN schools s ON s.urn = a.urn
      WHERE ($1::boolean IS FALSE OR a.cleared_at IS NULL)
      ORDER BY a.raised_at DESC LIMIT 500`,
    [opts.open],
  )
  return rows
}
