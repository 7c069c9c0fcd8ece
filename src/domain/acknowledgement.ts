// Who acknowledged a notification, as the record shows it to people: the name a person gave on the
// acknowledgement page ("Jo Bloggs (e-mail link)"), or the API token that called ("Jo Bloggs
// (API token <id>)"). A name typed by a person is one line of ordinary text: bounded, and free of
// control, line-separator and bidirectional-override characters, which would let a name rewrite
// how the record around it reads.
import { NO_CONTROLS } from './text.js'

export const PERSON_NAME_MAX = 100
const INVISIBLE_OR_BREAKING = /[\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

export type NameCheck = { ok: true; name: string | null } | { ok: false; reason: 'control' | 'length'; message: string }

/** The optional "Your name" of the acknowledgement page: trimmed; empty means not given. */
export function checkPersonName(raw: string): NameCheck {
  const name = raw.normalize('NFC').trim().replace(/ {2,}/g, ' ')
  if (name === '') return { ok: true, name: null }
  if (!NO_CONTROLS.test(name) || INVISIBLE_OR_BREAKING.test(name)) {
    return { ok: false, reason: 'control', message: 'Your name must not include line breaks, tabs or other control characters' }
  }
  if ([...name].length > PERSON_NAME_MAX) return { ok: false, reason: 'length', message: `Your name must be ${PERSON_NAME_MAX} characters or fewer` }
  return { ok: true, name }
}

/** Recorded when someone presses Acknowledge on the page the e-mail links to. */
export function acknowledgedByLink(name: string | null): string {
  return name ? `${name} (e-mail link)` : 'e-mail link'
}

/** Recorded when a Key Adult's system acknowledges through the API with its token. */
export function acknowledgedByToken(token: { tokenId: string; name: string | null }): string {
  // A token's label is set by an administrator at the command line: keep what is printable of it.
  const label = (token.name ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, ' ').trim()
  const short = [...label].slice(0, PERSON_NAME_MAX).join('')
  return short ? `${short} (API token ${token.tokenId})` : `API token ${token.tokenId}`
}
