// Deciding whether a child can be placed with a setting that will be told. A setting is only
// ever sent to when it is open and has a named Key Adult; anything else waits for a person,
// with the reason recorded, rather than being guessed or dropped.
//
// How the setting is found (issue 4), each recorded as the match method: `urn` (the URN given is
// in the directory), `name-postcode` (a school name and/or postcode searched over the whole
// register: domain/school-names.ts), `pupil-roll` (the LA's roll, by date of birth and tolerant
// names: domain/pupil-names.ts), `manual` (an officer assigns it). The match worker tries them in
// that order; the first that identifies an establishment decides, except that a closed one is
// overruled by the roll when the roll places the child at an open setting.

import { hasKeyAdult } from './contacts.js'

export interface SettingFacts {
  urn: string
  open: boolean
  contacts: { role: 'dsl' | 'deputy' }[]
}

export type MatchMethod = 'urn' | 'name-postcode' | 'pupil-roll' | 'manual' | 'no-setting-given'

export type MatchDecision =
  | { status: 'matched'; urn: string; method: MatchMethod }
  | { status: 'unmatched'; reason: UnmatchedReason; urn: string | null }

export type UnmatchedReason =
  | 'no-school-given'
  | 'unknown-urn'
  | 'setting-closed'
  | 'no-key-adult'
  | 'name-postcode-not-found'
  | 'name-postcode-low-confidence'
  | 'name-postcode-ambiguous'
  | 'pupil-roll-ambiguous'
  | 'pupil-roll-low-confidence'
  | 'urn-disagrees'
  | 'no-la-contact'
  /** The match job failed again and again, or in a way retrying cannot mend (queue/job-failures.ts). */
  | 'match-failed'

/** Reasons that are the directory's fault, not the police record's: administrators are alerted. */
export const DIRECTORY_REASONS: readonly UnmatchedReason[] = ['setting-closed', 'no-key-adult', 'no-la-contact']

/**
 * A setting the service considered for a child, as stored with the child and shown in the review
 * queue: register facts and a score only, never anything about the child.
 */
export interface MatchCandidate {
  urn: string
  name: string | null
  postcode: string | null
  laCode: string | null
  open: boolean | null
  /** 0..1 */
  score: number
  method: 'urn' | 'name-postcode' | 'pupil-roll'
}

export function decideByUrn(
  givenUrn: string | null,
  setting: SettingFacts | null,
  method: MatchMethod = 'urn',
): MatchDecision {
  if (givenUrn === null) return { status: 'unmatched', reason: 'no-school-given', urn: null }
  if (setting === null) return { status: 'unmatched', reason: 'unknown-urn', urn: givenUrn }
  if (!setting.open) return { status: 'unmatched', reason: 'setting-closed', urn: givenUrn }
  if (!hasKeyAdult(setting.contacts)) return { status: 'unmatched', reason: 'no-key-adult', urn: givenUrn }
  return { status: 'matched', urn: setting.urn, method }
}
