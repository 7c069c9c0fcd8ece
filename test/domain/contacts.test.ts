// Named people only: generic role and team inboxes are refused however they are dressed up.
import t from 'tap'
import { isGenericRoleAddress } from '../../src/domain/contacts.js'

t.test('a role or team inbox is refused', async (t) => {
  for (const a of [
    'office@school.example', 'Office1@school.example', 'office+oe@school.example', 'office.stmarys@school.example',
    'admin.office@school.example', 'info.stmarys@school.example', 'enquiries-school@school.example', 'admin@school.example',
    'head@school.example', 'dsl@school.example', 'safeguarding.lead@school.example', 'mash@council.example',
    'frontdoor@council.example', 'childrens.services@council.example', 'duty.team@council.example', '+x@school.example',
  ]) t.ok(isGenericRoleAddress(a), a)
})

t.test('a named person is not', async (t) => {
  for (const a of ['jo.bloggs@school.example', 'a.head@school.example', 'sarah.post@school.example', 'jbloggs1@school.example',
    'amir-khan@council.example', 'l.officer@school.example']) t.notOk(isGenericRoleAddress(a), a)
})
