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
