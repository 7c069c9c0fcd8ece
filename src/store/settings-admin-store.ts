// What the LA administrator's pages read: a search of the directory (name, URN, postcode, LA) and
// the deliveries that failed or bounced. Scoped by LA codes (null: every LA, an administrator's
// view). Reads, and a setting's first language; Key Adult edits go through flows/edit-key-adults.ts
// as the API's do. No child's details leave here: a failure names its setting, when, and why.
import type { Queryable } from './db.js'

export interface DirectoryHit {
  urn: string
  name: string
  postcode: string | null
  town: string | null
  laCode: string | null
  laName: string | null
  type: string
  open: boolean
  keyAdults: number
}

export interface DirectoryQuery {
  name?: string | undefined
  urn?: string | undefined
  postcode?: string | undefined
  laCode?: string | undefined
  /** Part of the LA's name, any case ('stockton'). */
  laName?: string | undefined
}

/** Settings fitting every term given (words of the name, URN, postcode start, LA code or name), open first. */
export async function searchDirectory(db: Queryable, q: DirectoryQuery, laScope: readonly string[] | null, limit = 50): Promise<DirectoryHit[]> {
  const words = (q.name ?? '').toLowerCase().split(/[^\p{L}\p{N}']+/u).filter((w) => w.length > 0).slice(0, 8)
  const postcode = (q.postcode ?? '').toUpperCase().replace(/\s+/g, '')
  const { rows } = await db.query<DirectoryHit>(
    `SELECT s.urn, s.name, s.postcode, s.town, s.la_code AS "laCode", s.la_name AS "laName", s.setting_type AS type, s.open,
            (SELECT count(*)::int FROM school_contacts sc WHERE sc.urn = s.urn) AS "keyAdults"
       FROM schools s
      WHERE (SELECT bool_and(strpos(lower(s.name), w) > 0) FROM unnest($1::text[]) w) IS NOT FALSE
        AND ($2 = '' OR replace(upper(coalesce(s.postcode, '')), ' ', '') LIKE $2 || '%')
        AND ($3::text IS NULL OR s.la_code = $3)
        AND ($4::text IS NULL OR s.urn = $4)
        AND ($5::text[] IS NULL OR s.la_code = ANY($5::text[]))
        AND ($7::text IS NULL OR strpos(lower(coalesce(s.la_name, '')), lower($7)) > 0)
        AND s.source NOT IN ('la-childrens-services', 'la-health-visiting')
      ORDER BY s.open DESC, s.name, s.urn
      LIMIT $6`,
    [words, postcode, q.laCode ?? null, q.urn ?? null, laScope, limit, q.laName ?? null],
  )
  return rows
}

export interface DeliveryFailure {
  notificationId: string
  at: Date
  /** 'failed' (nobody could be sent to), 'bounced' (an address was refused; others may have been told). */
  kind: 'failed' | 'bounced'
  urn: string
  settingName: string | null
  laCode: string | null
  status: string
  addresses: string[]
  reason: string | null
}

/** Failed notifications and refused (bounced) addresses, newest first. */
export async function listDeliveryFailures(db: Queryable, laScope: readonly string[] | null, limit = 200): Promise<DeliveryFailure[]> {
  const { rows } = await db.query<DeliveryFailure>(
    `SELECT e.notification_id AS "notificationId", e.at,
            CASE WHEN e.kind = 'failed' THEN 'failed' ELSE 'bounced' END AS kind,
            n.urn, s.name AS "settingName", n.la_code AS "laCode",
            CASE WHEN n.status = 'sending' THEN 'scheduled' ELSE n.status END AS status,
            coalesce(e.recipients, '{}') AS addresses, e.detail AS reason
       FROM notification_events e
       JOIN notifications n ON n.id = e.notification_id
       LEFT JOIN schools s ON s.urn = n.urn
      WHERE e.kind IN ('failed', 'dsl-refused', 'recipients-rejected')
        AND ($1::text[] IS NULL OR n.la_code = ANY($1::text[]))
      ORDER BY e.at DESC, e.id DESC
      LIMIT $2`,
    [laScope, limit],
  )
  return rows
}

/** Each known setting's LA code, by URN (for checking an upload against the LAs a person keeps). */
export async function laCodesOf(db: Queryable, urns: readonly string[]): Promise<Map<string, string | null>> {
  const { rows } = await db.query<{ urn: string; laCode: string | null }>('SELECT urn, la_code AS "laCode" FROM schools WHERE urn = ANY($1::text[])', [urns])
  return new Map(rows.map((r) => [r.urn, r.laCode]))
}

/** Sets the language a setting's e-mails and pages put first (null: its LA's default). False for no such setting. */
export async function setFirstLanguage(db: Queryable, urn: string, firstLanguage: 'cy' | 'en' | null): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE schools SET first_language = $2 WHERE urn = $1', [urn, firstLanguage])
  return rowCount === 1
}

/** A setting's LA code and chosen first language, for the languages of its pages; null for no such setting. */
export async function settingLanguageFacts(db: Queryable, urn: string): Promise<{ laCode: string | null; firstLanguage: 'cy' | 'en' | null } | null> {
  const { rows } = await db.query<{ laCode: string | null; firstLanguage: 'cy' | 'en' | null }>(
    'SELECT la_code AS "laCode", first_language AS "firstLanguage" FROM schools WHERE urn = $1', [urn])
  return rows[0] ?? null
}
