// A child's state as an officer reads it on the pages, one word and a GOV.UK tag colour: where
// matching got to, then what became of the e-mail.
export interface StateTag {
  text: string
  classes: string
}

const TAGS: Record<string, StateTag> = {
  pending: { text: 'Finding setting', classes: 'govuk-tag--grey' },
  unmatched: { text: 'Needs review', classes: 'govuk-tag--yellow' },
  'no-setting': { text: 'Local authority', classes: 'govuk-tag--purple' },
  matched: { text: 'Matched', classes: 'govuk-tag--blue' },
  scheduled: { text: 'Matched', classes: 'govuk-tag--blue' },
  sent: { text: 'Sent', classes: 'govuk-tag--turquoise' },
  acknowledged: { text: 'Acknowledged', classes: 'govuk-tag--green' },
  escalated: { text: 'Escalated', classes: 'govuk-tag--orange' },
  failed: { text: 'Failed', classes: 'govuk-tag--red' },
}

export function childStateTag(matchStatus: string, notificationStatus: string | null): StateTag {
  return TAGS[notificationStatus ?? matchStatus] ?? { text: matchStatus, classes: 'govuk-tag--grey' }
}
