// Each local authority's contacts for children with no setting (domain rule 3: home educated, on
// no roll, an under-5 in no early years setting), and the alerts that tell administrators when the
// directory holds a child back (a closed setting, a setting with no named Key Adult, an LA with no
// contact for a child with no setting).
//
// An LA sets two contacts (issue 14.3; the choice between them is domain/no-setting.ts):
// children's services (migration 007) and health visiting (migration 025). Each is kept as a
// setting of its own: a `schools` row (source 'la-childrens-services' or 'la-health-visiting')
// under a reserved URN, 99000000 or 99010000 + the LA code, with its named people in
// school_contacts. A no-setting notification is then an ordinary notification to that URN:
// deadline from the LA's calendar, escalation, acknowledgement link and reports all work
// unchanged, and notifications.urn stays NOT NULL. GIAS URNs are six digits, so the ranges cannot
// collide.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { laRoleOf, storedRoleOf, type KeyAdultRole, type LaContactRole } from '../domain/contacts.js'
import { parseCsv } from '../domain/gias-csv.js'
import type { LaService } from '../domain/no-setting.js'
import { dataDir } from '../paths.js'
import { withTransaction, type Db, type Queryable } from './db.js'
import { inEnglandOrWales } from './directory-search.js'

export const LA_SOURCE = 'la-childrens-services'

/** Where each LA service is kept: its `schools` source, its table and its reserved URN prefix. */
const SERVICE: Record<LaService, { source: string; table: string; prefix: string; label: string }> = {
  'childrens-services': { source: 'la-childrens-services', table: 'la_childrens_services', prefix: '9900', label: "children's services" },
  'health-visiting': { source: 'la-health-visiting', table: 'la_health_visiting', prefix: '9901', label: 'health visiting' },
}

/** The `schools` sources of LA contacts: never a setting in searches, the register index or settings pages. */
export const LA_CONTACT_SOURCES = Object.values(SERVICE).map((s) => s.source)

export function laContactUrn(service: LaService, laCode: string): string {
  return `${SERVICE[service].prefix}${laCode.padStart(4, '0')}`
}

export function childrensServicesUrn(laCode: string): string {
  return laContactUrn('childrens-services', laCode)
}

/** A URN in a range reserved for an LA's contact (children's services 9900…, health visiting 9901…). */
export function isLaContactUrn(urn: string): boolean {
  return /^990[01][0-9]{4}$/.test(urn)
}

/** The LA service a reserved URN stands for, or null for any other URN. */
export function laServiceOfUrn(urn: string): LaService | null {
  if (!isLaContactUrn(urn)) return null
  return urn.startsWith('9901') ? 'health-visiting' : 'childrens-services'
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

/** Every LA of England or Wales the directory knows, by name: the choices an officer is offered. */
export function knownLas(): { code: string; name: string }[] {
  laNameOf('000') // loads the table
  return [...laNames!.entries()].filter(([code]) => isKnownLa(code)).map(([code, name]) => ({ code, name })).sort((a, b) => a.name.localeCompare(b.name))
}

export interface LaContact {
  role: LaContactRole
  name: string
  email: string
  phone?: string | null | undefined
}

/** One of an LA's contacts for children with no setting (children's services or health visiting). */
export interface LaServiceContact {
  laCode: string
  laName: string | null
  urn: string
  name: string
  contacts: LaContact[]
  updatedAt: Date
}
export type ChildrensServices = LaServiceContact

/** Creates or replaces one of an LA's contacts and its named people. */
export async function putLaContact(
  db: Db,
  service: LaService,
  laCode: string,
  body: { name?: string | null | undefined; contacts: LaContact[] },
  at: Date,
): Promise<{ created: boolean }> {
  const { source, table, label } = SERVICE[service]
  const urn = laContactUrn(service, laCode)
  const name = body.name?.trim() || `${laNameOf(laCode) ?? `LA ${laCode}`} ${label}`
  return withTransaction(db, async (client) => {
    await client.query(
      `INSERT INTO schools (urn, name, la_code, la_name, status, open, source)
       VALUES ($1, $2, $3, $4, 'Open', true, $5)
       ON CONFLICT (urn) DO UPDATE SET name = $2, la_code = $3, la_name = $4, status = 'Open', open = true, updated_at = now()`,
      [urn, name, laCode, laNameOf(laCode), source],
    )
    const { rows } = await client.query<{ created: boolean }>(
      `INSERT INTO ${table} (la_code, urn, name, updated_at) VALUES ($1, $2, $3, $4)
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

export async function getLaContact(db: Queryable, service: LaService, laCode: string): Promise<LaServiceContact | null> {
  const { rows } = await db.query<Omit<LaServiceContact, 'contacts' | 'laName'>>(
    `SELECT la_code AS "laCode", urn, name, updated_at AS "updatedAt" FROM ${SERVICE[service].table} WHERE la_code = $1`,
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

/** Both of an LA's contacts, each null when not set. */
export async function getLaContacts(db: Queryable, laCode: string): Promise<Record<LaService, LaServiceContact | null>> {
  return {
    'childrens-services': await getLaContact(db, 'childrens-services', laCode),
    'health-visiting': await getLaContact(db, 'health-visiting', laCode),
  }
}

export async function putChildrensServices(
  db: Db,
  laCode: string,
  body: { name?: string | null | undefined; contacts: LaContact[] },
  at: Date,
): Promise<{ created: boolean }> {
  return putLaContact(db, 'childrens-services', laCode, body, at)
}

export async function getChildrensServices(db: Queryable, laCode: string): Promise<ChildrensServices | null> {
  return getLaContact(db, 'childrens-services', laCode)
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
 * children's services contact (the contact for a child of any age: an LA with health visiting
 * alone still cannot place a child of 5 or more, so its alert stays open); a closed setting's alert once it is open again or no child is
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
