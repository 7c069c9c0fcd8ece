import { listForces } from '../../store/forces-store.js'
import type { Command } from '../command.js'

export const forcesListCommand: Command = {
  name: 'forces list',
  args: '',
  about: 'list forces and their settings',
  async run({ db, out }) {
    for (const f of await listForces(db)) out(JSON.stringify(f))
  },
}
