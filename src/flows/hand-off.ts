// The one hand-off from Postgres to the queues: persist, then enqueue, then unmark. Postgres is the
// truth and Redis carries ids, so work is first written with its "handed to the queue" mark (in the
// statement that persists it, or by the sweeper under its lock); then its ids go to the queue; and
// if the queue does not take them (Redis away, slow, refusing), the mark is cleared so that the
// sweeper's next round finds the work and enqueues it. A process that dies between the write and the
// enqueue leaves a mark that the sweeper treats as lost once it is CLAIM_TIMEOUT_MS old. Intake,
// matching, placement, rematching and the sweeper all hand work over through here.
import { bestEffort, type Queues } from '../queue/queues.js'
import type { Queryable } from '../store/db.js'
import { unmarkMatchEnqueued } from '../store/incidents-store.js'
import { unmarkEnqueued } from '../store/notifications-store.js'

/**
 * Runs `enqueue` (best effort: it gives up after a short while, as Postgres already holds the
 * work); when the queue did not take it, runs `unmark`. True when the queue took it.
 */
export async function handOff(enqueue: () => Promise<unknown>, unmark: () => Promise<unknown>): Promise<boolean> {
  if (await bestEffort(enqueue)) return true
  await unmark()
  return false
}

/** Children persisted as pending and marked as handed to the match queue: their ids to it. */
export function handOffMatch(db: Queryable, queues: Queues, childIds: string[], opts: { requeued?: boolean } = {}): Promise<boolean> {
  if (childIds.length === 0) return Promise.resolve(true)
  return handOff(() => queues.addMatch(childIds), () => unmarkMatchEnqueued(db, childIds, opts))
}

/**
 * Notifications marked as handed to the notify queue: their sends to it, after `delayMs`.
 * `fresh`: created just now, so no job can exist yet (a plain add, no look-up first).
 */
export function handOffNotify(
  db: Queryable,
  queues: Queues,
  notificationIds: string[],
  opts: { delayMs?: number; fresh?: boolean } = {},
): Promise<boolean> {
  if (notificationIds.length === 0) return Promise.resolve(true)
  return handOff(
    async () => {
      for (const id of notificationIds) await queues.addNotify(id, opts.delayMs ?? 0, { fresh: opts.fresh ?? false })
    },
    () => unmarkEnqueued(db, notificationIds),
  )
}
