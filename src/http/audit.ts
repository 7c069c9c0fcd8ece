// Audit entries for requests: the caller's token and role (and session, when a person did it in a
// browser), and the reason they give in an `X-Audit-Reason` header (or the endpoint's purpose).
import type { FastifyRequest } from 'fastify'
import { audit } from '../store/audit-store.js'
import { actorOf } from './auth.js'
import type { Queryable } from '../store/db.js'

export async function auditRequest(
  db: Queryable,
  request: FastifyRequest,
  action: string,
  subjectType: string,
  subjectId: string | null,
  defaultReason: string,
  detail: Record<string, unknown> = {},
): Promise<void> {
  const header = request.headers['x-audit-reason']
  const given = typeof header === 'string' ? header.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, 200) : ''
  await audit(db, {
    actor: request.principal ? actorOf(request.principal) : 'anonymous',
    actorRole: request.principal?.role ?? null,
    action,
    subjectType,
    subjectId,
    reason: given || defaultReason,
    detail: { requestId: request.id, ...(request.principal?.sessionId ? { sessionId: request.principal.sessionId } : {}), ...detail },
  })
}
