// Setting an LA's contacts for children with no setting (children's services, and health visiting
// for under-5s: domain/no-setting.ts): the API's PUTs, the administrator's page and the CLI all come
// here. The rules are domain/contacts.ts's (named people, a lead); then the directory's alerts for
// the LA are cleared and children held for want of a contact go back to be matched.
import { contactListProblems, type ContactProblem } from '../domain/contacts.js'
import type { LaService } from '../domain/no-setting.js'
import type { Services } from '../services.js'
import { clearResolvedDirectoryAlerts, putLaContact, type LaContact } from '../store/la-contacts-store.js'
import { rematchHeld } from './match-child.js'

export type LaContactSaved = { kind: 'refused'; problems: ContactProblem[] } | { kind: 'saved'; created: boolean; rematched: number }

export async function setLaContact(
  services: Services,
  service: LaService,
  laCode: string,
  body: { name?: string | null | undefined; contacts: LaContact[] },
): Promise<LaContactSaved> {
  const problems = contactListProblems(body.contacts, 'la')
  if (problems.length > 0) return { kind: 'refused', problems }
  const { created } = await putLaContact(services.db, service, laCode, body, services.clock.now())
  await clearResolvedDirectoryAlerts(services.db, services.clock.now())
  // Children held for want of an LA contact go back to be matched (those of other LAs, or those
  // this contact does not fit — a 10-year-old when only health visiting is set — are held again).
  const rematched = await rematchHeld(services, { reasons: ['no-la-contact'] })
  return { kind: 'saved', created, rematched }
}

export async function setChildrensServices(
  services: Services,
  laCode: string,
  body: { name?: string | null | undefined; contacts: LaContact[] },
): Promise<LaContactSaved> {
  return setLaContact(services, 'childrens-services', laCode, body)
}
