import { loadConfig } from '../../config.js'
import { ExitError } from '../../process-errors.js'
import { verifyAuditChain } from '../../store/audit-store.js'
import type { Command } from '../command.js'

export const auditVerifyCommand: Command = {
  name: 'audit verify',
  args: '',
  about: 'seal and recompute the audit hash chain; print the last hash',
  async run({ db, out }) {
    const r = await verifyAuditChain(db, loadConfig().AUDIT_HMAC_KEY)
    if (r.brokenAt !== null) throw new ExitError(`audit chain BROKEN after checking ${r.rows} rows: ${r.problem}`)
    const unkeyed = r.unkeyedRows > 0 ? ` (the first ${r.unkeyedRows} sealed before the chain was keyed)` : ''
    out(`audit chain intact: ${r.rows} rows${unkeyed}; last hash ${r.lastHash ?? 'none'} (keep it elsewhere to detect removal of the newest rows)`)
  },
}
