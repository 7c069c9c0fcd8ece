// What a force says to its Key Adults (issue 14.5): its own guidance lines in every e-mail and page,
// or the service's defaults; whether the Key Adult may speak to the family (some forces' guidance
// asks them not to, others leave it to the school); the desk's telephone number. And each child's
// role in the incident as the police record it. One home for this wording: e-mails and pages read it.

export const CHILD_ROLES = ['present', 'witness', 'victim', 'suspect'] as const
export type ChildRole = (typeof CHILD_ROLES)[number]

/** A child's role as a Key Adult reads it. */
export const CHILD_ROLE_LABELS: Record<ChildRole, string> = {
  present: 'Present at the incident',
  witness: 'Saw or heard the incident',
  victim: 'Harmed in the incident',
  suspect: 'Suspected of causing harm (for example, a child harming a parent)',
}

export interface ForceWording {
  guidance: string[] | null
  keyAdultMaySpeakToFamily: boolean | null
  deskPhone: string | null
  deskEmail: string | null
}

/** The service's guidance when a force sets none: the scheme's own advice to Key Adults. */
export const DEFAULT_GUIDANCE: readonly string[] = [
  'Be ready to support the child from the start of the school day: a quiet word, a safe space, patience with behaviour or lateness.',
  'Record this notice and any support given on the child’s safeguarding file, as your setting’s child protection policy says.',
  'If you are worried about the child’s immediate safety, follow your safeguarding procedures and contact children’s services or the police.',
]

/** The line about talking to the family: what the force allows, or "do not" when it has not said. */
export function familyLine(w: Pick<ForceWording, 'keyAdultMaySpeakToFamily'>): string {
  return w.keyAdultMaySpeakToFamily === true
    ? 'Your police force allows you to speak with the child’s family about this if it will help you support the child. Do not forward this message.'
    : 'This message is confidential safeguarding information. Do not forward it or discuss it with the child or family.'
}

/** Every line of guidance a Key Adult is given, in order: the force's (or the defaults), then the family line. */
export function guidanceFor(w: Pick<ForceWording, 'guidance' | 'keyAdultMaySpeakToFamily'>): string[] {
  return [...(w.guidance && w.guidance.length > 0 ? w.guidance : DEFAULT_GUIDANCE), familyLine(w)]
}

/** How to reach the force's Encompass desk, as one line, or null when the force has given neither. */
export function deskContactLine(w: Pick<ForceWording, 'deskPhone' | 'deskEmail'>): string | null {
  const ways = [w.deskPhone ? `telephone ${w.deskPhone}` : null, w.deskEmail ? `e-mail ${w.deskEmail}` : null].filter(Boolean)
  return ways.length ? `To contact the police Encompass desk: ${ways.join(' or ')}.` : null
}
