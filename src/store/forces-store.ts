// Forces and their per-force settings: age band, e-mail content profile, deputies copied or not,
// delivery window, escalation lead time and the Encompass desk address.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCsv } from '../domain/gias-csv.js'
import { dataDir } from '../paths.js'
import type { Queryable } from './db.js'

export interface Force {
  code: string
  name: string | null
  ageMin: number
  ageMax: number
  contentProfile: 'minimal' | 'full'
  copyDeputies: boolean
  deskEmail: string | null
  deliveryNotBefore: string | null
  deliveryNotAfter: string | null
  escalationLeadMinutes: number
  quietPeriodMinutes: number
  /** The Encompass desk's telephone number, shown to Key Adults. */
  deskPhone: string | null
  /** The force's guidance lines for Key Adults; null: the service's defaults (domain/force-wording.ts). */
  guidance: string[] | null
  /** Whether the Key Adult may speak to the family; null: the force has not said. */
  keyAdultMaySpeakToFamily: boolean | null
}

export type ForceSettings = Omit<Force, 'code'>

const COLUMNS = `code, name, age_min AS "ageMin", age_max AS "ageMax", content_profile AS "contentProfile",
  copy_deputies AS "copyDeputies", desk_email AS "deskEmail", delivery_not_before AS "deliveryNotBefore",
  delivery_not_after AS "deliveryNotAfter",
  escalation_lead_minutes AS "escalationLeadMinutes", quiet_period_minutes AS "quietPeriodMinutes",
  desk_phone AS "deskPhone", guidance, key_adult_may_speak_to_family AS "keyAdultMaySpeakToFamily"`

/** A force row as a JSON object of the Force shape, for queries that read a force beside other rows. */
export const forceJson = (alias: string) => `json_build_object('code', ${alias}.code, 'name', ${alias}.name,
  'ageMin', ${alias}.age_min, 'ageMax', ${alias}.age_max, 'contentProfile', ${alias}.content_profile,
  'copyDeputies', ${alias}.copy_deputies, 'deskEmail', ${alias}.desk_email,
  'deliveryNotBefore', ${alias}.delivery_not_before, 'deliveryNotAfter', ${alias}.delivery_not_after,
  'escalationLeadMinutes', ${alias}.escalation_lead_minutes, 'quietPeriodMinutes', ${alias}.quiet_period_minutes,
  'deskPhone', ${alias}.desk_phone, 'guidance', ${alias}.guidance, 'keyAdultMaySpeakToFamily', ${alias}.key_adult_may_speak_to_family)`

export async function getForce(db: Queryable, code: string): Promise<Force | null> {
  const { rows } = await db.query<Force>(`SELECT ${COLUMNS} FROM forces WHERE code = $1`, [code])
  return rows[0] ?? null
}

/** Makes sure a force exists (a police token names one) without touching its settings. */
export async function ensureForce(db: Queryable, code: string): Promise<void> {
  await db.query('INSERT INTO forces (code) VALUES ($1) ON CONFLICT (code) DO NOTHING', [code])
}

export async function putForce(db: Queryable, code: string, s: ForceSettings): Promise<Force> {
  const { rows } = await db.query<Force>(
    `INSERT INTO forces (code, name, age_min, age_max, content_profile, copy_deputies, desk_email,
       delivery_not_before, escalation_lead_minutes, quiet_period_minutes, delivery_not_after,
       desk_phone, guidance, key_adult_may_speak_to_family)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (code) DO UPDATE SET name = $2, age_min = $3, age_max = $4, content_profile = $5,
       copy_deputies = $6, desk_email = $7, delivery_not_before = $8, escalation_lead_minutes = $9,
       quiet_period_minutes = $10, delivery_not_after = $11, desk_phone = $12, guidance = $13,
       key_adult_may_speak_to_family = $14, updated_at = now()
     RETURNING ${COLUMNS}`,
    [code, s.name, s.ageMin, s.ageMax, s.contentProfile, s.copyDeputies, s.deskEmail, s.deliveryNotBefore,
      s.escalationLeadMinutes, s.quietPeriodMinutes, s.deliveryNotAfter, s.deskPhone, s.guidance, s.keyAdultMaySpeakToFamily],
  )
  return rows[0]!
}

/** Every force, by code. */
export async function listForces(db: Queryable): Promise<Force[]> {
  const { rows } = await db.query<Force>(`SELECT ${COLUMNS} FROM forces ORDER BY code`)
  return rows
}

let knownForces: Map<string, string> | undefined
/**
 * A police force of England and Wales by its code (data/police-forces.csv: the codes data.police.uk
 * uses), or null. A police token may name one of these before an administrator has added it.
 */
export function policeForceNamed(code: string): { code: string; name: string } | null {
  if (!knownForces) {
    knownForces = new Map()
    for (const { fields } of parseCsv(readFileSync(join(dataDir, 'police-forces.csv'), 'utf8'), 'police-forces.csv').slice(1)) {
      if (fields[0] && fields[1]) knownForces.set(fields[0].trim(), fields[1].trim())
    }
  }
  const name = knownForces.get(code)
  return name === undefined ? null : { code, name }
}
