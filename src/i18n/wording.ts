// The force's wording for Key Adults (domain/force-wording.ts decides which lines apply) in each
// language, from the catalogues: the force's own lines are written in English, so another language
// points to them, above or below.
import type { ForceWording } from '../domain/force-wording.js'
import type { Language } from '../domain/languages.js'
import { t } from './translate.js'

/** How to reach the force's Encompass desk, or null when the force has given neither. */
export function deskLine(lang: Language, ctx: Pick<ForceWording, 'deskPhone' | 'deskEmail'>): string | null {
  const { deskPhone: phone, deskEmail: email } = ctx
  if (phone && email) return t(lang, 'mail.desk.both', { phone, email })
  if (phone) return t(lang, 'mail.desk.phone', { phone })
  if (email) return t(lang, 'mail.desk.email', { email })
  return null
}

/**
 * What to do, in this language: the force's own lines (they are written in English, so another
 * language points to them, above or below) or the service's defaults, then whether the family may
 * be told.
 */
export function guidanceIn(lang: Language, ctx: Pick<ForceWording, 'guidance' | 'keyAdultMaySpeakToFamily'>, englishIs: 'above' | 'below' = 'below'): string[] {
  const own = ctx.guidance && ctx.guidance.length > 0 ? ctx.guidance : null
  const lines = own
    ? (lang === 'en' ? own : [t(lang, 'mail.forceGuidanceInEnglish', { where: englishIs })])
    : [t(lang, 'guidance.default.1'), t(lang, 'guidance.default.2'), t(lang, 'guidance.default.3')]
  return [...lines, t(lang, ctx.keyAdultMaySpeakToFamily === true ? 'guidance.familyMay' : 'guidance.familyNot')]
}

