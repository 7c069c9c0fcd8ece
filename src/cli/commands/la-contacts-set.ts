import { isGenericRoleAddress } from '../../domain/contacts.js'
import { audit } from '../../store/audit-store.js'
import { rematchHeldChildren } from '../../store/incidents-store.js'
import { LA_SERVICES, type LaService } from '../../domain/no-setting.js'
import { putLaContact } from '../../store/la-contacts-store.js'
import { laOption, str, strs, UsageError, type Command } from '../command.js'

export const laContactsSetCommand: Command = {
  name: 'la-contacts set',
  args: '--la <code> [--service childrens-services|health-visiting] --lead "Name <email>" [--deputy "Name <email>"]... [--name <label>]',
  about: "an LA's children's services (default) or health visiting contact, told when a child has no setting (health visiting: under 5)",
  options: { la: { type: 'string' }, service: { type: 'string' }, name: { type: 'string' }, lead: { type: 'string', multiple: true }, deputy: { type: 'string', multiple: true } },
  async run({ db, out, values, usage }) {
    const la = laOption(values, 'la-contacts set', usage)
    const given = str(values, 'service') ?? 'childrens-services'
    if (!(LA_SERVICES as readonly string[]).includes(given)) throw new UsageError(`--service must be ${LA_SERVICES.join(' or ')}`, usage)
    const service = given as LaService
    const person = (role: 'lead' | 'deputy') => (v: string) => {
      const m = /^\s*(.+?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(v)
      if (!m) throw new UsageError(`--${role} must be "Full Name <address@example.org>"`, usage)
      if (isGenericRoleAddress(m[2]!)) throw new UsageError(`--${role} ${m[2]} is a generic role inbox; name a person`)
      return { role, name: m[1]!, email: m[2]! }
    }
    const contacts = [...strs(values, 'lead').map(person('lead')), ...strs(values, 'deputy').map(person('deputy'))]
    if (!contacts.some((c) => c.role === 'lead')) throw new UsageError('la-contacts set needs at least one --lead "Name <email>"', usage)
    const { created } = await putLaContact(db, service, la, { name: str(values, 'name') ?? null, contacts }, new Date())
    await audit(db, { actor: 'cli', action: created ? 'la-contact.create' : 'la-contact.replace', subjectType: 'la', subjectId: la, reason: 'directory maintenance', detail: { service, contacts: contacts.length } })
    // Children held for want of this contact are matched again by the workers' next sweep.
    const rematch = await rematchHeldChildren(db, { reasons: ['no-la-contact'] })
    out(`${created ? 'created' : 'replaced'} LA ${la}'s ${service === 'health-visiting' ? 'health visiting' : "children's services"} contact (${contacts.length} named people)${rematch.length ? `; ${rematch.length} held children will be matched again` : ''}`)
  },
}
