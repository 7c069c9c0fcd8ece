// The deployment's own tools (`npm run cli -- <command>`): migrations, tokens, forces, directory,
// roll and calendar imports. Uses the same configuration as the service; with DATABASE_URL unset it
// uses the same embedded PostgreSQL as `npm start`.
//
// Every command fails loudly: an unknown command or option, a bad argument, a missing file or a bad
// row stops it with a non-zero status and one line on stderr naming what to fix (see
// process-errors.ts; the stack only with --debug). Commands are a table so that each one gets the
// same strict parsing of its options and the same usage line.
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfig } from './config.js'
import { parseGovUkBankHolidays } from './domain/bank-holidays.js'
import { bundledLaCodes, readGiasCsv } from './domain/gias-csv.js'
import { parseOfstedChildcareCsv } from './domain/ofsted-childcare-csv.js'
import { SETTING_URN } from './domain/setting-ids.js'
import { parseTermDates } from './domain/term-dates.js'
import { decodeText, encodingNamed, TEXT_ENCODINGS, type TextEncodingName } from './domain/text-encoding.js'
import { forceSettingsSchema } from './http/routes/forces.js'
import { createLogger } from './logger.js'
import { cannotRead, debugRequested, EXIT, ExitError, reportFatal } from './process-errors.js'
import { replaceBankHolidays, replaceTermDates } from './store/calendar-store.js'
import { createPool, type Db } from './store/db.js'
import { startEmbeddedPostgres, type EmbeddedDatabase } from './store/embedded-postgres.js'
import { getForce, listForces, policeForceNamed, putForce } from './store/forces-store.js'
import { migrate } from './store/migrate.js'
import { getSchool, importDirectory } from './store/schools-store.js'
import { parseRollCsv, replaceRoll, RollShrinkRefused, unknownRollUrns, validateRoll } from './store/pupil-roll-store.js'
import { isKnownLa, putChildrensServices } from './store/la-contacts-store.js'
import { rematchHeldChildren } from './store/incidents-store.js'
import { londonDateOf } from './domain/london-time.js'
import { isGenericRoleAddress } from './domain/contacts.js'
import { audit, verifyAuditChain } from './store/audit-store.js'
import { purgeExpiredPersonalData } from './store/retention-store.js'
import { seedDemo } from './demo/seed-demo.js'
import { createToken, listTokens, revokeToken, ROLES, type Role } from './store/tokens-store.js'

const PROGRAM = 'npm run cli --'

/** A wrong command line: exit 64, and the command's usage line when it helps. */
export class UsageError extends ExitError {
  constructor(message: string, usage?: string) {
    super(usage ? `${message} (usage: ${usage})` : message, EXIT.usage)
  }
}

/** The input's contents are wrong (a bad row, an unknown code in it): exit 65. */
class DataError extends ExitError {
  constructor(message: string) {
    super(message, EXIT.dataError)
  }
}

type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean }
type Values = Record<string, string | boolean | (string | boolean)[] | undefined>

interface Context {
  db: Db
  out: (line: string) => void
  /** Progress of a long import, for a person watching (main writes it to a terminal only). */
  progress?: (message: string, done?: boolean) => void
  values: Values
  positionals: string[]
  usage: string
}

interface Command {
  /** As typed: 'tokens create'. */
  name: string
  /** What follows the name on the usage line. */
  args: string
  about: string
  options?: Record<string, OptionSpec>
  /** Positional arguments by name; a trailing '?' marks one as optional. */
  positionals?: string[]
  /** The first positional is a file to read: checked before any database is started. */
  readsFile?: true
  run(ctx: Context): Promise<void>
}

const str = (v: Values, k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined)
const strs = (v: Values, k: string): string[] => (Array.isArray(v[k]) ? (v[k] as string[]) : [])

function encodingOption(v: Values, usage: string): TextEncodingName {
  const raw = str(v, 'encoding')
  if (raw === undefined) return 'utf-8'
  const e = encodingNamed(raw)
  if (!e) throw new UsageError(`--encoding must be one of ${TEXT_ENCODINGS.join(', ')} (got ${JSON.stringify(raw)})`, usage)
  return e
}

/** --la, checked against the LA table the service ships (data/la-codes.csv). */
function laOption(v: Values, command: string, usage: string): string {
  const la = str(v, 'la')
  if (la === undefined) throw new UsageError(`${command} needs --la <3-digit LA code>`, usage)
  if (!/^[0-9]{3}$/.test(la)) throw new UsageError(`--la must be a 3-digit DfE LA code such as 808 (got ${JSON.stringify(la)})`, usage)
  if (!isKnownLa(la)) throw new UsageError(`--la ${la} is not a local authority of England or Wales (the codes are in data/la-codes.csv)`)
  return la
}

function wholeNumber(v: Values, k: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = str(v, k)
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!/^[0-9]+$/.test(raw.trim()) || !(n >= min && n <= max)) {
    const range = max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : min > 0 ? ` of at least ${min}` : ''
    throw new UsageError(`--${k} must be a whole number${range} (got ${JSON.stringify(raw)})`)
  }
  return n
}

/** A number of days that still lands on a real date (date-bounds.ts): a hundred years is plenty. */
const MAX_DAYS = 36_500

/** The bytes of a file the user named, or one line saying why not. */
async function readInput(path: string): Promise<Buffer> {
  await checkReadable(path)
  try {
    return await readFile(path)
  } catch (err) {
    throw cannotRead(path, err)
  }
}

async function checkReadable(path: string): Promise<void> {
  let isDirectory: boolean
  try {
    isDirectory = (await stat(path)).isDirectory()
  } catch (err) {
    throw cannotRead(path, err)
  }
  if (isDirectory) throw new ExitError(`cannot read ${path}: is a directory`, EXIT.noInput)
}

async function readTextInput(path: string, encoding: TextEncodingName = 'utf-8'): Promise<string> {
  const bytes = await readInput(path)
  try {
    return decodeText(bytes, encoding, basename(path))
  } catch (err) {
    throw new DataError((err as Error).message)
  }
}

/** A parser's complaint about a file, prefixed with the file's name unless it already says it. */
function inFile(path: string, err: unknown): DataError {
  const message = (err as Error).message
  const name = basename(path)
  return new DataError(message.startsWith(name) ? message : `${name}: ${message}`)
}

const COMMANDS: Command[] = [
  {
    name: 'migrate',
    args: '',
    about: 'apply the SQL migrations once each (safe to run twice)',
    async run({ db, out }) {
      const applied = await migrate(db)
      out(applied.length ? `applied: ${applied.join(', ')}` : 'migrations: nothing to apply')
    },
  },
  {
    name: 'tokens create',
    args: '--role police|dsl|auditor|admin [--force <code>] [--urn <urn>] [--name <label>] [--expires-days <n>]',
    about: 'print a new API token once, on its own last line (police: --force; dsl: --urn)',
    options: { role: { type: 'string' }, force: { type: 'string' }, urn: { type: 'string' }, name: { type: 'string' }, 'expires-days': { type: 'string' } },
    async run({ db, out, values, usage }) {
      const role = str(values, 'role') as Role | undefined
      if (!role || !ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`, usage)
      const force = str(values, 'force')
      const urn = str(values, 'urn')
      if (role === 'police' && !force) throw new UsageError('--role police needs --force <code>', usage)
      if (role !== 'police' && force !== undefined) throw new UsageError(`--force is for --role police only; a ${role} token is not bound to a force`, usage)
      if (role === 'dsl' && !SETTING_URN.test(urn ?? '')) throw new UsageError('--role dsl needs --urn <URN> (a DfE URN of 5-8 digits or an Ofsted URN such as EY512345)', usage)
      if (role !== 'dsl' && urn !== undefined) throw new UsageError(`--urn is for --role dsl only; a ${role} token is not bound to a setting`, usage)
      const days = wholeNumber(values, 'expires-days', 1, MAX_DAYS)
      if (role === 'police') {
        if (!/^[a-z0-9-]{2,40}$/.test(force!)) throw new UsageError('--force must be a lower-case code like cleveland', usage)
        // A token for a mistyped force would submit incidents nobody's desk or settings cover: the
        // force must be one added here, or a police force of England and Wales (added now).
        if (!(await getForce(db, force!))) {
          const known = policeForceNamed(force!)
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
      }
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
  },
  {
    name: 'tokens list',
    args: '',
    about: 'list tokens (never their secrets)',
    async run({ db, out }) {
      for (const t of await listTokens(db)) out(JSON.stringify(t))
    },
  },
  {
    name: 'tokens revoke',
    args: '<token-id>',
    about: 'revoke a token (ids from tokens list)',
    positionals: ['<token-id>'],
    async run({ db, out, positionals, usage }) {
      const id = positionals[0]!
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new UsageError(`${JSON.stringify(id)} is not a token id (see tokens list)`, usage)
      const revoked = await revokeToken(db, id)
      if (revoked) await audit(db, { actor: 'cli', action: 'token.revoke', subjectType: 'token', subjectId: id, reason: 'token revoked' })
      out(revoked ? `revoked ${id}` : `no active token ${id}`)
    },
  },
  {
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
  },
  {
    name: 'forces list',
    args: '',
    about: 'list forces and their settings',
    async run({ db, out }) {
      for (const f of await listForces(db)) out(JSON.stringify(f))
    },
  },
  {
    name: 'schools import',
    args: '<gias.csv> [--encoding utf-8|windows-1252]',
    about: 'load or refresh settings from a DfE GIAS CSV (raw GIAS downloads are windows-1252)',
    options: { encoding: { type: 'string' } },
    positionals: ['<gias.csv>'],
    readsFile: true,
    async run({ db, out, progress, values, positionals, usage }) {
      const file = positionals[0]!
      const encoding = encodingOption(values, usage)
      await checkReadable(file)
      const started = Date.now()
      const stream = createReadStream(file)
      const { count } = await importDirectory(db, readGiasCsv(stream, { source: basename(file), encoding }), (n) =>
        progress?.(`imported ${n} establishments...`),
      )
      progress?.(`imported ${count} establishments`, true)
      await audit(db, { actor: 'cli', action: 'directory.import', subjectType: 'directory', reason: 'GIAS import', detail: { file: basename(file), count } })
      out(`imported ${count} establishments from ${basename(file)} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    },
  },
  {
    name: 'schools import-ofsted',
    args: '<childcare-providers.csv> [--encoding utf-8|windows-1252]',
    about: "load or refresh registered childcare providers (nurseries, childminders) from Ofsted's provider-level CSV",
    options: { encoding: { type: 'string' } },
    positionals: ['<childcare-providers.csv>'],
    readsFile: true,
    async run({ db, out, values, positionals, usage }) {
      const file = positionals[0]!
      const text = await readTextInput(file, encodingOption(values, usage))
      let records
      try {
        records = parseOfstedChildcareCsv(text, { source: basename(file), laCodesByName: bundledLaCodes() })
      } catch (err) {
        throw inFile(file, err)
      }
      const { count } = await importDirectory(db, records, undefined, 'ofsted')
      await audit(db, { actor: 'cli', action: 'directory.import', subjectType: 'directory', reason: 'Ofsted childcare import', detail: { file: basename(file), count } })
      out(`imported ${count} childcare providers from ${basename(file)}`)
    },
  },
  {
    name: 'calendar bank-holidays',
    args: '<bank-holidays.json>',
    about: 'load the GOV.UK feed (England and Wales division)',
    positionals: ['<bank-holidays.json>'],
    readsFile: true,
    async run({ db, out, positionals }) {
      const file = positionals[0]!
      const text = await readTextInput(file)
      let events
      try {
        events = parseGovUkBankHolidays(JSON.parse(text))
      } catch (err) {
        throw inFile(file, err instanceof SyntaxError ? new Error(`not valid JSON (${err.message})`) : err)
      }
      await replaceBankHolidays(db, events)
      await audit(db, { actor: 'cli', action: 'calendar.bank-holidays', subjectType: 'calendar', reason: 'bank holidays loaded', detail: { count: events.length } })
      out(`loaded ${events.length} England and Wales bank holidays (${events[0]?.date} to ${events.at(-1)?.date})`)
    },
  },
  {
    name: 'calendar terms',
    args: '--la <code> <file.json|file.ics>',
    about: "load a local authority's term dates",
    options: { la: { type: 'string' } },
    positionals: ['<file.json|file.ics>'],
    readsFile: true,
    async run({ db, out, values, positionals, usage }) {
      const la = laOption(values, 'calendar terms', usage)
      const file = positionals[0]!
      const text = await readTextInput(file)
      let cal
      try {
        cal = parseTermDates(file, text)
      } catch (err) {
        throw inFile(file, err)
      }
      const n = await replaceTermDates(db, la, cal)
      await audit(db, { actor: 'cli', action: 'calendar.terms', subjectType: 'la', subjectId: la, reason: 'term dates loaded', detail: { closures: n } })
      out(`loaded ${n} closure days for LA ${la} covering ${cal.coverage.map((c) => `${c.from}..${c.to}`).join(', ')}`)
    },
  },
  {
    name: 'pupils import',
    args: '--la <code> <roll.csv> [--replace-all] [--encoding utf-8|windows-1252]',
    about: "replace an LA's pupil roll (given_name, family_name, date_of_birth, urn); --replace-all to empty it or cut it by half or more",
    options: { la: { type: 'string' }, 'replace-all': { type: 'boolean' }, encoding: { type: 'string' } },
    positionals: ['<roll.csv>'],
    readsFile: true,
    async run({ db, out, values, positionals, usage }) {
      const la = laOption(values, 'pupils import', usage)
      const encoding = encodingOption(values, usage)
      const file = positionals[0]!
      const parsed = parseRollCsv(await readTextInput(file, encoding))
      const checked = validateRoll(parsed.rows, londonDateOf(new Date()), parsed.lineOf)
      const errors = [...parsed.errors, ...checked.errors]
      if (errors.length > 0) {
        // Messages name lines and fields, never a child's name or date of birth.
        const shown = errors.slice(0, 10).map((e) => {
          const field = e.path.split('/').at(-1)
          const m = /^line (\d+): (.*)$/.exec(e.message)
          return m ? `line ${m[1]} ${field}: ${m[2]}` : `${field ? `${field}: ` : ''}${e.message}`
        })
        throw new DataError(
          `${basename(file)}: nothing imported, ${errors.length} problem${errors.length === 1 ? '' : 's'}: ${shown.join('; ')}${errors.length > shown.length ? `; and ${errors.length - shown.length} more` : ''}`,
        )
      }
      let r
      try {
        r = await replaceRoll(db, la, checked.rows, new Date(), basename(file), { replaceAll: values['replace-all'] === true })
      } catch (err) {
        if (err instanceof RollShrinkRefused) throw new DataError(`${basename(file)}: ${err.message}; run it again with --replace-all if that is right`)
        throw err
      }
      const unknown = await unknownRollUrns(db, la)
      await audit(db, { actor: 'cli', action: 'pupil-roll.import', subjectType: 'la', subjectId: la, reason: 'pupil roll replaced', detail: { pupils: r.pupils, noSetting: r.noSetting, replaced: r.replaced } })
      out(`replaced LA ${la}'s roll: ${r.pupils} pupils, ${r.noSetting} with no setting${unknown.length ? `; URNs not in the directory: ${unknown.join(', ')}` : ''}`)
    },
  },
  {
    name: 'la-contacts set',
    args: '--la <code> --lead "Name <email>" [--deputy "Name <email>"]... [--name <label>]',
    about: "an LA's children's services contact, told when a child has no setting",
    options: { la: { type: 'string' }, name: { type: 'string' }, lead: { type: 'string', multiple: true }, deputy: { type: 'string', multiple: true } },
    async run({ db, out, values, usage }) {
      const la = laOption(values, 'la-contacts set', usage)
      const person = (role: 'lead' | 'deputy') => (v: string) => {
        const m = /^\s*(.+?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(v)
        if (!m) throw new UsageError(`--${role} must be "Full Name <address@example.org>"`, usage)
        if (isGenericRoleAddress(m[2]!)) throw new UsageError(`--${role} ${m[2]} is a generic role inbox; name a person`)
        return { role, name: m[1]!, email: m[2]! }
      }
      const contacts = [...strs(values, 'lead').map(person('lead')), ...strs(values, 'deputy').map(person('deputy'))]
      if (!contacts.some((c) => c.role === 'lead')) throw new UsageError('la-contacts set needs at least one --lead "Name <email>"', usage)
      const { created } = await putChildrensServices(db, la, { name: str(values, 'name') ?? null, contacts }, new Date())
      await audit(db, { actor: 'cli', action: created ? 'la-contact.create' : 'la-contact.replace', subjectType: 'la', subjectId: la, reason: 'directory maintenance', detail: { contacts: contacts.length } })
      // Children held for want of this contact are matched again by the workers' next sweep.
      const rematch = await rematchHeldChildren(db, { reasons: ['no-la-contact'] })
      out(`${created ? 'created' : 'replaced'} LA ${la}'s children's services contact (${contacts.length} named people)${rematch.length ? `; ${rematch.length} held children will be matched again` : ''}`)
    },
  },
  {
    name: 'audit verify',
    args: '',
    about: 'seal and recompute the audit hash chain; print the last hash',
    async run({ db, out }) {
      const r = await verifyAuditChain(db, loadConfig().AUDIT_HMAC_KEY)
      if (r.brokenAt !== null) throw new ExitError(`audit chain BROKEN after checking ${r.rows} rows: ${r.problem}`)
      const unkeyed = r.unkeyedRows > 0 ? ` (the first ${r.unkeyedRows} sealed before the chain was keyed)` : ''
      out(`audit chain intact: ${r.rows} rows${unkeyed}; last hash ${r.lastHash ?? 'none'} (keep it elsewhere to detect removal of the newest rows)`)
    },
  },
  {
    name: 'seed demo',
    args: '[--incidents <n>] [--seed <n>]',
    about: 'a year of Cleveland-scale demo traffic (see README)',
    options: { incidents: { type: 'string' }, seed: { type: 'string' } },
    async run({ db, out, values }) {
      const incidents = wholeNumber(values, 'incidents', 1) ?? 11_000
      const seed = wholeNumber(values, 'seed', 0) ?? 2026
      const r = await seedDemo(db, { incidents, seed, end: new Date() }, out)
      out(`seeded ${r.incidents} demo incidents with ${r.notifications} notifications for force cleveland`)
    },
  },
  {
    name: 'purge',
    args: '[--days <n>]',
    about: "remove children's personal details past retention now (default RETENTION_DAYS)",
    options: { days: { type: 'string' } },
    async run({ db, out, values }) {
      const days = wholeNumber(values, 'days', 0, MAX_DAYS) ?? loadConfig().RETENTION_DAYS
      const r = await purgeExpiredPersonalData(db, new Date(), days)
      out(`purged personal details of ${r.children} children and ${r.incidents} incident summaries (retention ${days} days)`)
    },
  },
]

const usageOf = (c: Command) => `${PROGRAM} ${c.name}${c.args ? ` ${c.args}` : ''}`

export const USAGE = [
  `usage: ${PROGRAM} <command> [options]   (--debug anywhere shows the stack of an error)`,
  ...COMMANDS.map((c) => `  ${`${c.name}${c.args ? ` ${c.args}` : ''}`}\n      ${c.about}`),
].join('\n')

/** node:util parseArgs' own wording is long and talks about positionals; say what was wrong. */
function parseArgsProblem(err: NodeJS.ErrnoException): string {
  const opt = /'(--?[^' ]+)/.exec(err.message)?.[1] ?? 'an option'
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${opt}`
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take an argument/.test(err.message) ? `${opt} takes no value` : `${opt} needs a value`
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(err.message)?.[1] ?? ''}`.trim()
    default:
      return err.message.split('. ')[0]!
  }
}

export interface ParsedCommand {
  command: Command
  values: Values
  positionals: string[]
}

/** The command line -> the command and its checked options; throws UsageError. Touches nothing. */
export function parseCommand(argv: string[]): ParsedCommand {
  const command = COMMANDS.find((c) => c.name.split(' ').every((word, i) => argv[i] === word))
  if (!command) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${argv[0]} `))
    if (argv[0] !== undefined && group.length > 0) {
      const sub = argv[1] === undefined ? `${argv[0]} needs a subcommand` : `unknown command ${JSON.stringify(`${argv[0]} ${argv[1]}`)}`
      throw new UsageError(`${sub}: one of ${group.map((c) => c.name).join(', ')}`, `${PROGRAM} ${argv[0]} <${group.map((c) => c.name.split(' ')[1]).join('|')}> ...`)
    }
    const what = argv[0] === undefined ? 'no command given' : `unknown command ${JSON.stringify(argv[0])}`
    throw new UsageError(`${what}; the commands are ${[...new Set(COMMANDS.map((c) => c.name.split(' ')[0]))].join(', ')}`, `${PROGRAM} <command> [options]; ${PROGRAM} help lists them`)
  }
  const usage = usageOf(command)
  let parsed
  try {
    parsed = parseArgs({ args: argv.slice(command.name.split(' ').length), options: command.options ?? {}, allowPositionals: true, strict: true })
  } catch (err) {
    if (typeof (err as NodeJS.ErrnoException).code === 'string' && (err as NodeJS.ErrnoException).code!.startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(parseArgsProblem(err as NodeJS.ErrnoException), usage)
    }
    throw err
  }
  const names = command.positionals ?? []
  const required = names.filter((n) => !n.endsWith('?'))
  if (parsed.positionals.length < required.length) {
    throw new UsageError(`${command.name} needs ${required[parsed.positionals.length]}`, usage)
  }
  if (parsed.positionals.length > names.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[names.length])}`, usage)
  }
  return { command, values: parsed.values as Values, positionals: parsed.positionals }
}

/** A wrong command line or an unreadable input file, found before any database work. */
export async function checkCommand(argv: string[]): Promise<ParsedCommand> {
  const parsed = parseCommand(argv)
  if (parsed.command.readsFile) await checkReadable(parsed.positionals[0]!)
  return parsed
}

export async function execute(
  p: ParsedCommand,
  ctx: { db: Db; out: (line: string) => void; progress?: (message: string, done?: boolean) => void },
): Promise<void> {
  await p.command.run({ ...ctx, values: p.values, positionals: p.positionals, usage: usageOf(p.command) })
}

/** Runs one command line against a database (tests call this; main() adds the process around it). */
export async function runCli(argv: string[], db: Db, out: (line: string) => void): Promise<void> {
  if (['help', '--help', '-h'].includes(argv[0] ?? '')) return out(USAGE)
  await execute(await checkCommand(argv), { db, out })
}

async function main(argv: string[]): Promise<void> {
  const debug = debugRequested(argv)
  const args = argv.filter((a) => a !== '--debug')
  if (['help', '--help', '-h'].includes(args[0] ?? '')) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  let db: Db | undefined
  let embedded: EmbeddedDatabase | undefined
  let progressShown = false
  try {
    const parsed = await checkCommand(args) // before any database is started
    const config = loadConfig()
    const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL)
    let url = config.DATABASE_URL
    if (!url) {
      embedded = await startEmbeddedPostgres(logger)
      url = embedded.url
    }
    db = createPool(url, { max: 2, sslmode: config.DATABASE_SSLMODE })
    if (parsed.command.name !== 'migrate') await migrate(db)
    await execute(parsed, {
      db,
      out: (line) => console.log(line),
      // Progress is for a person at a terminal; in a pipe or a log it would be noise around the error.
      ...(process.stderr.isTTY
        ? {
            progress: (message: string, done?: boolean) => {
              process.stderr.write(`\r${message}${done ? '\n' : ''}`)
              progressShown = !done
            },
          }
        : {}),
    })
  } catch (err) {
    if (progressShown) process.stderr.write('\n')
    process.exitCode = reportFatal(err, { debug })
  } finally {
    await db?.end().catch(() => undefined)
    await embedded?.stop().catch(() => undefined)
  }
  // Exit explicitly: the embedded-postgres package, once imported, ends the process with status 0
  // on 'beforeExit' (async-exit-hook), which would hide a failure from the shell and from scripts.
  process.exit(process.exitCode ?? 0)
}

if (process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1])) void main(process.argv.slice(2))
