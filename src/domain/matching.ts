// Deciding whether a child can be placed with a setting that will be told. A setting is only
// ever sent to when it is open and has a named Key Adult; anything else waits for a person,
// with the reason recorded, rather than being guessed or dropped.

export interface SettingFacts {
  urn: string
  open: boolean
  contacts: { role: 'dsl' | 'deputy' }[]
}

export type MatchDecision =
  | { status: 'matched'; urn: string; method: 'urn' | 'manual' }
  | { status: 'unmatched'; reason: UnmatchedReason; urn: string | null }

export type UnmatchedReason =
  | 'no-school-given'
  | 'unknown-urn'
  | 'setting-closed'
  | 'no-key-adult'
  | 'name-postcode-not-found'

export function decideByUrn(
  givenUrn: string | null,
  setting: SettingFacts | null,
  method: 'urn' | 'manual' = 'urn',
): MatchDecision {
  if (givenUrn === null) return { status: 'unmatched', reason: 'no-school-given', urn: null }
  if (setting === null) return { status: 'unmatched', reason: 'unknown-urn', urn: givenUrn }
  if (!setting.open) return { status: 'unmatched', reason: 'setting-closed', urn: givenUrn }
  if (setting.contacts.length === 0) return { status: 'unmatched', reason: 'no-key-adult', urn: givenUrn }
  return { status: 'matched', urn: setting.urn, method }
}

/** Who gets the first e-mail: the DSL(s), copying deputies when the force asks for it. */
export function firstRecipients<C extends { role: 'dsl' | 'deputy'; email: string }>(
  contacts: C[],
  copyDeputies: boolean,
): { to: string[]; cc: string[] } {
  const dsl = contacts.filter((c) => c.role === 'dsl').map((c) => c.email)
  const deputies = contacts.filter((c) => c.role === 'deputy').map((c) => c.email)
  // With no DSL on record the deputies are the Key Adults.
  if (dsl.length === 0) return { to: deputies, cc: [] }
  return { to: dsl, cc: copyDeputies ? deputies : [] }
}
