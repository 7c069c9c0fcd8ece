// The parent's side of bench/lib/sink-process.ts: start, stop and read what the sink accepted.
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Accepted } from '../../test/helpers/smtp-sink.js'

export class RemoteSink {
  readonly accepted: Accepted[] = []
  port = 0
  private child: ChildProcess | undefined
  private pending: ((msg: { ev: string; port?: number; message?: string }) => void)[] = []

  async start(port = this.port): Promise<number> {
    if (!this.child) {
      this.child = fork(fileURLToPath(new URL('./sink-process.ts', import.meta.url)), [], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { PATH: process.env.PATH ?? '' },
      })
      this.child.on('message', (msg: { ev: string; a?: Accepted; port?: number; message?: string }) => {
        if (msg.ev === 'accepted') this.accepted.push(msg.a!)
        else this.pending.shift()?.(msg)
      })
    }
    const reply = await this.request({ cmd: 'start', port })
    if (reply.ev !== 'listening') throw new Error(`SMTP sink did not start: ${reply.message}`)
    this.port = reply.port!
    return this.port
  }

  async stop(): Promise<void> {
    if (this.child) await this.request({ cmd: 'stop' })
  }

  get pid(): number {
    return this.child?.pid ?? 0
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`
  }

  count(kind = 'notification'): number {
    let n = 0
    for (const a of this.accepted) if (a.kind === kind) n += 1
    return n
  }

  async waitFor(n: number, timeoutMs: number, kind = 'notification'): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (this.count(kind) < n) {
      if (Date.now() > deadline) return false
      await new Promise((r) => setTimeout(r, 50))
    }
    return true
  }

  async close(): Promise<void> {
    const c = this.child
    this.child = undefined
    if (!c) return
    const exited = new Promise((r) => c.once('exit', r))
    c.disconnect()
    const t = setTimeout(() => c.kill('SIGKILL'), 3_000)
    await exited
    clearTimeout(t)
  }

  private request(msg: unknown): Promise<{ ev: string; port?: number; message?: string }> {
    return new Promise((resolve) => {
      this.pending.push(resolve)
      this.child!.send(msg as object)
    })
  }
}
