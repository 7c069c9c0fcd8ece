// The one-time sign-in link's token. 256 random bits, shown once in the e-mail; the database keeps
// its SHA-256 for the lookup, and, until the e-mail has gone, a sealed copy the mail worker can
// open (the queue carries only the link's id, so the worker reads the token from the row). The
// sealing key is derived from ACK_LINK_SECRET, which lives outside the database: a copy of the
// tables signs nobody in.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto'

/** How long a link is good for. */
export const SIGN_IN_LINK_TTL_MS = 15 * 60_000
/** Links per address within one TTL: more requests are answered alike and send nothing. */
export const LINKS_PER_ADDRESS = 3
/** Sign-in requests per client address within one TTL, whatever the address typed. */
export const SIGN_IN_REQUESTS_PER_CLIENT = 10

/** A token as the link carries it: 43 characters of base64url. */
export const LINK_TOKEN_RE = /^[A-Za-z0-9_-]{43}$/

export const newLinkToken = (): string => randomBytes(32).toString('base64url')

export const hashLinkToken = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest()

const sealingKey = (secret: string) => createHmac('sha256', secret).update('sign-in-link-sealing').digest()

/** The token sealed for the mail worker, bound to its link's id (AES-256-GCM). */
export function sealLinkToken(secret: string, linkId: string, token: string): Buffer {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', sealingKey(secret), iv)
  cipher.setAAD(Buffer.from(linkId))
  const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()])
  return Buffer.concat([iv, cipher.getAuthTag(), body])
}

/** The token back from its sealed copy; null when it was not sealed for this link under this key. */
export function openLinkToken(secret: string, linkId: string, sealed: Buffer): string | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(secret), sealed.subarray(0, 12))
    decipher.setAAD(Buffer.from(linkId))
    decipher.setAuthTag(sealed.subarray(12, 28))
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8')
  } catch {
    return null
  }
}

export const signInLinkUrl = (baseUrl: string, token: string): string => `${baseUrl}/sign-in/link/${token}`
