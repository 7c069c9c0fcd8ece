// Is the child the police named the pupil on a local authority's roll? The date of birth must be
// equal (the roll is searched by it); the names are compared tolerantly, because the two records
// were typed by different people: case, accents (Zoë = Zoe), hyphens and apostrophes
// (O'Brien-Smith = OBrien Smith), one half of a double-barrelled family name, a middle name
// given or not, names given the other way round (family name first), a familiar short form
// (Alex for Alexander) and one typing slip. Pure: values in, values out.
import { editDistance } from './school-names.js'

export interface PersonName {
  givenName: string
  familyName: string
}

export interface RollEntry extends PersonName {
  laCode: string
  /** null: known to the LA with no setting (e.g. electively home educated). */
  urn: string | null
}

/** 'Zoë O’Brien-Smith' -> ['zoe', 'obrien', 'smith']. */
export function nameParts(raw: string): string[] {
  return raw
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’‘`´]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((p) => p !== '')
}

const squash = (parts: string[]) => parts.join('')
const subset = (a: string[], b: string[]) => a.length > 0 && a.every((p) => b.includes(p))

/** 0..1: how well two family names agree. */
export function familyNameAgreement(a: string, b: string): number {
  const pa = nameParts(a)
  const pb = nameParts(b)
  if (pa.length === 0 || pb.length === 0) return 0
  if (squash(pa) === squash(pb)) return 1
  // One half of a double-barrelled name: 'Smith' for 'Smith-Jones'.
  if (subset(pa, pb) || subset(pb, pa)) return 0.9
  const [sa, sb] = [squash(pa), squash(pb)]
  if (Math.min(sa.length, sb.length) >= 5 && editDistance(sa, sb, 1) <= 1) return 0.8
  return 0
}

/** 0..1: how well two given names agree. */
export function givenNameAgreement(a: string, b: string): number {
  const pa = nameParts(a)
  const pb = nameParts(b)
  if (pa.length === 0 || pb.length === 0) return 0
  if (squash(pa) === squash(pb)) return 1
  const [fa, fb] = [pa[0]!, pb[0]!]
  // A middle name on one record only: 'Amy Louise' for 'Amy'.
  if (fa === fb) return 0.95
  if (subset(pa, pb) || subset(pb, pa)) return 0.9
  // A familiar short form: 'Alex' for 'Alexander', 'Sam' for 'Samuel'.
  const [short, long] = fa.length <= fb.length ? [fa, fb] : [fb, fa]
  if (short.length >= 3 && long.startsWith(short)) return 0.75
  if (short.length >= 4 && editDistance(fa, fb, 1) <= 1) return 0.8
  return 0
}

export type NameMatchHow = 'as-given' | 'swapped' | 'reordered'

/** How well two people's names agree, trying them as given, swapped and as one set of words. */
export function comparePupilNames(query: PersonName, roll: PersonName): { score: number; how: NameMatchHow } {
  const direct = Math.min(givenNameAgreement(query.givenName, roll.givenName), familyNameAgreement(query.familyName, roll.familyName))
  // Family name first on one record ('KHAN Mohammed').
  const swapped = 0.95 * Math.min(givenNameAgreement(query.givenName, roll.familyName), familyNameAgreement(query.familyName, roll.givenName))
  // The same words split differently between given and family name ('Mohammed Ali' + 'Khan' /
  // 'Mohammed' + 'Ali Khan').
  const qa = [...nameParts(query.givenName), ...nameParts(query.familyName)].sort()
  const ra = [...nameParts(roll.givenName), ...nameParts(roll.familyName)].sort()
  const reordered = qa.length > 1 && qa.join(' ') === ra.join(' ') ? 0.9 : 0
  const best = Math.max(direct, swapped, reordered)
  return { score: Math.round(best * 1000) / 1000, how: best === direct ? 'as-given' : best === swapped ? 'swapped' : 'reordered' }
}

/** A roll entry is a candidate for this child at or above this agreement. */
export const PUPIL_ACCEPT_SCORE = 0.75
/**
 * ... and places the child without a person only at or above this one: the same names up to case,
 * accents, hyphens and apostrophes, one half of a double-barrelled family name, a middle name on
 * one record, swapped or re-split names. A short form or a typing slip (Sam Smyth for Samuel
 * Smith, born the same day in another LA) is shown to an officer instead: a wrong school told
 * about a child is worse than a review.
 */
export const PUPIL_PLACE_SCORE = 0.9
/** Another entry within this of the best, naming a different setting, makes it ambiguous. */
export const PUPIL_MARGIN = 0.1

export interface PupilMatch {
  laCode: string
  urn: string | null
  score: number
}

export type PupilRollDecision =
  | { kind: 'identified'; match: PupilMatch; matches: PupilMatch[] }
  | { kind: 'none' }
  | { kind: 'ambiguous'; matches: PupilMatch[] }
  | { kind: 'uncertain'; matches: PupilMatch[] }

/**
 * Decides from the roll entries that share the child's date of birth. Entries that agree on the
 * setting (the same child on two LAs' rolls) are one answer; entries for different settings
 * within PUPIL_MARGIN of the best (twins with near-identical names) are for a person to settle.
 */
export function decidePupilRoll(child: PersonName, sameBirthday: RollEntry[]): PupilRollDecision {
  const matches = sameBirthday
    .map((r) => ({ laCode: r.laCode, urn: r.urn, score: comparePupilNames(child, r).score }))
    .filter((m) => m.score >= PUPIL_ACCEPT_SCORE)
    .sort((a, b) => b.score - a.score || (a.urn ?? '').localeCompare(b.urn ?? ''))
  const best = matches[0]
  if (!best) return { kind: 'none' }
  const rivals = matches.filter((m) => m.urn !== best.urn && best.score - m.score < PUPIL_MARGIN)
  if (rivals.length > 0) return { kind: 'ambiguous', matches }
  if (best.score < PUPIL_PLACE_SCORE) return { kind: 'uncertain', matches }
  return { kind: 'identified', match: best, matches }
}
