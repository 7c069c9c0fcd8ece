// One rule for a setting's identifier, used by every route and import: DfE URNs and Ofsted URNs.
import t from 'tap'
import { isDfeUrn, isOfstedUrn, normaliseSettingUrn, settingTypeFromGias, settingUrn, SETTING_URN_MESSAGE } from '../../src/domain/setting-ids.js'

t.test('a DfE URN is 5 to 8 digits', async (t) => {
  for (const ok of ['10000', '111234', '1234567', '99000808']) t.ok(isDfeUrn(ok), ok)
  for (const bad of ['1234', '123456789', 'EY512345', '11123a']) t.notOk(isDfeUrn(bad), bad)
})

t.test('an Ofsted URN is EY, SC or CH and exactly 6 digits', async (t) => {
  for (const ok of ['EY512345', 'SC123456', 'CH000001']) t.ok(isOfstedUrn(ok), ok)
  for (const bad of ['EY12345', 'EY1234567', 'XY512345', 'EY51234A', '512345', 'E Y512345']) t.notOk(isOfstedUrn(bad), bad)
})

t.test('as typed: trimmed, an Ofsted URN upper-cased, anything else refused', async (t) => {
  t.equal(normaliseSettingUrn(' ey512345 '), 'EY512345')
  t.equal(normaliseSettingUrn('111234'), '111234')
  t.equal(normaliseSettingUrn('EY12345'), null)
  t.equal(normaliseSettingUrn("111234' OR 1=1"), null)
  t.equal(settingUrn().parse('sc123456'), 'SC123456')
  const r = settingUrn().safeParse('CH12')
  t.notOk(r.success)
  t.equal(r.error?.issues[0]?.message, SETTING_URN_MESSAGE)
})

t.test('the kind of setting a DfE register row describes', async (t) => {
  t.equal(settingTypeFromGias('Nursery', 'Local authority nursery school'), 'early-years')
  t.equal(settingTypeFromGias('16 plus', 'Further education'), 'college')
  t.equal(settingTypeFromGias('16 plus', 'Sixth form centres'), 'college')
  t.equal(settingTypeFromGias('Primary', 'Community school'), 'school')
  t.equal(settingTypeFromGias(undefined, undefined), undefined, 'a row that says neither keeps the stored type')
})
