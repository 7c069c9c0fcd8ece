import { listTokens } from '../../store/tokens-store.js'
import { listCommand } from '../command.js'

export const tokensListCommand = listCommand('tokens list', 'list tokens (never their secrets)', listTokens)
