import { seedDemo } from '../../demo/seed-demo.js'
import { wholeNumber, type Command } from '../command.js'

export const seedDemoCommand: Command = {
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
}
