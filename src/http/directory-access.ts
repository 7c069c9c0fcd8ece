// Who may keep the directory on the pages and which local authorities they keep: the one place
// the LA administrator's pages (routes/settings-pages.ts) ask. An administrator keeps every LA.
// An LA administrator (a person of role 'la-admin', signed in by e-mailed link: issue 13's
// people, which give such a session the 'auditor' role with the person's LA codes beside it)
// keeps only their LAs: the pages filter and refuse by laScopeOf. Any other caller, a board's
// auditor included, is refused (403).
import type { Principal, Role } from '../store/tokens-store.js'

/** The token roles the pages admit before keepsDirectory decides. */
export const DIRECTORY_ROLES: readonly Role[] = ['admin', 'auditor']

/** The person behind a session, where sessions carry one (read loosely: not every build has people). */
function laAdministratorOf(principal: Principal): { laCodes: readonly string[] } | null {
  const person = (principal as { person?: { role?: unknown; laCodes?: unknown } }).person
  if (person?.role !== 'la-admin' || !Array.isArray(person.laCodes)) return null
  return { laCodes: person.laCodes.filter((c): c is string => typeof c === 'string') }
}

/** Whether a caller may keep the directory at all: an administrator, or an LA administrator. */
export function keepsDirectory(principal: Principal): boolean {
  return principal.role === 'admin' || laAdministratorOf(principal) !== null
}

/** The LA codes a caller keeps; null for every LA (an administrator). */
export function laScopeOf(principal: Principal): readonly string[] | null {
  if (principal.role === 'admin') return null
  return laAdministratorOf(principal)?.laCodes ?? []
}

/** Whether a caller keeps a setting (or an LA) with this LA code. */
export function keepsLa(principal: Principal, laCode: string | null): boolean {
  const scope = laScopeOf(principal)
  return scope === null || (laCode !== null && scope.includes(laCode))
}
