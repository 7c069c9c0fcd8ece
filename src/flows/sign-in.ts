// Signing in by e-mailed one-time link: the use case behind /sign-in and its link.
//
// 1. requestSignInLink: the person types their address. Only an address that may sign in now (a
//    registered person not disabled, or a Key Adult named in a setting's contacts) gets a link,
//    and at most LINKS_PER_ADDRESS in 15 minutes; the page answers the same whatever happened. The
//    request stores the link and enqueues its id; it never sends mail.
// 2. sendSignInLink (the sign-in-link worker): reads the link, opens its sealed token, e-mails it,
//    erases the sealed copy.
// 3. signInWithLink: the person presses "Sign in" on the link's page (a POST: mail scanners fetch
//    links, and a GET changes nothing). The link is used once, within 15 minutes; the identity is
//    checked again at that moment (a contact removed meanwhile cannot sign in), and the session
//    is the person's. Each step is in the audit trail against the person.
import { randomUUID } from 'node:crypto'
import { contentLanguage, languagesChosen, type Language } from '../domain/languages.js'
import { accessRoleOf, PERSON_ROLES, type PersonRole } from '../domain/people.js'
import {
  hashLinkToken, LINK_TOKEN_RE, LINKS_PER_ADDRESS, newLinkToken, openLinkToken, sealLinkToken, SIGN_IN_LINK_TTL_MS, signInLinkUrl,
} from '../domain/sign-in-links.js'
import { renderSignInLinkMail } from '../mail/sign-in-mail.js'
import { bestEffort } from '../queue/queues.js'
import type { Services } from '../services.js'
import { audit } from '../store/audit-store.js'
import { withTransaction } from '../store/db.js'
import { ensureContactPerson, identitiesOf, markSignedIn, type Identity } from '../store/people-store.js'
import { createSession, type NewSession, type SessionLimits } from '../store/sessions-store.js'
import { consumeLink, countLinksSince, createLink, findLiveLink, linkToSend, markLinkSent } from '../store/sign-in-links-store.js'
import type { Principal } from '../store/tokens-store.js'

export type LinkRequestOutcome = 'sent' | 'unknown' | 'limited'

/** `language`: the one chosen on the sign-in page ('cy': the e-mail and the link's page Welsh first), or null for English. */
export async function requestSignInLink(services: Services, email: string, returnTo: string | null, language: Language | null = null): Promise<LinkRequestOutcome> {
  const { db, clock, config, queues } = services
  const identities = await identitiesOf(db, email)
  if (identities.length === 0) return 'unknown'
  const now = clock.now()
  if ((await countLinksSince(db, email, new Date(now.getTime() - SIGN_IN_LINK_TTL_MS))) >= LINKS_PER_ADDRESS) return 'limited'
  const id = randomUUID()
  const token = newLinkToken()
  await createLink(db, {
    id, email, tokenHash: hashLinkToken(token), sealed: sealLinkToken(config.ACK_LINK_SECRET, id, token), returnTo, language,
    createdAt: now, expiresAt: new Date(now.getTime() + SIGN_IN_LINK_TTL_MS),
  })
  await audit(db, { at: now, actor: 'anonymous', action: 'sign-in.link-requested', subjectType: 'sign-in-link', subjectId: id, reason: 'asked for a sign-in link' })
  // Redis away: the person is told to ask again if nothing arrives (the link is good for 15 minutes only).
  if (!(await bestEffort(() => queues.addSignInLink(id)))) services.logger.warn({ linkId: id }, 'sign-in link not queued: Redis did not take it')
  return 'sent'
}

/** The sign-in-link job: e-mails the link once; nothing to do when it was sent, used or has expired. */
export async function sendSignInLink(services: Services, linkId: string): Promise<'sent' | 'skipped'> {
  const { db, clock, config } = services
  const link = await linkToSend(db, linkId, clock.now())
  if (!link) return 'skipped'
  const token = openLinkToken(config.ACK_LINK_SECRET, link.id, link.sealed)
  if (!token) {
    // Sealed under another key (ACK_LINK_SECRET changed): it can never be sent.
    services.logger.warn({ linkId }, 'sign-in link cannot be opened with this ACK_LINK_SECRET: not sent')
    await markLinkSent(db, link.id, clock.now())
    return 'skipped'
  }
  const url = signInLinkUrl(config.PUBLIC_BASE_URL, token)
  const languages = languagesChosen(link.language)
  const mail = renderSignInLinkMail({ url, expiresAt: link.expiresAt, languages })
  await services.mailer.send({
    messageId: `<sign-in.${link.id}@encompass-notify>`,
    from: config.MAIL_FROM,
    to: [link.email],
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: { 'X-Encompass-Kind': 'sign-in-link', 'Content-Language': contentLanguage(languages) },
    template: { kind: 'sign-in', language: languages[0]!, lines: mail.text.split('\n'), link: url },
  })
  await markLinkSent(db, link.id, clock.now())
  return 'sent'
}

/** What the link's page offers: the identities its address may sign in as now; null when the link is not live. */
export async function viewSignInLink(services: Services, token: string): Promise<{ identities: Identity[]; language: Language | null } | null> {
  if (!LINK_TOKEN_RE.test(token)) return null
  const link = await findLiveLink(services.db, hashLinkToken(token), services.clock.now())
  if (!link) return null
  const identities = await identitiesOf(services.db, link.email)
  return identities.length ? { identities, language: link.language } : null
}

export type SignInOutcome =
  | { signedIn: { session: NewSession; principal: Principal; returnTo: string | null; role: PersonRole } }
  | { invalid: true }
  | { chooseRole: Identity[] }

/**
 * Uses the link and starts the person's session, all or nothing. With more than one identity the
 * person says which (`role`); until then the link stays unused.
 */
export async function signInWithLink(
  services: Services,
  token: string,
  role: string | null,
  limits: SessionLimits,
  requestId: string,
): Promise<SignInOutcome> {
  const { db, clock } = services
  if (!LINK_TOKEN_RE.test(token)) return { invalid: true }
  const hash = hashLinkToken(token)
  return withTransaction(db, async (client) => {
    const now = clock.now()
    const live = await findLiveLink(client, hash, now)
    if (!live) return { invalid: true }
    const identities = await identitiesOf(client, live.email)
    if (identities.length === 0) return { invalid: true }
    const chosen = identities.length === 1 ? identities[0]! : identities.find((i) => i.role === role && (PERSON_ROLES as readonly string[]).includes(role))
    if (!chosen) return { chooseRole: identities }
    const link = await consumeLink(client, hash, now)
    if (!link) return { invalid: true } // used a moment ago in another tab
    const personId = chosen.personId ?? (await ensureContactPerson(client, link.email, chosen.name, now))
    await markSignedIn(client, personId, now)
    const principal: Principal = {
      tokenId: null,
      role: accessRoleOf[chosen.role],
      forceCode: chosen.forceCode,
      urn: null,
      name: chosen.name,
      ageBand: null,
      person: { id: personId, email: link.email, name: chosen.name, role: chosen.role, laCodes: chosen.laCodes },
    }
    const session = await createSession(client, principal, now, limits)
    await audit(client, {
      at: now, actor: `person:${personId}`, actorRole: principal.role, action: 'session.start', subjectType: 'session', subjectId: session.id,
      reason: 'signed in with an e-mailed link', detail: { requestId, personRole: chosen.role, linkId: link.id, expiresAt: session.expiresAt.toISOString() },
    })
    return { signedIn: { session, principal, returnTo: link.returnTo, role: chosen.role } }
  })
}
