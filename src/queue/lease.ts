// A claim in Postgres is a lease: one older than CLAIM_TIMEOUT_MS counts as abandoned by a dead
// worker and may be taken over. A living worker whose send is merely slow (waiting its turn in the
// SMTP pool on a busy machine) must never look dead, or two workers send the same e-mail. So while
// a send is in flight its worker renews the claim, three times per timeout.
import type { Services } from '../services.js'

/** Runs `work` while renewing the lease with `renew` every third of the claim timeout. */
export async function whileHoldingLease<T>(services: Services, renew: (now: Date) => Promise<boolean>, work: () => Promise<T>): Promise<T> {
  const every = Math.max(50, Math.floor(services.config.CLAIM_TIMEOUT_MS / 3))
  const timer = setInterval(() => {
    renew(services.clock.now()).catch((err: unknown) => {
      services.logger.warn({ error: err instanceof Error ? err.name : 'unknown' }, 'could not renew a send claim; it may be taken over')
    })
  }, every)
  timer.unref()
  try {
    return await work()
  } finally {
    clearInterval(timer)
  }
}
