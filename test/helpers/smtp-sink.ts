// A fast SMTP sink for benchmarks, chaos runs and multi-process tests: a real SMTP server
// (nodemailer's smtp-server) that accepts every message, reads only its headers and records the
// Message-ID, the X-Encompass-Kind and X-Encompass-Notification headers (which e-mail of which
// notification: src/mail/send-notification.ts sets both on every notification, deputies, desk and
// reminder e-mail) and the time of acceptance. `onAccept` runs (and is
// awaited) before the server answers 250, so whoever listens has the record before the sender can
// see the acceptance: a sink that dies just after never "loses" a message it acknowledged.
// stop() closes the listener and every open connection at once (421), like an SMTP server going
// down; start() again on the same port brings it back.
import { SMTPServer } from 'smtp-server'

export interface Accepted {
  messageId: string
  /** X-Encompass-Kind: notification, deputies, desk, reminder; 'other' without it (e.g. force alerts). */
  kind: string
  /** X-Encompass-Notification: the notification's id, or null when the header is absent. */
  notification: string | null
  at: number
}

export class SmtpSink {
  readonly accepted: Accepted[] = []
  port = 0
  private server: SMTPServer | undefined
  private waiters: (() => void)[] = []

  constructor(private readonly onAccept?: (a: Accepted) => Promise<void> | void) {}

  async start(port = this.port): Promise<number> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: 1,
      maxClients: 1000,
      onData: (stream, _session, cb) => {
        let head = ''
        let done = false
        stream.on('data', (chunk: Buffer) => {
          if (done) return
          head += chunk.toString('latin1')
          const end = head.indexOf('\r\n\r\n')
          if (end >= 0 || head.length > 64 * 1024) {
            head = head.slice(0, end >= 0 ? end : head.length)
            done = true
          }
        })
        stream.on('end', () => {
          const unfolded = head.replace(/\r\n[ \t]+/g, ' ')
          const messageId = /^Message-ID:\s*(<[^>\r\n]*>)/im.exec(unfolded)?.[1] ?? '(none)'
          const kind = /^X-Encompass-Kind:\s*(\S+)/im.exec(unfolded)?.[1] ?? 'other'
          const notification = /^X-Encompass-Notification:\s*(\S+)/im.exec(unfolded)?.[1] ?? null
          const a: Accepted = { messageId, kind, notification, at: Date.now() }
          Promise.resolve(this.onAccept?.(a))
            .then(() => {
              this.accepted.push(a)
              for (const w of this.waiters.splice(0)) w()
              cb()
            })
            .catch((err: Error) => cb(Object.assign(new Error(`sink: ${err.message}`), { responseCode: 451 })))
        })
      },
    })
    server.on('error', () => {})
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject)
      server.listen(port, '127.0.0.1', () => resolve())
    })
    this.server = server
    this.port = (server.server.address() as { port: number }).port
    return this.port
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`
  }

  get running(): boolean {
    return this.server !== undefined
  }

  /** Closes the listener and drops every open connection (421): senders see the server go away. */
  async stop(): Promise<void> {
    const s = this.server
    this.server = undefined
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()))
  }

  /** Resolves when at least n messages (of this kind, if given) were accepted; false on timeout. */
  async waitFor(n: number, timeoutMs: number, kind?: string): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    const count = () => (kind ? this.accepted.filter((a) => a.kind === kind).length : this.accepted.length)
    while (count() < n) {
      const left = deadline - Date.now()
      if (left <= 0) return false
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200))
        this.waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
    return true
  }
}

/** Message-IDs seen more than once, with their counts. */
export function duplicates(accepted: Accepted[], kind?: string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const a of accepted) if (!kind || a.kind === kind) counts.set(a.messageId, (counts.get(a.messageId) ?? 0) + 1)
  for (const [id, n] of counts) if (n < 2) counts.delete(id)
  return counts
}
