// The e-mails (src/mail/templates.ts): as little as possible about the child, two links, and no
// acknowledgement by opening a link. The summary, date of birth and full family name never travel.
import t from 'tap'
import { childLabel, renderNotification, type MailKind } from '../../src/mail/templates.js'
import type { SendContext } from '../../src/store/notifications-store.js'

const ctx: SendContext = {
  id: '6f1c2d9e-0000-4000-8000-000000000001',
  messageId: '<m1@example>',
  status: 'scheduled',
  urn: '111234',
  schoolName: 'Example <Primary> & "Nursery"',
  dueBy: new Date('2026-11-23T08:30:00Z'),
  schoolDay: '2026-11-23',
  policeAwareAt: new Date('2026-11-20T21:00:00Z'),
  receivedAt: new Date('2026-11-20T21:05:00Z'),
  reference: 'CLE-20261120-1',
  incidentType: 'crime',
  occurredAt: null,
  summary: 'SUMMARY-MUST-NOT-TRAVEL',
  givenName: 'Amy',
  familyName: 'Example',
  dateOfBirth: '2016-05-04',
  present: true,
  forceCode: 'cleveland',
  contentProfile: 'full',
  copyDeputies: true,
  deskEmail: 'desk@cleveland.police.example',
  laCode: '808',
  deskPhone: null,
  guidance: null,
  keyAdultMaySpeakToFamily: null,
  incidentId: '6f1c2d9e-0000-4000-8000-0000000000aa',
  contacts: [
    { role: 'dsl', name: 'Jo Bloggs', email: 'jo@example.org', phone: '01234 567890' },
    { role: 'deputy', name: 'Sam Deputy', email: 'sam@example.org', phone: null },
  ],
}
const links = { details: 'https://notify.example/notifications/n1', acknowledge: 'https://notify.example/ack/n1/tok?a=1&b=2' }
const KINDS: MailKind[] = ['notification', 'deputies', 'reminder', 'desk']

t.test('the child is named by given name and family initial only', async (t) => {
  t.equal(childLabel({ givenName: 'Amy', familyName: 'Example' }), 'Amy E.')
  t.equal(childLabel({ givenName: 'Amy', familyName: null }), 'Amy .')
  t.equal(childLabel({ givenName: null, familyName: null }), 'a child (details removed under the retention policy)')
})

t.test('every kind carries the reference, the setting, the times in London time and the details link', async (t) => {
  for (const kind of KINDS) {
    const m = renderNotification(kind, ctx, links)
    t.match(m.subject, /CLE-20261120-1$/, kind)
    t.match(m.text, 'Police reference: CLE-20261120-1')
    t.match(m.text, 'Setting: Example <Primary> & "Nursery" (URN 111234)')
    t.match(m.text, 'Child: Amy E.')
    t.match(m.text, 'Child present at the incident: yes')
    t.match(m.text, 'Police became aware: Fri, 20 Nov 2026, 21:00')
    t.match(m.text, 'Please be ready by: Mon, 23 Nov 2026, 08:30 (start of the school day)')
    t.match(m.text, kind === 'desk' ? `Open the incident (police sign-in): ${links.details}` : `Read the full details (you will need to sign in): ${links.details}`)
    t.match(m.text, /confidential safeguarding information/)
  }
})

t.test('the summary, the date of birth and the full family name never travel by e-mail', async (t) => {
  for (const kind of KINDS) {
    const m = renderNotification(kind, ctx, links)
    for (const part of [m.subject, m.text, m.html]) {
      t.notMatch(part, 'SUMMARY-MUST-NOT-TRAVEL', kind)
      t.notMatch(part, '2016-05-04', kind)
      t.notMatch(part, 'Example E', kind)
      t.notMatch(part, /Amy Example/, kind)
    }
  }
})

t.test('each kind says why it was sent', async (t) => {
  t.equal(renderNotification('notification', ctx, links).subject, 'Operation Encompass notification CLE-20261120-1')
  t.equal(renderNotification('deputies', ctx, links).subject, 'Operation Encompass notification (not yet acknowledged) CLE-20261120-1')
  t.equal(renderNotification('reminder', ctx, links).subject, 'Operation Encompass reminder CLE-20261120-1')
  t.equal(renderNotification('desk', ctx, links).subject, 'UNACKNOWLEDGED Operation Encompass notification CLE-20261120-1')
  t.match(renderNotification('deputies', ctx, links).text, /^Operation Encompass: this notification has not yet been acknowledged/)
  t.match(renderNotification('desk', ctx, links).text, /Please telephone the setting/)
})

t.test('the Key Adults get the acknowledgement page link, with how to acknowledge; the desk does not', async (t) => {
  for (const kind of ['notification', 'deputies', 'reminder'] as const) {
    const m = renderNotification(kind, ctx, links)
    t.match(m.text, `Open this page to acknowledge: ${links.acknowledge}`, kind)
    t.match(m.text, 'Opening the page does not acknowledge: press Acknowledge on it')
    t.match(m.html, 'href="https://notify.example/ack/n1/tok?a=1&amp;b=2"')
  }
  const desk = renderNotification('desk', ctx, links)
  t.notMatch(desk.text, links.acknowledge)
  t.notMatch(desk.html, '/ack/')
  t.match(desk.html, `href="${links.details}"`)
})

t.test('the desk is pointed at the incident’s officer page and given the Key Adults’ telephone numbers', async (t) => {
  const deskLinks = { ...links, details: 'https://notify.example/incidents/6f1c2d9e-0000-4000-8000-0000000000aa' }
  const desk = renderNotification('desk', ctx, deskLinks)
  t.match(desk.text, 'Open the incident (police sign-in): https://notify.example/incidents/6f1c2d9e-0000-4000-8000-0000000000aa')
  t.match(desk.text, 'Key Adult (designated safeguarding lead): Jo Bloggs, telephone 01234 567890, jo@example.org')
  t.match(desk.text, 'Key Adult (deputy): Sam Deputy, no telephone number on record, sam@example.org')
  t.match(desk.html, '01234 567890')
  for (const kind of ['notification', 'deputies', 'reminder'] as const) {
    t.notMatch(renderNotification(kind, ctx, links).text, '01234 567890', `the Key Adults’ own e-mail (${kind}) does not list them`)
  }
})

t.test('the HTML part escapes what the directory and the police typed', async (t) => {
  const m = renderNotification('notification', ctx, links)
  t.match(m.html, 'Example &lt;Primary&gt; &amp; &quot;Nursery&quot; (URN 111234)')
  t.notMatch(m.html, '<Primary>')
  const quoted = renderNotification('notification', { ...ctx, reference: "O'Brien<script>" }, links)
  t.match(quoted.html, 'O&#39;Brien&lt;script&gt;')
})

t.test('a child not present, and a child whose details were purged', async (t) => {
  const m = renderNotification('reminder', { ...ctx, present: false, givenName: null, familyName: null }, links)
  t.match(m.text, 'Child present at the incident: no')
  t.match(m.text, 'Child: a child (details removed under the retention policy)')
})

t.test("the force's wording: its guidance lines, its desk's telephone, and whether the family may be told", async (t) => {
  const plain = renderNotification('notification', ctx, links)
  t.match(plain.text, /Be ready to support the child from the start of the school day/, 'the default guidance when the force sets none')
  t.match(plain.text, /Do not forward it or discuss it with the child or family\./, 'not said: do not discuss')
  t.match(plain.text, /To contact the police Encompass desk: e-mail desk@cleveland\.police\.example\./)
  const own = renderNotification('notification', { ...ctx, deskPhone: '01632 960 123', guidance: ['Speak to <the> child’s class teacher first.'], keyAdultMaySpeakToFamily: true }, links)
  t.match(own.text, /Speak to <the> child’s class teacher first\./)
  t.notMatch(own.text, /Be ready to support the child/, "the force's lines replace the defaults")
  t.match(own.text, /telephone 01632 960 123 or e-mail desk@cleveland\.police\.example/)
  t.match(own.text, /Your police force allows you to speak with the child’s family/)
  t.notMatch(own.text, /discuss it with the child or family/)
  t.match(own.html, /Speak to &lt;the&gt; child’s class teacher first\./, 'escaped in HTML')
  const desk = renderNotification('desk', { ...ctx, guidance: ['Speak to the class teacher first.'], keyAdultMaySpeakToFamily: true }, links)
  t.notMatch(desk.text, /class teacher|To contact the police Encompass desk/, "the desk's own alert carries neither")
})

t.test('a withdrawal says the notification is withdrawn, keeps the reason behind sign-in and has nothing to acknowledge', async (t) => {
  const m = renderNotification('withdrawal', ctx, links)
  t.equal(m.subject, 'WITHDRAWN: Operation Encompass notification CLE-20261120-1')
  t.match(m.text, /^Operation Encompass: the police have withdrawn their notification about a child at your setting, police reference CLE-20261120-1\. Nothing more will come about it\./)
  t.match(m.text, `Read why it was withdrawn (you will need to sign in): ${links.details}`)
  t.match(m.text, 'Child: Amy E.')
  for (const part of [m.text, m.html]) {
    t.notMatch(part, '/ack/', 'no acknowledgement link')
    t.notMatch(part, /Be ready to support|Please be ready by/, 'no readiness or support guidance for a withdrawn notification')
    t.notMatch(part, 'SUMMARY-MUST-NOT-TRAVEL')
  }
  t.match(m.text, /confidential safeguarding information/)
  t.match(m.html, `<a href="${links.details}">Read why it was withdrawn</a> (you will need to sign in)`)
})

t.test('a correction is marked in its subject, points to the corrected details and still carries the acknowledgement link', async (t) => {
  const m = renderNotification('correction', ctx, links)
  t.equal(m.subject, 'CORRECTION: Operation Encompass notification CLE-20261120-1')
  t.match(m.text, /^Operation Encompass: the police have corrected the details of their notification with police reference CLE-20261120-1\. It still needs acknowledging if you have not acknowledged it yet\./)
  t.match(m.text, `Read the corrected details (you will need to sign in): ${links.details}`)
  t.match(m.text, `Open this page to acknowledge: ${links.acknowledge}`)
  t.match(m.text, 'Please be ready by: Mon, 23 Nov 2026, 08:30 (start of the school day)')
  t.match(m.html, 'href="https://notify.example/ack/n1/tok?a=1&amp;b=2"')
  t.notMatch(m.text, 'SUMMARY-MUST-NOT-TRAVEL')
})
