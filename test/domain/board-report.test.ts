// The board report's rules without a database: which figures a row shows, the rates worked out
// only from shown figures, times withheld under five, and the CSV's three ways of not showing.
import t from 'tap'
import { boardCsv, suppressBoard, type BoardRaw } from '../../src/domain/board-report.js'

function raw(key: string | null, over: Partial<BoardRaw> = {}): BoardRaw {
  return {
    key, childrenNotified: 10, notified2Plus: 0, notified3Plus: 0,
    ageBands: { '0-4': 0, '5-10': 10, '11-15': 0, '16-17': 0, unknown: 0 }, settingTypes: { Primary: 10 },
    incidentTypes: { crime: 10, 'non-crime': 0 }, riskLevels: { standard: 10, medium: 0, high: 0, unknown: 0, 'not-given': 0 },
    knownOutOfSchoolHours: 5, sent: 10, onTime: 10, children: 10, childrenOnTime: 10, acknowledged: 10,
    escalated: 0, escalationReasons: { notAcknowledgedInTime: 0, sentAfterDeadline: 0, deliveryFailed: 0 },
    deliveryFailures: 0, placedByOfficer: 0, childrenUnplaced: 0, toChildrensServices: 0, toHealthVisiting: 0,
    policeToSentSeconds: { p50: 60, p90: 120 }, sentToAcknowledgedSeconds: { p50: 600, p90: 900 }, reviewQueueSeconds: { p50: null, p90: null },
    ...over,
  }
}

t.test('nothing small: every figure shown, rates from them', async (t) => {
  const r = suppressBoard(raw(null), [raw('808')])
  t.equal(r.small.size + r.complements.size, 0)
  t.equal(r.rows[0]!.onTimeRate, 1)
  t.equal(r.rows[0]!.knownOutOfSchoolHoursShare, 0.5)
  t.same(r.rows[0]!.policeToSentSeconds, { p50: 60, p90: 120 })
})

t.test('a small count is null, the figure that would give it away too, and so is every rate and time resting on them', async (t) => {
  const row = raw('808', { onTime: 7 }) // three late: a small hidden remainder
  const r = suppressBoard(row, [row])
  const shown = r.rows[0]!
  t.equal(shown.onTime, null, 'on time would give the three late away (10 − 7)')
  t.equal(shown.onTimeRate, null)
  t.ok(r.complements.has('0|onTime'))
  const few = raw('391', { childrenNotified: 3, sent: 3, onTime: 3, acknowledged: 3, knownOutOfSchoolHours: 3,
    ageBands: { '0-4': 0, '5-10': 3, '11-15': 0, '16-17': 0, unknown: 0 }, settingTypes: { Primary: 3 },
    incidentTypes: { crime: 3, 'non-crime': 0 }, riskLevels: { standard: 3, medium: 0, high: 0, unknown: 0, 'not-given': 0 } })
  const s = suppressBoard(few, [few]).rows[0]!
  t.equal(s.childrenNotified, null)
  t.same(s.policeToSentSeconds, { p50: null, p90: null }, 'no times over fewer than five')
  t.same(s.sentToAcknowledgedSeconds, { p50: null, p90: null })
})

t.test('CSV: "<5" for small, "[c]" for a complement, empty for a rate not given; formulas defused', async (t) => {
  const row = raw('=808', { onTime: 7 })
  const csv = boardCsv({ groupBy: 'la', ...suppressBoard(row, [row]) })
  const [head, all, first] = csv.trimEnd().split('\r\n').map((l) => l.split(','))
  const col = (name: string) => head!.indexOf(name)
  t.equal(all![0], '(all)')
  t.equal(first![0], `"'=808"`, 'a key that reads as a formula is quoted and defused')
  t.equal(first![col('onTime')], '[c]')
  t.equal(first![col('onTimeRate')], '')
  t.equal(first![col('childrenNotified')], '10')
  const small = raw('391', { riskLevels: { standard: 8, medium: 2, high: 0, unknown: 0, 'not-given': 0 } })
  const csv2 = boardCsv({ groupBy: 'la', ...suppressBoard(small, [small]) }).split('\r\n')
  const h2 = csv2[0]!.split(',')
  t.equal(csv2[2]!.split(',')[h2.indexOf('riskLevels.medium')], '<5')
})

t.test('children told through an LA’s children’s services or health visiting: counted apart, 1–4 never shown', async (t) => {
  const row = raw('808', { childrenNotified: 20, sent: 20, onTime: 20, acknowledged: 20, knownOutOfSchoolHours: 10,
    ageBands: { '0-4': 5, '5-10': 15, '11-15': 0, '16-17': 0, unknown: 0 }, settingTypes: { Primary: 10, 'LA children\'s services': 5, 'LA health visiting': 5 },
    incidentTypes: { crime: 20, 'non-crime': 0 }, riskLevels: { standard: 20, medium: 0, high: 0, unknown: 0, 'not-given': 0 },
    toChildrensServices: 5, toHealthVisiting: 5 })
  const shown = suppressBoard(row, [row]).rows[0]!
  t.equal(shown.toChildrensServices, 5)
  t.equal(shown.toHealthVisiting, 5)
  const few = raw('808', { toChildrensServices: 2, toHealthVisiting: 0 })
  const r = suppressBoard(few, [few])
  t.equal(r.rows[0]!.toChildrensServices, null, 'two is small')
  t.equal(r.rows[0]!.toHealthVisiting, 0, 'none is shown as none')
  const csv = boardCsv({ groupBy: 'la', ...r }).split('\r\n')
  const head = csv[0]!.split(',')
  t.equal(csv[2]!.split(',')[head.indexOf('toChildrensServices')], '<5')
})

t.test('children told on time at all their settings: counted once per child, withheld when small, its complement too', async (t) => {
  // Ten children on time everywhere or not, five each way.
  const r = suppressBoard(raw(null, { children: 10, childrenOnTime: 5 }), [raw('808', { children: 10, childrenOnTime: 5 })])
  t.equal(r.overall.children, 10)
  t.equal(r.overall.childrenOnTime, 5)
  t.equal(r.overall.childrenOnTimeRate, 0.5)
  // Eight children, six on time: the two late would follow from 8 − 6, so the six are withheld too.
  const late = suppressBoard(raw(null, { children: 8, childrenOnTime: 6 }), [])
  t.equal(late.overall.children, 8)
  t.equal(late.overall.childrenOnTime, null, 'withheld as the complement of a small count')
  const small = suppressBoard(raw(null, { children: 9, childrenOnTime: 3 }), [])
  t.equal(small.overall.childrenOnTime, null, '1–4 withheld')
  t.equal(small.overall.childrenOnTimeRate, null, 'and no rate that would give it away')
})
