// Every CLI command, in the order `help` lists them. A new command is a module beside these and
// one line here.
import type { Command } from '../command.js'
import { auditVerifyCommand } from './audit-verify.js'
import { calendarBankHolidaysCommand } from './calendar-bank-holidays.js'
import { calendarTermsCommand } from './calendar-terms.js'
import { forcesCreateCommand } from './forces-create.js'
import { forcesListCommand } from './forces-list.js'
import { laContactsSetCommand } from './la-contacts-set.js'
import { migrateCommand } from './migrate.js'
import { pupilsImportCommand } from './pupils-import.js'
import { purgeCommand } from './purge.js'
import { reportPackCommand } from './report-pack.js'
import { schoolsImportCommand } from './schools-import.js'
import { schoolsImportOfstedCommand } from './schools-import-ofsted.js'
import { seedDemoCommand } from './seed-demo.js'
import { tokensCreateCommand } from './tokens-create.js'
import { tokensListCommand } from './tokens-list.js'
import { tokensRevokeCommand } from './tokens-revoke.js'

export const COMMANDS: readonly Command[] = [
  migrateCommand,
  tokensCreateCommand,
  tokensListCommand,
  tokensRevokeCommand,
  forcesCreateCommand,
  forcesListCommand,
  schoolsImportCommand,
  schoolsImportOfstedCommand,
  calendarBankHolidaysCommand,
  calendarTermsCommand,
  pupilsImportCommand,
  laContactsSetCommand,
  auditVerifyCommand,
  seedDemoCommand,
  purgeCommand,
  reportPackCommand,
]
