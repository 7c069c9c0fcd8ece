import { audit } from '../../store/audit-store.js'
import { revokeToken } from '../../store/tokens-store.js'
import { UsageError, type Command } from '../command.js'

export const tokensRevokeCommand: Command = {
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
}
