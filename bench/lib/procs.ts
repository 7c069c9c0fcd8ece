// Real service processes for benchmarks, chaos runs and multi-process tests:
// `node --import tsx src/main.ts api|worker|all` with a clean environment (no tap or coverage
// hooks inherited), its output kept in a small ring for diagnostics, and helpers to wait until an
// API answers /readyz or until worker processes have registered with BullMQ.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export type Mode = 'api' | 'worker' | 'all'

export interface ServiceProcess {
  readonly mode: Mode
  readonly name: string
  readonly child: ChildProcess
  readonly pid: number
  readonly port: number | undefined
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  alive(): boolean
  /** SIGTERM (graceful) and wait; SIGKILL after graceMs. */
  stop(graceMs?: number): Promise<void>
  /** SIGKILL now, and wait for the exit. */
  kill9(): Promise<void>
  output(): string
}

/** The environment a service process gets: only what it needs, plus the caller's settings. */
export function serviceEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']
  const base: NodeJS.ProcessEnv = {}
  for (const k of keep) if (process.env[k] !== undefined) base[k] = process.env[k]
  return { ...base, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env }
}

export function spawnService(mode: Mode, env: Record<string, string>, name: string = mode, nodeArgs: string[] = []): ServiceProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts', mode], {
    cwd: ROOT,
    env: serviceEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const ring: string[] = []
  const keep = (chunk: Buffer) => {
    ring.push(...chunk.toString('utf8').split('\n').filter(Boolean))
    if (ring.length > 200) ring.splice(0, ring.length - 200)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  let done = false
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      done = true
      resolve({ code, signal })
    }),
  )
  const port = env.PORT ? Number(env.PORT) : undefined
  return {
    mode,
    name,
    child,
    pid: child.pid!,
    port,
    exited,
    alive: () => !done,
    async stop(graceMs = 15_000) {
      if (done) return
      child.kill('SIGTERM')
      const t = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(t)
    },
    async kill9() {
      if (done) return
      child.kill('SIGKILL')
      await exited
    },
    output: () => ring.join('\n'),
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

/** Waits until GET /readyz answers 200 (Postgres and Redis reachable from the API process). */
export async function waitReady(p: ServiceProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (!p.alive()) throw new Error(`${p.name} exited during start-up:\n${p.output()}`)
    try {
      const res = await fetch(`http://127.0.0.1:${p.port}/readyz`, { signal: AbortSignal.timeout(2_000) })
      if (res.status === 200) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${p.name} not ready after ${timeoutMs} ms:\n${p.output()}`)
    await sleep(100)
  }
}

/** Waits until at least n BullMQ workers listen on the prefix's notify queue. */
export async function waitWorkers(redisUrl: string, prefix: string, n: number, timeoutMs = 30_000, procs: ServiceProcess[] = []): Promise<void> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null })
  const q = new Queue('notify', { connection, prefix })
  try {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const dead = procs.find((p) => !p.alive())
      if (dead) throw new Error(`${dead.name} exited during start-up:\n${dead.output()}`)
      if ((await q.getWorkersCount().catch(() => 0)) >= n) return
      if (Date.now() > deadline) throw new Error(`fewer than ${n} workers registered after ${timeoutMs} ms`)
      await sleep(100)
    }
  } finally {
    await q.close()
    connection.disconnect()
  }
}

/** Deletes every Redis key under a BullMQ prefix. */
export async function deletePrefix(redisUrl: string, prefix: string): Promise<number> {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 2 })
  let n = 0
  try {
    let cursor = '0'
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', '1000')
      cursor = next
      if (keys.length > 0) n += await r.del(...keys)
    } while (cursor !== '0')
  } finally {
    r.disconnect()
  }
  return n
}

/**
 * Deletes every key under a prefix in one atomic step (a Lua script), as FLUSHDB would for the
 * whole database: the service sees all of the prefix vanish at once, never half of a job.
 */
export async function flushPrefix(redisUrl: string, prefix: string): Promise<number> {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 2 })
  try {
    return (await r.eval(
      `local keys = redis.call('KEYS', ARGV[1])
       for i = 1, #keys, 500 do redis.call('DEL', unpack(keys, i, math.min(i + 499, #keys))) end
       return #keys`,
      0,
      `${prefix}:*`,
    )) as number
  } finally {
    r.disconnect()
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
