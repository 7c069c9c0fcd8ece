// Real service processes for benchmarks, chaos runs and multi-process tests:
// `node --import tsx src/main.ts api|worker|all` with a clean environment (no coverage recorded:
// NO_CHILD_COVERAGE), its output kept in a small ring for diagnostics, and helpers to wait until an
// API answers /readyz or until worker processes have registered with BullMQ.
//
// Leftovers: each service process is started in a process group of its own, and when this process
// exits for any reason that runs 'exit' handlers (normal end, process.exit() from a signal handler,
// an uncaught exception) every group still alive is SIGKILLed. Only a SIGKILL of this process
// itself escapes that; the caller's cleanups (and their SIGINT/SIGTERM handlers) do the rest.
import { spawn, type ChildProcess } from 'node:child_process'
import { readdir, readFile, readlink } from 'node:fs/promises'
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

/**
 * Turns tap's coverage off in a child process. Leaving tap's variables out of a child's environment
 * is not enough: @tapjs/processinfo puts them back into every process this one spawns (it hooks
 * spawn through process-on-spawn and re-adds each _TAPJS_PROCESSINFO_* variable, and its
 * --import in NODE_OPTIONS, unless the child's environment sets that variable itself). A child then
 * wrote the coverage of src/ as compiled by tsx under the same file URLs as the test processes'
 * ts-node output; c8 merges the raw V8 ranges by URL as if both were the same script, with one
 * source map for both, and whole files lost their coverage in the report (uploads-store.ts 96 % in
 * its own test's run, 56 % in the whole run). '0' is processinfo's own switch for this.
 */
export const NO_CHILD_COVERAGE = { _TAPJS_PROCESSINFO_COVERAGE_: '0' } as const

/** The environment a service process gets: only what it needs, plus the caller's settings. */
export function serviceEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']
  const base: NodeJS.ProcessEnv = {}
  for (const k of keep) if (process.env[k] !== undefined) base[k] = process.env[k]
  return { ...base, ...NO_CHILD_COVERAGE, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env }
}

/**
 * This process's environment for a child process, without tap's process-tracking and coverage
 * hooks, plus `env` (an undefined value removes the variable). Coverage counts only what runs
 * inside the test processes: a child runs under tsx's transform, whose coverage cannot be mapped
 * back onto the TypeScript sources the same way (it marked comment lines "uncovered"), and a child
 * that is killed writes none at all, so the figures would change with timing from run to run.
 */
export function childEnv(env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('_TAPJS_') && k !== 'NODE_OPTIONS') out[k] = v
  }
  Object.assign(out, NO_CHILD_COVERAGE)
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete out[k]
    else out[k] = v
  }
  return out
}

/** Child process groups still alive, killed on exit. */
const liveGroups = new Set<ChildProcess>()
let exitHookInstalled = false

/** Kills `child`'s whole process group now (it must have been spawned detached), or the child alone. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    if (child.pid) process.kill(-child.pid, signal)
  } catch {
    try {
      child.kill(signal)
    } catch {
      // gone already
    }
  }
}

/** Registers a detached child whose process group must not outlive this process. */
export function killOnExit(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.on('exit', () => {
      for (const c of liveGroups) killGroup(c)
    })
  }
  liveGroups.add(child)
  child.once('exit', () => liveGroups.delete(child))
}

export function spawnService(mode: Mode, env: Record<string, string>, name: string = mode, nodeArgs: string[] = []): ServiceProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts', mode], {
    cwd: ROOT,
    env: serviceEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C in the terminal reaches only us (our handlers stop it), and
    // the exit hook can kill the group with whatever it started.
    detached: true,
  })
  killOnExit(child)
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

/**
 * The pids, among `pids`, of processes with a connection registered in Redis as a BullMQ worker of
 * the prefix's `queue` (CLIENT LIST names them): the client's address is matched with the sockets
 * each process holds (/proc/<pid>/fd and /proc/net/tcp*, Linux). A process still booting, or one
 * whose connection is down, is not in the set.
 */
export async function registeredWorkerPids(redisUrl: string, prefix: string, pids: number[], queue = 'notify'): Promise<Set<number>> {
  const out = new Set<number>()
  if (pids.length === 0) return out
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2_000, enableOfflineQueue: true })
  connection.on('error', () => {})
  const q = new Queue(queue, { connection, prefix })
  q.on('error', () => {})
  let ports: Set<number>
  try {
    const clients = await q.getWorkers()
    ports = new Set(clients.map((c) => Number(/:(\d+)$/.exec(String(c.addr ?? ''))?.[1])).filter((p) => p > 0))
  } finally {
    await q.close().catch(() => {})
    connection.disconnect()
  }
  if (ports.size === 0) return out
  // Socket inodes of the local ports that Redis sees as BullMQ workers.
  const inodes = new Set<string>()
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '')
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/)
      if (f.length < 10) continue
      const port = parseInt(f[1]!.split(':')[1] ?? '', 16)
      if (ports.has(port)) inodes.add(f[9]!)
    }
  }
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])
    for (const fd of fds) {
      const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')
      const m = /^socket:\[(\d+)\]$/.exec(link)
      if (m && inodes.has(m[1]!)) {
        out.add(pid)
        break
      }
    }
  }
  return out
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
