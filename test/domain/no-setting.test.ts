// Which of its LA's contacts a child with no setting goes to (src/domain/no-setting.ts): health
// visiting under 5 on the day the police knew (London), else children's services.
import t from 'tap'
import { childSchema } from '../../src/domain/incident.js'
import { laRouteReason, routeNoSetting, type LaService } from '../../src/domain/no-setting.js'

const both = new Set<LaService>(['childrens-services', 'health-visiting'])
const csOnly = new Set<LaService>(['childrens-services'])
const hvOnly = new Set<LaService>(['health-visiting'])
const none = new Set<LaService>()
// Friday 20 November 2026, 22:14 UTC: the London date is the 20th.
const aware = new Date('2026-11-20T22:14:00Z')

t.test('a child under 5 goes to health visiting, recorded as la-health-visiting:<la>', async (t) => {
  t.same(routeNoSetting({ dateOfBirth: '2023-06-01', policeAwareAt: aware }, '808', both),
    { kind: 'contact', service: 'health-visiting', reason: 'la-health-visiting:808' })
  t.same(routeNoSetting({ dateOfBirth: '2026-11-01', policeAwareAt: aware }, '808', both), { kind: 'contact', service: 'health-visiting', reason: 'la-health-visiting:808' }, 'a baby too')
})

t.test('a child under 5 goes to children’s services when the LA has no health visiting contact', async (t) => {
  t.same(routeNoSetting({ dateOfBirth: '2023-06-01', policeAwareAt: aware }, '807', csOnly),
    { kind: 'contact', service: 'childrens-services', reason: 'la-childrens-services:807' })
})

t.test('a child of 5 or more goes to children’s services, never health visiting', async (t) => {
  t.same(routeNoSetting({ dateOfBirth: '2016-05-04', policeAwareAt: aware }, '808', both),
    { kind: 'contact', service: 'childrens-services', reason: 'la-childrens-services:808' })
  t.same(routeNoSetting({ dateOfBirth: '2016-05-04', policeAwareAt: aware }, '808', hvOnly), { kind: 'none' }, 'health visiting alone cannot take a 10-year-old')
})

t.test('the fifth birthday counts on the London date the police became aware', async (t) => {
  t.equal((routeNoSetting({ dateOfBirth: '2021-11-20', policeAwareAt: aware }, '808', both) as { service: string }).service, 'childrens-services', '5 that day')
  t.equal((routeNoSetting({ dateOfBirth: '2021-11-21', policeAwareAt: aware }, '808', both) as { service: string }).service, 'health-visiting', '5 tomorrow')
  // 23:30 UTC on 20 June is 00:30 on 21 June in London (BST): the child turned 5 that day.
  const summerNight = new Date('2026-06-20T23:30:00Z')
  t.equal((routeNoSetting({ dateOfBirth: '2021-06-21', policeAwareAt: summerNight }, '808', both) as { service: string }).service, 'childrens-services')
})

t.test('an unknown date of birth goes to children’s services', async (t) => {
  t.equal((routeNoSetting({ dateOfBirth: null, policeAwareAt: aware }, '808', both) as { service: string }).service, 'childrens-services')
})

t.test('with no contact that fits, nothing is chosen (the child is held and administrators alerted)', async (t) => {
  t.same(routeNoSetting({ dateOfBirth: '2023-06-01', policeAwareAt: aware }, '806', none), { kind: 'none' })
  t.same(routeNoSetting({ dateOfBirth: '2012-06-01', policeAwareAt: aware }, '806', none), { kind: 'none' })
  t.equal(laRouteReason('childrens-services', '806'), 'la-childrens-services:806')
})

t.test('intake: noSetting gives a 3-digit LA code, and never beside a school or settings', async (t) => {
  const child = { givenName: 'Amy', familyName: 'Example', dateOfBirth: '2023-06-01', present: true }
  t.ok(childSchema.safeParse({ ...child, noSetting: { laCode: '808' } }).success)
  const bad = childSchema.safeParse({ ...child, noSetting: { laCode: '8080' } })
  t.same(bad.error?.issues.map((i) => i.path), [['noSetting', 'laCode']])
  for (const extra of [{ school: { urn: '111234' } }, { settings: [{ urn: '111234' }] }]) {
    const both = childSchema.safeParse({ ...child, ...extra, noSetting: { laCode: '808' } })
    t.same(both.error?.issues.map((i) => i.path), [['noSetting']], `refused beside ${Object.keys(extra)[0]}`)
  }
})
