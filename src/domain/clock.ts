// Time is an input. Workers, sweeps and deadlines read the clock through this so tests can drive
// hours of escalation in milliseconds without waiting.
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock tests can set and move. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current)
  }
  set(to: Date): void {
    this.current = new Date(to)
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms)
  }
}

/**
 * A clock that starts at a chosen moment and then runs at real speed: tests pin "now" to a known
 * school week (so deadlines, escalations and retention read the same on any date the suite runs)
 * while retries, backoff and timers still elapse as they would in production.
 */
export class TickingClock implements Clock {
  private readonly offsetMs: number
  constructor(startAt: Date) {
    this.offsetMs = startAt.getTime() - Date.now()
  }
  now(): Date {
    return new Date(Date.now() + this.offsetMs)
  }
}
