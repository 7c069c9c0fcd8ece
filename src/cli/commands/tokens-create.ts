import { forceSettingsSchema } from '../../http/routes/forces.js'
import { audit } from '../../store/audit-store.js'
import type { Db } from '../../store/db.js'
import { getForce, listForces, policeForceNamed, putForce } from '../../store/forces-store.js'
import { getSchool } from '../../store/schools-store.js'
import { createToken, ROLES, type Role } from '../../store/tokens-store.js'
import { MAX_DAYS, PROGRAM, str, UsageError, wholeNumber, type Command, type Values } from '../command.js'

/** The options' combination for the role, checked before anything is looked up. */
function checkBinding(role: Role, force: string | undefined, urn: string | undefined, usage: string): void {
  if (role === 'police' && !force) throw new UsageError('--role police needs --force <code>', usage)
  if (role !== 'police' && force !== undefined) throw new UsageError(`--force is for --role police only; a ${role} token is not bound to a force`, usage)
  if (role === 'dsl' && !/^[0-9]{5,8}$/.test(urn ?? '')) throw new UsageError('--role dsl needs --urn <5-8 digit URN>', usage)
  if (role !== 'dsl' && urn !== undefined) throw new UsageError(`--urn is for --role dsl only; a ${role} token is not bound to a setting`, usage)
}

/**
 * A token for a mistyped force would submit incidents nobody's desk or settings cover: the force
 * must be one added here, or a police force of England and Wales (added now).
 */
async function ensureForce(db: Db, force: string, out: (line: string) => void, usage: string): Promise<void> {
  if (!/^[a-z0-9-]{2,40}$/.test(force)) throw new UsageError('--force must be a lower-case code like cleveland', usage)
  if (await getForce(db, force)) return
  const known = policeForceNamed(force)
  if (!known) {
    const added = (await listForces(db)).map((f) => f.code)
    throw new UsageError(
      `no force ${JSON.stringify(force)}: not a police force of England and Wales (data/police-forces.csv)` +
        `${added.length ? ` nor one added here (${added.slice(0, 12).join(', ')}${added.length > 12 ? ', …' : ''})` : ''}; ` +
        `add it first: ${PROGRAM} forces create ${force} --desk-email <address>, or PUT /v1/forces/${force} as an admin`,
    )
  }
  const created = await putForce(db, known.code, forceSettingsSchema.parse({ name: known.name }))
  await audit(db, { actor: 'cli', action: 'force.create', subjectType: 'force', subjectId: created.code, reason: 'force added for its first token', detail: { deskEmail: null } })
  out(`added force ${created.code} (${known.name}); give it an Encompass desk address with PUT /v1/forces/${created.code} (deskEmail): overdue and failed notifications are escalated there`)
}

function roleOption(values: Values, usage: string): Role {
  const role = str(values, 'role') as Role | undefined
  if (!role || !ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`, usage)
  return role
}

export const tokensCreateCommand: Command = {
  name: 'tokens create',
  args: '--role police|dsl|auditor|admin [--force <code>] [--urn <urn>] [--name <label>] [--expires-days <n>]',
  about: 'print a new API token once, on its own last line (police: --force; dsl: --urn)',
  options: { role: { type: 'string' }, force: { type: 'string' }, urn: { type: 'string' }, name: { type: 'string' }, 'expires-days': { type: 'string' } },
  async run({ db, out, values, usage }) {
    const role = roleOption(values, usage)
    const force = str(values, 'force')
    const urn = str(values, 'urn')
    checkBinding(role, force, urn, usage)
    const days = wholeNumber(values, 'expires-days', 1, MAX_DAYS)
    if (role === 'police') await ensureForce(db, force!, out, usage)
    if (role === 'dsl' && !(await getSchool(db, urn!))) {
      throw new UsageError(`no setting with URN ${urn} in the directory; import the register (${PROGRAM} schools import) or PUT /v1/schools/${urn} first`)
    }
    const token = await createToken(db, {
      role,
      forceCode: force ?? null,
      urn: urn ?? null,
      name: str(values, 'name') ?? null,
      expiresAt: days ? new Date(Date.now() + days * 86_400_000) : null,
    })
    await audit(db, { actor: 'cli', action: 'token.create', subjectType: 'token', subjectId: token.id, reason: 'token issued', detail: { role, force: force ?? null, urn: urn ?? null } })
    out(`created ${role} token ${token.id}${force ? ` for force ${force}` : ''}${urn ? ` for URN ${urn}` : ''}; it is shown once:`)
    out(token.secret)
  },
}
