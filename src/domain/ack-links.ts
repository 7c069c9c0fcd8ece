// One-click acknowledgement links: an HMAC of the notification id under ACK_LINK_SECRET. The link
// is good for that one notification only, unguessable, and needs no stored secret per row.
import { createHmac, timingSafeEqual } from 'node:crypto'

export function ackToken(secret: string, notificationId: string): string {
  return createHmac('sha256', secret).update(`ack:${notificationId}`).digest('base64url')
}

export function ackUrl(baseUrl: string, secret: string, notificationId: string): string {
  return `${baseUrl}/ack/${notificationId}/${ackToken(secret, notificationId)}`
}

export function verifyAckToken(secret: string, notificationId: string, token: string): boolean {
  const expected = Buffer.from(ackToken(secret, notificationId))
  const given = Buffer.from(token)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
