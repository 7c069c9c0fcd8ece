// Which settings are written to in Welsh: the Welsh LAs' codes 660–681, and nothing else.
import t from 'tap'
import { contentLanguage, isWelshLa, languagesFor } from '../../src/domain/languages.js'

t.test('the Welsh local authorities are 660 to 681', async (t) => {
  for (const code of ['660', '662', '681']) t.ok(isWelshLa(code), code)
  for (const code of ['659', '682', '808', '', null, undefined, '66', '6600', 'abc']) t.notOk(isWelshLa(code), String(code))
})

t.test('a Welsh setting reads Welsh first, then English; any other English only', async (t) => {
  t.same(languagesFor('662'), ['cy', 'en'])
  t.same(languagesFor('808'), ['en'])
  t.equal(contentLanguage(languagesFor('662')), 'cy, en')
  t.equal(contentLanguage(languagesFor(null)), 'en')
})

t.test("a setting's chosen first language: Welsh settings may put English first; others may choose Welsh first", async (t) => {
  t.same(languagesFor('662', null), ['cy', 'en'], 'no choice: Welsh first in Wales')
  t.same(languagesFor('662', 'cy'), ['cy', 'en'])
  t.same(languagesFor('662', 'en'), ['en', 'cy'], 'English first, Welsh still given')
  t.same(languagesFor('808', null), ['en'])
  t.same(languagesFor('808', 'en'), ['en'], 'outside Wales, English first is English only')
  t.same(languagesFor('808', 'cy'), ['cy', 'en'], 'outside Wales, Welsh first gives both')
  t.same(languagesFor(null, 'cy'), ['cy', 'en'])
})
