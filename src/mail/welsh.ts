// The Welsh part of a Key Adult's e-mail for a setting in Wales (issue 14.6): the same facts and
// links as the English, in Welsh, shown first; the English follows in full. Its words are in this
// one catalogue. They were written for this service and must be checked by a professional Welsh
// translator before a Welsh force goes live (README, "Welsh").
import type { SendContext } from '../store/notifications-store.js'
import { carriesAcknowledgement, type MailKind } from './templates.js'

export const CY = {
  lead: {
    notification: 'Ymgyrch Encompass: bu’r heddlu mewn digwyddiad o gam-drin domestig yn ymwneud â phlentyn yn eich lleoliad.',
    deputies: 'Ymgyrch Encompass: nid yw eich arweinydd diogelu dynodedig wedi cydnabod yr hysbysiad hwn eto, felly fe’i anfonir atoch chi fel dirprwy.',
    reminder: 'Nodyn atgoffa Ymgyrch Encompass: yn ystod y gwyliau dywedodd yr heddlu wrthym am ddigwyddiad o gam-drin domestig yn ymwneud â phlentyn yn eich lleoliad. Mae’r disgyblion yn dychwelyd ar y diwrnod isod.',
    desk: 'RHYBUDD Ymgyrch Encompass i ddesg yr heddlu: nid yw’r ysgol wedi cydnabod yr hysbysiad hwn erbyn dechrau’r diwrnod ysgol. Ffoniwch y lleoliad.',
    withdrawal: (reference: string) => `Ymgyrch Encompass: mae’r heddlu wedi tynnu’n ôl eu hysbysiad am blentyn yn eich lleoliad, cyfeirnod yr heddlu ${reference}. Ni fydd dim mwy yn dod amdano.`,
    correction: (reference: string) => `Ymgyrch Encompass: mae’r heddlu wedi cywiro manylion eu hysbysiad â chyfeirnod yr heddlu ${reference}. Mae angen ei gydnabod o hyd os nad ydych wedi’i gydnabod eto.`,
  } satisfies Record<MailKind, string | ((reference: string) => string)>,
  subject: {
    notification: 'Hysbysiad Ymgyrch Encompass',
    deputies: 'Hysbysiad Ymgyrch Encompass (heb ei gydnabod eto)',
    reminder: 'Nodyn atgoffa Ymgyrch Encompass',
    desk: 'Hysbysiad Ymgyrch Encompass HEB EI GYDNABOD',
    withdrawal: 'TYNNWYD YN ÔL: Hysbysiad Ymgyrch Encompass',
    correction: 'CYWIRIAD: Hysbysiad Ymgyrch Encompass',
  } satisfies Record<MailKind, string>,
  reference: 'Cyfeirnod yr heddlu',
  setting: 'Lleoliad',
  child: 'Plentyn',
  childRemoved: 'plentyn (manylion wedi’u dileu o dan y polisi cadw)',
  present: 'Y plentyn yn bresennol yn y digwyddiad',
  yes: 'oedd',
  no: 'nac oedd',
  aware: 'Daeth yr heddlu yn ymwybodol',
  readyBy: 'Byddwch yn barod erbyn',
  dayStart: 'dechrau’r diwrnod ysgol',
  details: 'Darllenwch y manylion llawn (bydd angen i chi fewngofnodi)',
  detailsWithdrawn: 'Darllenwch pam y cafodd ei dynnu’n ôl (bydd angen i chi fewngofnodi)',
  detailsCorrected: 'Darllenwch y manylion wedi’u cywiro (bydd angen i chi fewngofnodi)',
  acknowledge: 'Agorwch y dudalen hon i gydnabod',
  ackHow: 'Nid yw agor y dudalen yn cydnabod: pwyswch Cydnabod arni ar ôl i chi ddarllen hwn.',
  defaultGuidance: [
    'Byddwch yn barod i gefnogi’r plentyn o ddechrau’r diwrnod ysgol: gair tawel, lle diogel, amynedd gydag ymddygiad neu hwyrni.',
    'Cofnodwch yr hysbysiad hwn ac unrhyw gymorth a roddwyd ar ffeil ddiogelu’r plentyn, fel y mae polisi amddiffyn plant eich lleoliad yn ei ddweud.',
    'Os ydych yn poeni am ddiogelwch uniongyrchol y plentyn, dilynwch eich gweithdrefnau diogelu a chysylltwch â’r gwasanaethau plant neu’r heddlu.',
  ],
  forceGuidanceInEnglish: 'Mae canllawiau eich heddlu isod, yn Saesneg.',
  familyMay: 'Mae eich heddlu yn caniatáu i chi siarad â theulu’r plentyn am hyn os bydd yn eich helpu i gefnogi’r plentyn. Peidiwch ag anfon y neges hon ymlaen.',
  familyNot: 'Mae’r neges hon yn wybodaeth ddiogelu gyfrinachol. Peidiwch â’i hanfon ymlaen na’i thrafod gyda’r plentyn na’r teulu.',
  desk: (ways: string[]) => `I gysylltu â desg Encompass yr heddlu: ${ways.join(' neu ')}.`,
  phone: (n: string) => `ffoniwch ${n}`,
  email: (a: string) => `e-bostiwch ${a}`,
  englishFollows: 'English follows',
}

// The same moments as the English, written the Welsh way ("Llun, 23 Tach 2026, 08:30").
const welshFormat = new Intl.DateTimeFormat('cy-GB', {
  timeZone: 'Europe/London', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit',
})

/** The Welsh lines of an e-mail: facts, links and guidance, in the English one's order. */
export function welshPart(kind: MailKind, ctx: SendContext, links: { details: string; acknowledge: string }) {
  const child = ctx.givenName ? `${ctx.givenName} ${(ctx.familyName ?? '').slice(0, 1)}.`.trim() : CY.childRemoved
  const facts: [string, string][] = [
    [CY.reference, ctx.reference],
    [CY.setting, `${ctx.schoolName} (URN ${ctx.urn})`],
    [CY.child, child],
    ...(kind === 'withdrawal' ? [] : [
      [CY.present, ctx.present ? CY.yes : CY.no],
      [CY.aware, welshFormat.format(ctx.policeAwareAt)],
      [CY.readyBy, `${welshFormat.format(ctx.dueBy)} (${CY.dayStart})`],
    ] satisfies [string, string][]),
  ]
  const ways = [ctx.deskPhone ? CY.phone(ctx.deskPhone) : null, ctx.deskEmail ? CY.email(ctx.deskEmail) : null].filter((w): w is string => w !== null)
  const guidance = kind === 'desk' || kind === 'withdrawal'
    ? [CY.familyNot]
    : [...(ctx.guidance && ctx.guidance.length > 0 ? [CY.forceGuidanceInEnglish] : CY.defaultGuidance),
      ctx.keyAdultMaySpeakToFamily === true ? CY.familyMay : CY.familyNot]
  const lead = CY.lead[kind]
  return {
    subject: CY.subject[kind],
    lead: typeof lead === 'function' ? lead(ctx.reference) : lead,
    facts,
    details: kind === 'withdrawal' ? CY.detailsWithdrawn : kind === 'correction' ? CY.detailsCorrected : CY.details,
    acknowledge: carriesAcknowledgement(kind) ? { text: CY.acknowledge, how: CY.ackHow } : null,
    desk: kind !== 'desk' && ways.length ? CY.desk(ways) : null,
    guidance,
    englishFollows: CY.englishFollows,
  }
}
