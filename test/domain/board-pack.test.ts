// The board pack's wording: a month read as a range, durations in words, and sentences that use
// only figures the report shows (a withheld one is said to be withheld, never guessed).
import t from 'tap'
import { boardPack, durationInWords, monthRange, type Withheld } from '../../src/domain/board-pack.js'
import { suppressBoard, type BoardRaw } from '../../src/domain/board-report.js'

t.test('a month is its first and last day, within the service date bounds', async (t) => {
  t.same(monthRange('2026-11'), { from: '2026-11-01', to: '2026-11-30', name: 'November 2026' })
  t.same(monthRange('2028-02'), { from: '2028-02-01', to: '2028-02-29', name: 'February 2028' }, 'a leap year')
  for (const bad of ['2026-13', '2026-00', '26-11', '2026-1', '', '2026-11-01']) t.match(monthRange(bad), { error: /YYYY-MM/ }, bad)
  for (const far of ['0026-11', '1899-12', '2101-01']) t.match(monthRange(far), { error: /1900-01-01 to 2100-12-31/ }, far)
})

t.test('durations in words, to the two largest units', async (t) => {
  t.equal(durationInWords(null), '–')
  t.equal(durationInWords(0), '0 seconds')
  t.equal(durationInWords(45), '45 seconds')
  t.equal(durationInWords(60), '1 minute')
  t.equal(durationInWords(7_500), '2 hours 5 minutes')
  t.equal(durationInWords(3 * 86_400 + 4 * 3_600 + 59), '3 days 4 hours')
  t.equal(durationInWords(86_400 + 30), '1 day', 'a zero next unit is not written')
})

function raw(over: Partial<BoardRaw> = {}): BoardRaw {
  return {
    key: '808', childrenNotified: 20, notified2Plus: 6, notified3Plus: 0,
    ageBands: { '0-4': 5, '5-10': 10, '11-15': 5, '16-17': 0, unknown: 0 }, settingTypes: { Primary: 15, Secondary: 5 },
    incidentTypes: { crime: 12, 'non-crime': 8 }, riskLevels: { standard: 10, medium: 5, high: 5, unknown: 0, 'not-given': 0 },
    knownOutOfSchoolHours: 15, sent: 20, onTime: 15, children: 17, childrenOnTime: 12, acknowledged: 20,
    escalated: 5, escalationReasons: { notAcknowledgedInTime: 5, sentAfterDeadline: 0, deliveryFailed: 0 },
    deliveryFailures: 0, placedByOfficer: 0, childrenUnplaced: 0, toChildrensServices: 0, toHealthVisiting: 0,
    policeToSentSeconds: { p50: 600, p90: 7_500 }, sentToAcknowledgedSeconds: { p50: 3_600, p90: 7_200 }, reviewQueueSeconds: { p50: null, p90: null },
    ...over,
  }
}

/** The pack of a one-LA report, suppressed as the route and the CLI suppress it. */
function packOf(r: BoardRaw) {
  const s = suppressBoard(r, [r])
  const why = (f: string): Withheld => (s.small.has(`0|${f}`) ? 'small' : s.complements.has(`0|${f}`) ? 'complement' : null)
  return boardPack({ la: '808', laName: 'Hartlepool', month: '2026-11' }, s.rows[0]!, why)
}

t.test('a month with enough children reads in plain English, with the on-time share first', async (t) => {
  const p = packOf(raw())
  t.equal(p.reading[0], '20 children in Hartlepool (LA 808) were the subject of a notification in November 2026.')
  t.equal(p.reading[1], '75% of children were known to their school before the next school day.')
  t.match(p.reading.join(' '), /Half of the schools were told within 10 minutes of the police knowing, and 9 in 10 within 2 hours 5 minutes\./)
  t.match(p.reading.join(' '), /Key Adults acknowledged 100% of the notifications sent, half of them within 1 hour of the e-mail\./)
  t.match(p.reading.join(' '), /5 notifications were escalated/)
  t.match(p.reading.join(' '), /75% of the incidents became known to the police out of school hours/)
  t.same(p.headline.find((f) => f.label === 'Known to the school before the next school day'), { label: 'Known to the school before the next school day', text: '15', share: null })
  const ages = p.charts.find((c) => c.heading === 'Age of the children')!
  t.same(ages.figures.map((f) => [f.label, f.text, f.share]), [['Under 5', '5', 0.25], ['5 to 10', '10', 0.5], ['11 to 15', '5', 0.25], ['16 and 17', '0', 0], ['Age not known', '0', 0]])
})

t.test('a small figure reads "<5", its complement "[c]", and no sentence or bar gives either away', async (t) => {
  // Two children late: on time 18 is shown only if "2 late" cannot be worked out — it can (20 − 18), so both go.
  const p = packOf(raw({ onTime: 18, riskLevels: { standard: 14, medium: 4, high: 2, unknown: 0, 'not-given': 0 } }))
  const onTime = p.headline.find((f) => f.label === 'Known to the school before the next school day')!
  t.equal(onTime.text, '[c]', 'on time withheld: 20 notified minus it would give the 2 late')
  t.match(p.reading[1], /share of children known to their school before the next school day is not shown/)
  t.notMatch(p.reading.join(' '), /90%/, 'no share that gives the late count away')
  const risk = p.charts.find((c) => c.heading === 'Risk level recorded by the police')!
  // Two small ones in the same sum protect each other: 14 shown gives only their total.
  t.same(risk.figures.map((f) => f.text).slice(0, 3), ['14', '<5', '<5'])
  t.same(risk.figures.slice(0, 3).map((f) => f.share), [0.7, null, null], 'no bar for a withheld figure')
})

t.test('fewer than five children: one sentence, nothing else read out', async (t) => {
  const small = raw({
    childrenNotified: 3, notified2Plus: 0, ageBands: { '0-4': 0, '5-10': 3, '11-15': 0, '16-17': 0, unknown: 0 }, settingTypes: { Primary: 3 },
    incidentTypes: { crime: 3, 'non-crime': 0 }, riskLevels: { standard: 3, medium: 0, high: 0, unknown: 0, 'not-given': 0 },
    knownOutOfSchoolHours: 3, sent: 3, onTime: 3, acknowledged: 3, escalated: 0, escalationReasons: { notAcknowledgedInTime: 0, sentAfterDeadline: 0, deliveryFailed: 0 },
  })
  const p = packOf(small)
  t.equal(p.reading.length, 1)
  t.match(p.reading[0], /^Fewer than 5 children in Hartlepool \(LA 808\)/)
  t.equal(p.headline[0]!.text, '<5')
  t.equal(p.headline.find((f) => f.label === 'Police knowing to school told: median')!.text, '–', 'no times over fewer than five')
})

t.test('a month with nothing says so', async (t) => {
  const p = boardPack({ la: '391', laName: null, month: '2026-02' }, null, () => null)
  t.same(p.reading, ['No children in LA 391 were the subject of a notification in February 2026.'])
  t.equal(p.headline[0]!.text, '0')
  t.throws(() => boardPack({ la: '391', laName: null, month: '2026-2' }, null, () => null), RangeError)
})
