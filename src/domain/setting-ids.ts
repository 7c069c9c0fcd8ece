// What identifies a setting, and what kind of setting it is. The statutory duty is to tell a
// child's relevant setting, not only a school on the DfE register: nurseries, childminders and
// children's homes registered with Ofsted carry Ofsted URNs (EY, SC, CH + 6 digits) instead of a
// DfE URN. One rule, used by every route, the CLI and every import, so that an identifier one
// entry point takes is never refused by another.
import { z } from 'zod'

/** A DfE URN: 5 to 8 digits (GIAS). */
export const DFE_URN = /^[0-9]{5,8}$/
/** An Ofsted URN: EY (early years), SC (social care) or CH (childcare register) and 6 digits. */
export const OFSTED_URN = /^(?:EY|SC|CH)[0-9]{6}$/
/** Either; the database's CHECK on schools.urn says the same (migrations/018). */
export const SETTING_URN = /^(?:[0-9]{5,8}|(?:EY|SC|CH)[0-9]{6})$/

export const SETTING_URN_MESSAGE = 'must be a DfE URN (5 to 8 digits) or an Ofsted URN (EY, SC or CH and 6 digits, e.g. EY512345)'

export const isDfeUrn = (s: string): boolean => DFE_URN.test(s)
export const isOfstedUrn = (s: string): boolean => OFSTED_URN.test(s)

/**
 * A setting identifier as typed: trimmed and, for an Ofsted URN, upper-cased ('ey512345' is
 * EY512345); null when it is neither kind.
 */
export function normaliseSettingUrn(raw: string): string | null {
  const s = raw.trim().toUpperCase()
  return SETTING_URN.test(s) ? s : null
}

/** The zod rule for a setting identifier in a body, a path or a query. */
export const settingUrn = (message: string = SETTING_URN_MESSAGE) =>
  z.string().trim().toUpperCase().regex(SETTING_URN, message)

export const SETTING_TYPES = ['school', 'early-years', 'childminder', 'college', 'other'] as const
export type SettingType = (typeof SETTING_TYPES)[number]

export const settingTypeSchema = z.enum(SETTING_TYPES, {
  message: "must be 'school', 'early-years', 'childminder', 'college' or 'other'",
})

/**
 * The kind of setting a DfE register row describes (GIAS phase and establishment type): nursery
 * schools are early years, further-education and sixth-form colleges are colleges, the rest
 * schools. Undefined when the row says neither (the stored type is then kept).
 */
export function settingTypeFromGias(phase: string | undefined, establishmentType: string | undefined): SettingType | undefined {
  if (phase === undefined && establishmentType === undefined) return undefined
  const t = (establishmentType ?? '').toLowerCase()
  if (/further education|sixth form centre|sixth form college|higher education/.test(t)) return 'college'
  if ((phase ?? '').toLowerCase() === 'nursery' || /nursery/.test(t)) return 'early-years'
  return 'school'
}
