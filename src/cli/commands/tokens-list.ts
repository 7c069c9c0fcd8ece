import { listTokens } from '../../store/tokens-store.js'
import type { Command } from '../command.js'

export const tokensListCommand: Command = {
  name: 'tokens list',
  args: '',
  about: 'list tokens (never their secrets)',
  async run({ db, out }) {
    for (const t of await listTokens(db)) out(JSON.stringify(t))
  },
}
