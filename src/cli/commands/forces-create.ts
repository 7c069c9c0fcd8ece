import { forceSettingsSchema } from '../../http/routes/forces.js'
import { audit } from '../../store/audit-store.js'
import { getForce, policeForceNamed, putForce } from '../../store/forces-store.js'
import { str, UsageError, type Command } from '../command.js'

export const forcesCreateCommand: Command = {
  name: 'forces create',
  args: '<code> [--name <name>] [--desk-email <address>]',
  about: 'add a police force (its other settings: PUT /v1/forces/{code})',
  options: { name: { type: 'string' }, 'desk-email': { type: 'string' } },
  positionals: ['<code>'],
  async run({ db, out, values, positionals, usage }) {
    const code = positionals[0]!
    if (!/^[a-z0-9-]{2,40}$/.test(code)) throw new UsageError(`the force code must be lower-case letters, digits and hyphens, like cleveland (got ${JSON.stringify(code)})`, usage)
    if (await getForce(db, code)) throw new UsageError(`force ${code} exists already; change its settings with PUT /v1/forces/${code}`)
    const parsed = forceSettingsSchema.safeParse({ name: str(values, 'name') ?? policeForceNamed(code)?.name ?? null, deskEmail: str(values, 'desk-email') ?? null })
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      throw new UsageError(`--${issue.path[0] === 'deskEmail' ? 'desk-email' : 'name'}: ${issue.message}`, usage)
    }
    const force = await putForce(db, code, parsed.data)
    await audit(db, { actor: 'cli', action: 'force.create', subjectType: 'force', subjectId: code, reason: 'force added', detail: { deskEmail: force.deskEmail } })
    out(
      `created force ${code}${force.deskEmail ? ` (Encompass desk ${force.deskEmail})` : `; give it a desk address (PUT /v1/forces/${code} with deskEmail): overdue and failed notifications are escalated there`}`,
    )
  },
}
