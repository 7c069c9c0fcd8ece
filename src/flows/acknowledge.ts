// Acknowledging a notification: by a person on the page the e-mail links to, or by a Key Adult's
// system with its dsl token. The first acknowledgement counts; a second changes nothing; a failed
// notification (the force desk has it) cannot be acknowledged.
import type { Services } from '../services.js'
import { acknowledge, type Acknowledger } from '../store/notifications-store.js'

export type Acknowledged = Awaited<ReturnType<typeof acknowledge>>

export async function acknowledgeNotification(services: Services, notificationId: string, who: Acknowledger): Promise<Acknowledged> {
  const result = await acknowledge(services.db, notificationId, services.clock.now(), who)
  if (result && 'first' in result && result.first) services.metrics.notifications.inc({ status: 'acknowledged' })
  return result
}
