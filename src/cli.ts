// The deployment's own tools (`npm run cli -- <command>`): migrations, tokens, directory and
// calendar imports. Uses the same configuration as the service; with DATABASE_URL unset it uses
// the same embedded PostgreSQL as `npm start`.
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfig } from './config.js'
import { parseGovUkBankHolidays } from './domain/bank-holidays.js'
import { readGiasCsv } from './domain/gias-csv.js'
import { parseTermDates } from './domain/term-dates.js'
import { createLogger } from './logger.js'
import { replaceBankHolidays, replaceTermDates } from './store/calendar-store.js'
import { createPool, type Db } from './store/db.js'
import { startEmbeddedPostgres, type EmbeddedDatabase } from './store/embedded-postgres.js'
import { migrate } from './store/migrate.js'
import { importDirectory } from './store/schools-store.js'
import { parseRollCsv, replaceRoll, unknownRollUrns, validateRoll } from './store/pupil-roll-store.js'
import { isKnownLa, putChildrensServices } from './store/la-contacts-store.js'
import { rematchHeldChildren } from './store/incidents-store.js'
import { londonDateOf } from './domain/london-time.js'
import { isGenericRoleAddress } from './domain/contacts.js'
import { audit, verifyAuditChain } from './store/audit-store.js'
import { purgeExpiredPersonalData } from './store/retention-store.js'
import { seedDemo } from './demo/seed-demo.js'
import { createToken, listTokens, revokeToken, ROLES, type Role } from './store/tokens-store.js'

const USAGE = `usage: npm run cli -- <command>
  migrate
  tokens create --role police --force <code> [--name <label>] [--expires-days <n>]
  tokens create --role dsl --urn <urn> [--name <label>]
  tokens create --role auditor|admin [--name <label>]
  tokens list
  tokens revoke <token-id>
  schools import <gias.csv>
  calendar bank-holidays <bank-holidays.json>
  calendar terms --la <code> <file.json|file.ics>
  pupils import --la <code> <roll.csv>        replace an LA's pupil roll (given_name, family_name, date_of_birth, urn)
  la-contacts set --la <code> --lead "Name <email>" [--deputy "Name <email>"]... [--name <label>]
  audit verify
  seed demo [--incidents <n>] [--seed <n>]   a year of Cleveland-scale demo traffic (see README)
  purge [--days <n>]           remove children's personal details past retention (default RETENTION_DAYS)`

class UsageError extends Error {}

export async function runCli(argv: string[], db: Db, out: (line: string) => void): Promise<void> {
  const [command, sub, ...rest] = argv
  if (command === 'migrate') {
    const applied = await migrate(db)
    out(applied.length ? `applied: ${applied.join(', ')}` : 'migrations: nothing to apply')
    return
  }
  if (command === 'tokens' && sub === 'create') {
    const { values } = parseArgs({
      args: rest,
      options: { role: { type: 'string' }, force: { type: 'string' }, urn: { type: 'string' }, name: { type: 'string' }, 'expires-days': { type: 'string' } },
    })
    const role = values.role as Role
    if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`)
    if (role === 'police' && !values.force) throw new UsageError('--role police needs --force <code>')
    if (role === 'police' && !/^[a-z0-9-]{2,40}$/.test(values.force!)) throw new UsageError('--force must be a lower-case code like cleveland')
    if (role === 'dsl' && !/^[0-9]{5,8}$/.test(values.urn ?? '')) throw new UsageError('--role dsl needs --urn <5-8 digit URN>')
    const days = values['expires-days'] ? Number(values['expires-days']) : null
    // Bounded, so that the expiry is a real date (date-bounds.ts): a hundred years is plenty.
    if (days !== null && !(days > 0 && days <= 36_500)) throw new UsageError('--expires-days must be a number of days from 1 to 36500')
    const token = await createToken(db, {
      role,
      forceCode: values.force ?? null,
      urn: values.urn ?? null,
      name: values.name ?? null,
      expiresAt: days ? new Date(Date.now() + days * 86_400_000) : null,
    })
    await audit(db, { actor: 'cli', action: 'token.create', subjectType: 'token', subjectId: token.id, reason: 'token issued', detail: { role, force: values.force ?? null, urn: values.urn ?? null } })
    out(`created ${role} token ${token.id}${values.force ? ` for force ${values.force}` : ''}${values.urn ? ` for URN ${values.urn}` : ''}; it is shown once:`)
    out(token.secret)
    return
  }
  if (command === 'tokens' && sub === 'list') {
    for (const t of await listTokens(db)) out(JSON.stringify(t))
    return
  }
  if (command === 'tokens' && sub === 'revoke') {
    const id = rest[0]
    if (!id) throw new UsageError('tokens revoke needs a token id (see tokens list)')
    const revoked = await revokeToken(db, id)
    if (revoked) await audit(db, { actor: 'cli', action: 'token.revoke', subjectType: 'token', subjectId: id, reason: 'token revoked' })
    out(revoked ? `revoked ${id}` : `no active token ${id}`)
    return
  }
  if (command === 'schools' && sub === 'import') {
    const file = rest[0]
    if (!file) throw new UsageError('schools import needs a GIAS CSV file')
    const started = Date.now()
    const { count } = await importDirectory(db, readGiasCsv(createReadStream(file), { source: basename(file) }), (n) =>
      process.stderr.write(`\rimported ${n} establishments...`),
    )
    process.stderr.write('\n')
    await audit(db, { actor: 'cli', action: 'directory.import', subjectType: 'directory', reason: 'GIAS import', detail: { file: basename(file), count } })
    out(`imported ${count} establishments from ${basename(file)} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    return
  }
  if (command === 'calendar' && sub === 'bank-holidays') {
    const file = rest[0]
    if (!file) throw new UsageError('calendar bank-holidays needs the GOV.UK bank-holidays.json')
    const events = parseGovUkBankHolidays(JSON.parse(await readFile(file, 'utf8')))
    await replaceBankHolidays(db, events)
    await audit(db, { actor: 'cli', action: 'calendar.bank-holidays', subjectType: 'calendar', reason: 'bank holidays loaded', detail: { count: events.length } })
    out(`loaded ${events.length} England and Wales bank holidays (${events[0]?.date} to ${events.at(-1)?.date})`)
    return
  }
  if (command === 'calendar' && sub === 'terms') {
    const { values, positionals } = parseArgs({ args: rest, options: { la: { type: 'string' } }, allowPositionals: true })
    const file = positionals[0]
    if (!values.la || !/^[0-9]{3}$/.test(values.la)) throw new UsageError('calendar terms needs --la <3-digit LA code>')
    if (!file) throw new UsageError('calendar terms needs a .json or .ics file')
    const cal = parseTermDates(file, await readFile(file, 'utf8'))
    const n = await replaceTermDates(db, values.la, cal)
    await audit(db, { actor: 'cli', action: 'calendar.terms', subjectType: 'la', subjectId: values.la, reason: 'term dates loaded', detail: { closures: n } })
    out(`loaded ${n} closure days for LA ${values.la} covering ${cal.coverage.map((c) => `${c.from}..${c.to}`).join(', ')}`)
    return
  }
  if (command === 'pupils' && sub === 'import') {
    const { values, positionals } = parseArgs({ args: rest, options: { la: { type: 'string' } }, allowPositionals: true })
    const file = positionals[0]
    if (!values.la || !/^[0-9]{3}$/.test(values.la)) throw new UsageError('pupils import needs --la <3-digit LA code>')
    if (!isKnownLa(values.la)) throw new UsageError(`${values.la} is not a local authority of England or Wales`)
    if (!file) throw new UsageError('pupils import needs a CSV file')
    const parsed = parseRollCsv(await readFile(file, 'utf8'))
    const checked = validateRoll(parsed.rows, londonDateOf(new Date()), parsed.lineOf)
    const errors = [...parsed.errors, ...checked.errors]
    if (errors.length > 0) throw new Error(`${basename(file)}: nothing imported:\n${errors.slice(0, 20).map((e) => `  ${e.path} ${e.message}`).join('\n')}`)
    const r = await replaceRoll(db, values.la, checked.rows, new Date(), basename(file))
    const unknown = await unknownRollUrns(db, values.la)
    await audit(db, { actor: 'cli', action: 'pupil-roll.import', subjectType: 'la', subjectId: values.la, reason: 'pupil roll replaced', detail: { pupils: r.pupils, noSetting: r.noSetting } })
    out(`replaced LA ${values.la}'s roll: ${r.pupils} pupils, ${r.noSetting} with no setting${unknown.length ? `; URNs not in the directory: ${unknown.join(', ')}` : ''}`)
    return
  }
  if (command === 'la-contacts' && sub === 'set') {
    const { values } = parseArgs({
      args: rest,
      options: { la: { type: 'string' }, name: { type: 'string' }, lead: { type: 'string', multiple: true }, deputy: { type: 'string', multiple: true } },
    })
    if (!values.la || !/^[0-9]{3}$/.test(values.la)) throw new UsageError('la-contacts set needs --la <3-digit LA code>')
    if (!isKnownLa(values.la)) throw new UsageError(`${values.la} is not a local authority of England or Wales`)
    const person = (role: 'lead' | 'deputy') => (v: string) => {
      const m = /^\s*(.+?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(v)
      if (!m) throw new UsageError(`--${role} must be "Full Name <address@example.org>"`)
      if (isGenericRoleAddress(m[2]!)) throw new UsageError(`--${role} ${m[2]} is a generic role inbox; name a person`)
      return { role, name: m[1]!, email: m[2]! }
    }
    const contacts = [...(values.lead ?? []).map(person('lead')), ...(values.deputy ?? []).map(person('deputy'))]
    if (!contacts.some((c) => c.role === 'lead')) throw new UsageError('la-contacts set needs at least one --lead "Name <email>"')
    const { created } = await putChildrensServices(db, values.la, { name: values.name ?? null, contacts }, new Date())
    await audit(db, { actor: 'cli', action: created ? 'la-contact.create' : 'la-contact.replace', subjectType: 'la', subjectId: values.la, reason: 'directory maintenance', detail: { contacts: contacts.length } })
    // Children held for want of this contact are matched again by the workers' next sweep.
    const rematch = await rematchHeldChildren(db, { reasons: ['no-la-contact'] })
    out(`${created ? 'created' : 'replaced'} LA ${values.la}'s children's services contact (${contacts.length} named people)${rematch.length ? `; ${rematch.length} held children will be matched again` : ''}`)
    return
  }
  if (command === 'audit' && sub === 'verify') {
    const r = await verifyAuditChain(db, loadConfig().AUDIT_HMAC_KEY)
    if (r.brokenAt !== null) throw new Error(`audit chain BROKEN after checking ${r.rows} rows: ${r.problem}`)
    const unkeyed = r.unkeyedRows > 0 ? ` (the first ${r.unkeyedRows} sealed before the chain was keyed)` : ''
    out(`audit chain intact: ${r.rows} rows${unkeyed}; last hash ${r.lastHash ?? 'none'} (keep it elsewhere to detect removal of the newest rows)`)
    return
  }
  if (command === 'seed' && sub === 'demo') {
    const { values } = parseArgs({ args: rest, options: { incidents: { type: 'string' }, seed: { type: 'string' } } })
    const r = await seedDemo(db, { incidents: Number(values.incidents ?? 11_000), seed: Number(values.seed ?? 2026), end: new Date() }, out)
    out(`seeded ${r.incidents} demo incidents with ${r.notifications} notifications for force cleveland`)
    return
  }
  if (command === 'purge') {
    const { values } = parseArgs({ args: [sub, ...rest].filter((x): x is string => x !== undefined), options: { days: { type: 'string' } } })
    const days = values.days ? Number(values.days) : loadConfig().RETENTION_DAYS
    if (!(days >= 0 && days <= 36_500)) throw new UsageError('--days must be a number of days from 0 to 36500')
    const r = await purgeExpiredPersonalData(db, new Date(), days)
    out(`purged personal details of ${r.children} children and ${r.incidents} incident summaries (retention ${days} days)`)
    return
  }
  throw new UsageError(USAGE)
}

async function main(): Promise<void> {
  const config = loadConfig()
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL)
  let embedded: EmbeddedDatabase | undefined
  let url = config.DATABASE_URL
  if (!url) {
    embedded = await startEmbeddedPostgres(logger)
    url = embedded.url
  }
  const db = createPool(url, { max: 2, sslmode: config.DATABASE_SSLMODE })
  try {
    if (process.argv[2] !== 'migrate') await migrate(db)
    await runCli(process.argv.slice(2), db, (line) => console.log(line))
  } catch (err) {
    console.error(err instanceof UsageError ? err.message : `error: ${(err as Error).message}`)
    process.exitCode = err instanceof UsageError ? 64 : 1
  } finally {
    await db.end()
    await embedded?.stop()
  }
}

if (process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1])) void main()
