// A force's wording for Key Adults: its own guidance or the defaults, the line about the family
// (only an explicit yes lets the Key Adult speak to them), the desk contact line, the roles' labels.
import t from 'tap'
import { CHILD_ROLE_LABELS, CHILD_ROLES, DEFAULT_GUIDANCE, deskContactLine, familyLine, guidanceFor } from '../../src/domain/force-wording.js'

t.test('guidance: the force’s lines, else the defaults, then the family line', async (t) => {
  t.same(guidanceFor({ guidance: null, keyAdultMaySpeakToFamily: null }), [...DEFAULT_GUIDANCE, familyLine({ keyAdultMaySpeakToFamily: null })])
  t.same(guidanceFor({ guidance: [], keyAdultMaySpeakToFamily: false }).slice(0, DEFAULT_GUIDANCE.length), [...DEFAULT_GUIDANCE], 'an empty list is no guidance')
  t.same(guidanceFor({ guidance: ['One.', 'Two.'], keyAdultMaySpeakToFamily: true }), ['One.', 'Two.', familyLine({ keyAdultMaySpeakToFamily: true })])
})

t.test('only an explicit yes lets the Key Adult speak to the family', async (t) => {
  t.match(familyLine({ keyAdultMaySpeakToFamily: null }), /Do not forward it or discuss it with the child or family/)
  t.match(familyLine({ keyAdultMaySpeakToFamily: false }), /Do not forward it or discuss it with the child or family/)
  t.match(familyLine({ keyAdultMaySpeakToFamily: true }), /allows you to speak with the child’s family/)
})

t.test('the desk contact line names what the force gave', async (t) => {
  t.equal(deskContactLine({ deskPhone: null, deskEmail: null }), null)
  t.equal(deskContactLine({ deskPhone: '01632 960 123', deskEmail: null }), 'To contact the police Encompass desk: telephone 01632 960 123.')
  t.equal(deskContactLine({ deskPhone: '01632 960 123', deskEmail: 'desk@force.example' }), 'To contact the police Encompass desk: telephone 01632 960 123 or e-mail desk@force.example.')
})

t.test('every role has a label a Key Adult reads, a child harming a parent among them', async (t) => {
  t.same(Object.keys(CHILD_ROLE_LABELS).sort(), [...CHILD_ROLES].sort())
  t.match(CHILD_ROLE_LABELS.suspect, /child harming a parent/)
})
