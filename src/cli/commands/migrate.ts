import { migrate } from '../../store/migrate.js'
import type { Command } from '../command.js'

export const migrateCommand: Command = {
  name: 'migrate',
  args: '',
  about: 'apply the SQL migrations once each (safe to run twice)',
  async run({ db, out }) {
    const applied = await migrate(db)
    out(applied.length ? `applied: ${applied.join(', ')}` : 'migrations: nothing to apply')
  },
}
