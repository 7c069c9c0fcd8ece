// A Key Adult's e-mail for a setting written to in Welsh (issue 14.6): the same facts as the
// English, every line from the Welsh catalogue, the force's own lines pointed to in English, and
// the setting's chosen first language first.
import t from 'tap'
import { renderNotification } from '../../src/mail/templates.js'
import { t as tr } from '../../src/i18n/translate.js'
import type { SendContext } from '../../src/store/notifications-store.js'

const ctx: SendContext = {
  id: '6f1c2d9e-0000-4000-8000-000000000002', messageId: '<m2@example>', status: 'scheduled', urn: '401234', schoolName: 'Ysgol Gynradd Enghraifft',
  dueBy: new Date('2026-11-23T08:45:00Z'), schoolDay: '2026-11-23', policeAwareAt: new Date('2026-11-20T21:00:00Z'), receivedAt: new Date('2026-11-20T21:05:00Z'),
  reference: 'NWP-1', incidentType: 'crime', occurredAt: null, summary: 'SUMMARY-MUST-NOT-TRAVEL', givenName: 'Nia', familyName: 'Jones', dateOfBirth: '2016-05-04',
  present: false, forceCode: 'north-wales', contentProfile: 'minimal', copyDeputies: true, deskEmail: 'desk@nwp.police.example', laCode: '662',
  deskPhone: '01632 960 999', guidance: null, keyAdultMaySpeakToFamily: null, contacts: [{ role: 'dsl', name: 'Siân Evans', email: 'sian@example.org' }],
}
const links = { details: 'https://notify.example/notifications/n2', acknowledge: 'https://notify.example/ack/n2/tok' }

t.test('a setting in Wales: Welsh first, then the English in full; the subject in both', async (t) => {
  const mail = renderNotification('notification', ctx, links)
  t.match(mail.subject, /^Hysbysiad Ymgyrch Encompass \/ Operation Encompass notification NWP-1$/)
  t.match(mail.text, /^Ymgyrch Encompass: bu’r heddlu mewn digwyddiad/)
  const english = mail.text.indexOf('Operation Encompass: the police attended')
  t.ok(english > mail.text.indexOf('Cyfeirnod yr heddlu: NWP-1'), 'the English follows the Welsh')
  t.match(mail.text, /———— English follows ————/)
  t.match(mail.text, /Plentyn: Nia J\./)
  t.match(mail.text, /Y plentyn yn bresennol yn y digwyddiad: nac oedd/)
  t.match(mail.text, /Byddwch yn barod erbyn: Llun, 23 Tach 2026, 08:45 \(dechrau’r diwrnod ysgol\)/)
  t.match(mail.text, 'Darllenwch y manylion llawn (bydd angen i chi fewngofnodi): https://notify.example/notifications/n2')
  t.match(mail.text, /I gysylltu â desg Encompass yr heddlu: ffoniwch 01632 960 999 neu e-bostiwch desk@nwp\.police\.example\./)
  t.match(mail.text, tr('cy', 'guidance.default.1'))
  t.match(mail.text, /Peidiwch â’i hanfon ymlaen na’i thrafod gyda’r plentyn na’r teulu\./)
  t.notMatch(mail.text, /SUMMARY-MUST-NOT-TRAVEL|2016-05-04|Jones/, 'no more about the child in Welsh than in English')
  t.match(mail.html, /<div lang="cy">[\s\S]*<\/div>\n<hr><p lang="en"><em>English follows<\/em><\/p>\n<div lang="en">[\s\S]*Operation Encompass: the police attended/)
})

t.test("the force's own guidance is pointed to in Welsh and given in its own words", async (t) => {
  const mail = renderNotification('notification', { ...ctx, guidance: ['Talk to the class teacher.'], keyAdultMaySpeakToFamily: true }, links)
  const welsh = mail.text.slice(0, mail.text.indexOf('———— English follows'))
  t.match(welsh, 'Mae canllawiau eich heddlu isod, yn Saesneg.')
  t.match(welsh, tr('cy', 'guidance.familyMay'))
  t.notMatch(welsh, 'Talk to the class teacher.')
  t.match(mail.text.slice(welsh.length), 'Talk to the class teacher.')
})

t.test("the desk's alert for a Welsh setting: the Key Adults' numbers in Welsh, nothing to acknowledge", async (t) => {
  const mail = renderNotification('desk', { ...ctx, contacts: [{ role: 'dsl', name: 'Siân Evans', email: 'sian@example.org', phone: '01632 960 111' }] }, links)
  t.match(mail.text, 'Oedolyn Allweddol (arweinydd diogelu dynodedig): Siân Evans, ffôn 01632 960 111, sian@example.org')
  t.match(mail.text, 'Agorwch y digwyddiad (mewngofnodi’r heddlu)')
  t.notMatch(mail.text, links.acknowledge)
  t.notMatch(mail.text, /I gysylltu â desg/)
})

t.test('a Welsh setting that chose English first: the English first, then the Welsh, the subject the same way round', async (t) => {
  const mail = renderNotification('notification', { ...ctx, firstLanguage: 'en', guidance: ['Talk to the class teacher.'] }, links)
  t.equal(mail.subject, 'Operation Encompass notification / Hysbysiad Ymgyrch Encompass NWP-1')
  t.match(mail.text, /^Operation Encompass: the police attended/)
  t.match(mail.text, /———— Mae’r fersiwn Gymraeg yn dilyn ————/)
  t.match(mail.text, 'Mae canllawiau eich heddlu uchod, yn Saesneg.', 'the English guidance is above')
  t.match(mail.html, /<div lang="en">[\s\S]*<hr><p lang="cy"><em>Mae’r fersiwn Gymraeg yn dilyn<\/em><\/p>\n<div lang="cy">/)
})

t.test('a setting in England: English only, unless it chose Welsh first', async (t) => {
  const mail = renderNotification('notification', { ...ctx, laCode: '808' }, links)
  t.match(mail.subject, /^Operation Encompass notification NWP-1$/)
  t.notMatch(mail.text, /Ymgyrch|Cyfeirnod/)
  t.notMatch(mail.html, /lang=/)
  const welshFirst = renderNotification('notification', { ...ctx, laCode: '808', firstLanguage: 'cy' }, links)
  t.match(welshFirst.subject, /^Hysbysiad Ymgyrch Encompass \/ Operation Encompass notification NWP-1$/)
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
