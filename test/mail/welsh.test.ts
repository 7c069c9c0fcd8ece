// The Welsh part of a Key Adult's e-mail (src/mail/welsh.ts): the same facts as the English, every
// default line of guidance with its Welsh, the force's own lines pointed to in English.
import t from 'tap'
import { DEFAULT_GUIDANCE } from '../../src/domain/force-wording.js'
import { CY, welshPart } from '../../src/mail/welsh.js'
import { renderNotification } from '../../src/mail/templates.js'
import type { SendContext } from '../../src/store/notifications-store.js'

const ctx: SendContext = {
  id: '6f1c2d9e-0000-4000-8000-000000000002', messageId: '<m2@example>', status: 'scheduled', urn: '401234', schoolName: 'Ysgol Gynradd Enghraifft',
  dueBy: new Date('2026-11-23T08:45:00Z'), schoolDay: '2026-11-23', policeAwareAt: new Date('2026-11-20T21:00:00Z'), receivedAt: new Date('2026-11-20T21:05:00Z'),
  reference: 'NWP-1', incidentType: 'crime', occurredAt: null, summary: 'SUMMARY-MUST-NOT-TRAVEL', givenName: 'Nia', familyName: 'Jones', dateOfBirth: '2016-05-04',
  present: false, forceCode: 'north-wales', contentProfile: 'minimal', copyDeputies: true, deskEmail: 'desk@nwp.police.example', laCode: '662',
  deskPhone: '01632 960 999', guidance: null, keyAdultMaySpeakToFamily: null, contacts: [{ role: 'dsl', name: 'Siân Evans', email: 'sian@example.org' }],
}
const links = { details: 'https://notify.example/notifications/n2', acknowledge: 'https://notify.example/ack/n2/tok' }

t.test('every default line of guidance has its Welsh', async (t) => {
  t.equal(CY.defaultGuidance.length, DEFAULT_GUIDANCE.length)
})

t.test('a setting in Wales: Welsh first, then the English in full; the subject in both', async (t) => {
  const mail = renderNotification('notification', ctx, links)
  t.match(mail.subject, /^Hysbysiad Ymgyrch Encompass \/ Operation Encompass notification NWP-1$/)
  t.match(mail.text, /^Ymgyrch Encompass: bu’r heddlu mewn digwyddiad/)
  const english = mail.text.indexOf('Operation Encompass: the police attended')
  t.ok(english > mail.text.indexOf('Cyfeirnod yr heddlu: NWP-1'), 'the English follows the Welsh')
  t.match(mail.text, /Plentyn: Nia J\./)
  t.match(mail.text, /Y plentyn yn bresennol yn y digwyddiad: nac oedd/)
  t.match(mail.text, /Byddwch yn barod erbyn: Llun, 23 Tach 2026, 08:45 \(dechrau’r diwrnod ysgol\)/)
  t.match(mail.text, /I gysylltu â desg Encompass yr heddlu: ffoniwch 01632 960 999 neu e-bostiwch desk@nwp\.police\.example\./)
  t.match(mail.text, new RegExp(CY.defaultGuidance[0]!))
  t.match(mail.text, /Peidiwch â’i hanfon ymlaen na’i thrafod gyda’r plentyn na’r teulu\./)
  t.notMatch(mail.text, /SUMMARY-MUST-NOT-TRAVEL|2016-05-04|Jones/, 'no more about the child in Welsh than in English')
  t.match(mail.html, /<div lang="cy">[\s\S]*<\/div>\n<hr><p lang="cy"><em>English follows<\/em><\/p>\n<div lang="en">[\s\S]*Operation Encompass: the police attended/)
})

t.test("the force's own guidance is pointed to in Welsh and given in its own words", async (t) => {
  const part = welshPart('notification', { ...ctx, guidance: ['Talk to the class teacher.'], keyAdultMaySpeakToFamily: true }, links)
  t.same(part.guidance, [CY.forceGuidanceInEnglish, CY.familyMay])
  const desk = welshPart('desk', ctx, links)
  t.equal(desk.acknowledge, null, 'the desk has nothing to acknowledge')
  t.equal(desk.desk, null)
})

t.test('a setting in England: English only', async (t) => {
  const mail = renderNotification('notification', { ...ctx, laCode: '808' }, links)
  t.match(mail.subject, /^Operation Encompass notification NWP-1$/)
  t.notMatch(mail.text, /Ymgyrch|Cyfeirnod/)
})

t.test('a withdrawal in Wales: Welsh first, no acknowledgement link in either language', async (t) => {
  const mail = renderNotification('withdrawal', ctx, links)
  t.equal(mail.subject, 'TYNNWYD YN ÔL: Hysbysiad Ymgyrch Encompass / WITHDRAWN: Operation Encompass notification NWP-1')
  t.match(mail.text, /^Ymgyrch Encompass: mae’r heddlu wedi tynnu’n ôl eu hysbysiad am blentyn yn eich lleoliad, cyfeirnod yr heddlu NWP-1\. Ni fydd dim mwy yn dod amdano\./)
  t.match(mail.text, `Darllenwch pam y cafodd ei dynnu’n ôl (bydd angen i chi fewngofnodi): ${links.details}`)
  t.notMatch(mail.text, links.acknowledge)
  t.notMatch(mail.html, '/ack/')
  t.ok(mail.text.indexOf('Operation Encompass: the police have withdrawn') > mail.text.indexOf('Ni fydd dim mwy'), 'the English follows')
})

t.test('a correction in Wales: marked CYWIRIAD, corrected details behind sign-in, still to be acknowledged', async (t) => {
  const mail = renderNotification('correction', ctx, links)
  t.equal(mail.subject, 'CYWIRIAD: Hysbysiad Ymgyrch Encompass / CORRECTION: Operation Encompass notification NWP-1')
  t.match(mail.text, /^Ymgyrch Encompass: mae’r heddlu wedi cywiro manylion eu hysbysiad â chyfeirnod yr heddlu NWP-1\. Mae angen ei gydnabod o hyd/)
  t.match(mail.text, `Darllenwch y manylion wedi’u cywiro (bydd angen i chi fewngofnodi): ${links.details}`)
  t.match(mail.text, `Agorwch y dudalen hon i gydnabod: ${links.acknowledge}`)
  t.match(mail.text, `Open this page to acknowledge: ${links.acknowledge}`)
})
