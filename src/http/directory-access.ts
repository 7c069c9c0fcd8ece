// Who may keep the directory on the pages and which local authorities they keep: the one place
// the LA administrator's pages (routes/settings-pages.ts) ask. Today that is the `admin` role,
// for every LA. An LA administrator scoped to LA codes (issue 13's `la-admin`, once people sign
// in with their own role) is added here: DIRECTORY_ROLES gains the role, laScopeOf returns the
// person's LA codes, and every page filters and refuses by them without further change.
import type { Principal, Role } from '../store/tokens-store.js'

export const DIRECTORY_ROLES: readonly Role[] = ['admin']

/** The LA codes a caller keeps; null for every LA. */
export function laScopeOf(_principal: Principal): readonly string[] | null {
  return null
}

/** Whether a caller keeps a setting (or an LA) with this LA code. */
export function keepsLa(principal: Principal, laCode: string | null): boolean {
  const scope = laScopeOf(principal)
  return scope === null || (laCode !== null && scope.includes(laCode))
}
