// Where the CPU went during a phase: user+system time of every process on the machine, read from
// /proc at the start and the end, grouped (the API, the workers, PostgreSQL, Redis, the SMTP sink,
// the load generator, everything else) and expressed in cores (1.0 = one core busy throughout).
import { readdirSync, readFileSync } from 'node:fs'
import { cpus } from 'node:os'

const TICKS = 100 // USER_HZ on Linux

interface Proc {
  comm: string
  ticks: number
  /** Start time since boot, in ticks: tells a reused pid from the same process. */
  born: number
}

function snapshot(): Map<number, Proc> {
  const out = new Map<number, Proc>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const close = stat.lastIndexOf(')')
      const comm = stat.slice(stat.indexOf('(') + 1, close)
      const fields = stat.slice(close + 2).split(' ')
      let label = comm
      if (comm === 'postgres') {
        // Backends show their database in the title: ours are the bench's scratch databases.
        const title = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ')
        const db = /^postgres: [^:]+: \S+ (\S+) /.exec(title)?.[1]
        if (db && !db.startsWith('enc_bench')) label = 'postgres (other databases)'
      }
      out.set(Number(name), { comm: label, ticks: Number(fields[11]) + Number(fields[12]), born: Number(fields[19]) })
    } catch {
      // gone meanwhile
    }
  }
  return out
}

export type CpuGroups = Record<string, number[]>

export class CpuMeter {
  private start = snapshot()
  private startedAt = Date.now()

  /** Cores used per group since construction; `groups` name pids, the rest go by process name. */
  stop(groups: CpuGroups): Record<string, number> {
    const end = snapshot()
    const seconds = (Date.now() - this.startedAt) / 1000
    const byPid = new Map<number, string>()
    for (const [g, pids] of Object.entries(groups)) for (const p of pids) byPid.set(p, g)
    const used: Record<string, number> = {}
    for (const [pid, p] of end) {
      const before = this.start.get(pid)
      const ticks = p.ticks - (before?.born === p.born ? before.ticks : 0)
      if (ticks <= 0) continue
      const group = byPid.get(pid) ?? (p.comm === 'postgres' ? 'postgres' : p.comm.startsWith('redis-server') ? 'redis' : 'other')
      used[group] = (used[group] ?? 0) + ticks / TICKS / seconds
      if (group === 'other') used[`other:${p.comm}`] = (used[`other:${p.comm}`] ?? 0) + ticks / TICKS / seconds
    }
    return used
  }
}

export function formatCpu(used: Record<string, number>): string {
  const order = ['api', 'workers', 'plain loop', 'postgres', 'redis', 'sink', 'load generator', 'other']
  const total = order.reduce((a, g) => a + (used[g] ?? 0), 0)
  const others = Object.entries(used)
    .filter(([k, v]) => k.startsWith('other:') && v >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([k, v]) => `${k.slice(6)} ${v.toFixed(2)}`)
  const parts = order.filter((g) => used[g]).map((g) => `${g} ${used[g]!.toFixed(2)}${g === 'other' && others.length ? ` (${others.join(', ')})` : ''}`)
  return `${parts.join(', ')}; total ${total.toFixed(2)} of ${cpus().length} cores`
}
