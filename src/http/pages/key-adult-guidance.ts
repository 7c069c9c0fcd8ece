// What a Key Adult is asked to do on the school day after a notification: the one place this text
// lives. Forces keep no guidance of their own in the service yet; when they do, a force's own text
// replaces this default on the page.
export const DEFAULT_KEY_ADULT_GUIDANCE: readonly string[] = [
  'Make sure the child is seen by a trusted adult at the start of the school day, and that staff who need to know are ready to offer support. Let the child talk if they want to; do not question them about the incident.',
  'Be alert to changes in the child’s behaviour, attendance, appearance or mood today and in the days that follow, and offer quiet, practical support (somewhere calm, a chance to catch up on sleep or food).',
  'Do not share this information with the child, their family or other parents. Share it with colleagues only as far as they need it to support the child.',
  'Record the notification and what the setting did in the child’s child-protection file, following your safeguarding policy. Use the printable version of this page for the file.',
  'If you are worried that the child is at risk of significant harm, follow your safeguarding procedures and contact children’s social care, or the police on 999 in an emergency.',
]
