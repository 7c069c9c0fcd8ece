// A Redis server of our own on a free loopback port, so a chaos run can shut it down, restart it
// and flush it without touching anyone else's keys on the shared 127.0.0.1:6379. Started the way
// CI starts Redis (no persistence: a restart loses everything, like a flush). If this process
// exits without stop(), the server is SIGKILLed by procs.ts's exit hook and its directory removed.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Redis } from 'ioredis'
import { freePort, killOnExit, sleep } from './procs.js'

const run = promisify(execFile)

export class PrivateRedis {
  port = 0
  private proc: ChildProcess | undefined
  private dir = ''

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort()
    if (!this.dir) {
      const dir = await mkdtemp(join(tmpdir(), 'enc-chaos-redis-'))
      this.dir = dir
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
    }
    this.proc = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, '--logfile', ''],
      // Its own process group, killed if we exit without stop() (see procs.ts).
      { stdio: 'ignore', detached: true },
    )
    killOnExit(this.proc)
    const deadline = Date.now() + 10_000
    for (;;) {
      const r = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
      r.on('error', () => {})
      try {
        await r.connect()
        if ((await r.ping()) === 'PONG') return
      } catch {
        // not up yet
      } finally {
        r.disconnect()
      }
      if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not start`)
      await sleep(50)
    }
  }

  /** `redis-cli shutdown nosave`, wait `downMs`, start again on the same port. */
  async restart(downMs = 2_000): Promise<void> {
    await this.shutdown()
    await sleep(downMs)
    await this.start()
  }

  async flushAll(): Promise<void> {
    await run('redis-cli', ['-p', String(this.port), 'FLUSHALL'])
  }

  async shutdown(): Promise<void> {
    const p = this.proc
    if (!p || p.exitCode !== null) return
    const exited = new Promise((r) => p.once('exit', r))
    await run('redis-cli', ['-p', String(this.port), 'shutdown', 'nosave']).catch(() => p.kill('SIGKILL'))
    await exited
  }

  async stop(): Promise<void> {
    await this.shutdown()
    if (this.dir) await rm(this.dir, { recursive: true, force: true })
  }
}
