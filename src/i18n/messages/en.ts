// The English catalogue: every user-facing string of the e-mails and of the pages a Key Adult sees,
// as ICU messages (https://unicode-org.github.io/icu/userguide/format_parse/messages/), keyed by
// where it is used. The Welsh catalogue (cy.ts) must have every key (the compiler checks it, and
// test/i18n/catalogues.test.ts checks each message parses). Write ’ (U+2019), never ', in a
// message: ICU reads ' as an escape.
export const en = {
  // E-mails (mail/templates.ts)
  'mail.lead.notification': 'Operation Encompass: the police attended a domestic abuse incident involving a child at your setting.',
  'mail.lead.deputies': 'Operation Encompass: this notification has not yet been acknowledged by your designated safeguarding lead, so it is sent to you as a deputy.',
  'mail.lead.reminder': 'Operation Encompass reminder: the police told us during the holiday of a domestic abuse incident involving a child at your setting. Pupils return on the day below.',
  'mail.lead.desk': 'Operation Encompass ALERT for the force desk: the school has not acknowledged this notification by the start of the school day. Please telephone the setting.',
  'mail.lead.withdrawal': 'Operation Encompass: the police have withdrawn their notification about a child at your setting, police reference {reference}. Nothing more will come about it.',
  'mail.lead.correction': 'Operation Encompass: the police have corrected the details of their notification with police reference {reference}. It still needs acknowledging if you have not acknowledged it yet.',
  'mail.subject.notification': 'Operation Encompass notification',
  'mail.subject.deputies': 'Operation Encompass notification (not yet acknowledged)',
  'mail.subject.reminder': 'Operation Encompass reminder',
  'mail.subject.desk': 'UNACKNOWLEDGED Operation Encompass notification',
  'mail.subject.withdrawal': 'WITHDRAWN: Operation Encompass notification',
  'mail.subject.correction': 'CORRECTION: Operation Encompass notification',
  'mail.fact.reference': 'Police reference',
  'mail.fact.setting': 'Setting',
  'mail.fact.settingValue': '{name} (URN {urn})',
  'mail.fact.child': 'Child',
  'mail.fact.childRemoved': 'a child (details removed under the retention policy)',
  'mail.fact.present': 'Child present at the incident',
  'mail.fact.presentValue': '{present, select, yes {yes} other {no}}',
  'mail.fact.aware': 'Police became aware',
  'mail.fact.readyBy': 'Please be ready by',
  'mail.fact.readyByValue': '{when} (start of the school day)',
  'mail.fact.keyAdults': 'Key Adults',
  'mail.fact.keyAdultsNone': 'none on record',
  'mail.fact.keyAdult': 'Key Adult ({role, select, dsl {designated safeguarding lead} other {deputy}})',
  'mail.fact.keyAdultValue': '{name}, {hasPhone, select, yes {telephone {phone}} other {no telephone number on record}}, {email}',
  'mail.details.full': 'Read the full details',
  'mail.details.withdrawal': 'Read why it was withdrawn',
  'mail.details.correction': 'Read the corrected details',
  'mail.details.signIn': '(you will need to sign in)',
  'mail.details.desk': 'Open the incident',
  'mail.details.deskSignIn': '(police sign-in)',
  'mail.acknowledge': 'Open this page to acknowledge',
  'mail.acknowledgeHow': 'Opening the page does not acknowledge: press Acknowledge on it once you have read this.',
  'mail.desk.phone': 'To contact the police Encompass desk: telephone {phone}.',
  'mail.desk.email': 'To contact the police Encompass desk: e-mail {email}.',
  'mail.desk.both': 'To contact the police Encompass desk: telephone {phone} or e-mail {email}.',
  'mail.forceGuidanceInEnglish': 'Your police force’s guidance is {where, select, below {below} other {above}}, in English.',
  // Shown between the two languages, in the language that follows.
  'mail.thisLanguageFollows': 'English follows',
  // The Key Adult's pages (http/routes/notification-pages.ts)
  'pages.notifications.count': '{count, plural, =0 {No notifications} one {# notification} other {# notifications}}',
  // What a Key Adult is told to do (domain/force-wording.ts reads these)
  'guidance.default.1': 'Be ready to support the child from the start of the school day: a quiet word, a safe space, patience with behaviour or lateness.',
  'guidance.default.2': 'Record this notice and any support given on the child’s safeguarding file, as your setting’s child protection policy says.',
  'guidance.default.3': 'If you are worried about the child’s immediate safety, follow your safeguarding procedures and contact children’s services or the police.',
  'guidance.familyMay': 'Your police force allows you to speak with the child’s family about this if it will help you support the child. Do not forward this message.',
  'guidance.familyNot': 'This message is confidential safeguarding information. Do not forward it or discuss it with the child or family.',
} as const

export type MessageKey = keyof typeof en
