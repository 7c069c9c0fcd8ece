// Whether a child can be placed with a setting, and who gets the first e-mail (src/domain/matching.ts).
import t from 'tap'
import { DIRECTORY_REASONS, decideByUrn, firstRecipients } from '../../src/domain/matching.js'

const open = { urn: '111234', open: true, contacts: [{ role: 'dsl' as const }] }

t.test('a known, open setting with a Key Adult is matched, by the method given', async (t) => {
  t.same(decideByUrn('111234', open), { status: 'matched', urn: '111234', method: 'urn' })
  t.same(decideByUrn('111234', open, 'pupil-roll'), { status: 'matched', urn: '111234', method: 'pupil-roll' })
  t.same(decideByUrn('111234', { ...open, contacts: [{ role: 'deputy' }] }).status, 'matched', 'a deputy alone is a Key Adult')
})

t.test('every reason a setting cannot be sent to is recorded, never guessed', async (t) => {
  t.same(decideByUrn(null, null), { status: 'unmatched', reason: 'no-school-given', urn: null })
  t.same(decideByUrn('999999', null), { status: 'unmatched', reason: 'unknown-urn', urn: '999999' })
  t.same(decideByUrn('111234', { ...open, open: false }), { status: 'unmatched', reason: 'setting-closed', urn: '111234' })
  t.same(decideByUrn('111234', { ...open, contacts: [] }), { status: 'unmatched', reason: 'no-key-adult', urn: '111234' })
  t.match(decideByUrn('111234', { ...open, open: false, contacts: [] }), { reason: 'setting-closed' }, 'closed is told before no Key Adult')
})

t.test('the directory\'s own faults are the ones administrators are alerted to', async (t) => {
  t.same([...DIRECTORY_REASONS].sort(), ['no-key-adult', 'no-la-contact', 'setting-closed'])
  t.notOk(DIRECTORY_REASONS.includes('unknown-urn'), 'a wrong URN is the police record\'s fault')
})

t.test('the first e-mail goes to the DSLs, copying deputies when the force asks', async (t) => {
  const contacts = [
    { role: 'dsl' as const, email: 'jo@example.org' },
    { role: 'deputy' as const, email: 'sam@example.org' },
    { role: 'dsl' as const, email: 'lee@example.org' },
    { role: 'deputy' as const, email: 'kim@example.org' },
  ]
  t.same(firstRecipients(contacts, true), { to: ['jo@example.org', 'lee@example.org'], cc: ['sam@example.org', 'kim@example.org'] })
  t.same(firstRecipients(contacts, false), { to: ['jo@example.org', 'lee@example.org'], cc: [] })
})

t.test('with no DSL on record the deputies are the Key Adults, whatever copyDeputies says', async (t) => {
  const deputies = [{ role: 'deputy' as const, email: 'sam@example.org' }]
  t.same(firstRecipients(deputies, false), { to: ['sam@example.org'], cc: [] })
  t.same(firstRecipients(deputies, true), { to: ['sam@example.org'], cc: [] })
  t.same(firstRecipients([], true), { to: [], cc: [] })
})
