// Setting an LA's children's services contact (told instead of a school when a child has no
// setting): the API's PUT and the administrator's page both come here. The rules are
// domain/contacts.ts's (named people, a lead); then the directory's alerts for the LA are cleared
// and children held for want of a contact go back to be matched.
import { contactListProblems, type ContactProblem } from '../domain/contacts.js'
import type { Services } from '../services.js'
import { clearResolvedDirectoryAlerts, putChildrensServices, type LaContact } from '../store/la-contacts-store.js'
import { rematchHeld } from './match-child.js'

export async function setChildrensServices(
  services: Services,
  laCode: string,
  body: { name?: string | null | undefined; contacts: LaContact[] },
): Promise<{ kind: 'refused'; problems: ContactProblem[] } | { kind: 'saved'; created: boolean }> {
  const problems = contactListProblems(body.contacts, 'la')
  if (problems.length > 0) return { kind: 'refused', problems }
  const { created } = await putChildrensServices(services.db, laCode, body, services.clock.now())
  await clearResolvedDirectoryAlerts(services.db, services.clock.now())
  // Children held for want of a children's services contact go back to be matched (those of
  // other LAs are held again, at once).
  await rematchHeld(services, { reasons: ['no-la-contact'] })
  return { kind: 'saved', created }
}
