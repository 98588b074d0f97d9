import { readdirSync, readFileSync } from 'node:fs'

/** Kernel clock ticks per second of /proc figures (USER_HZ, 100 on Linux). */
const TICKS_PER_SEC = 100

/**
 * CPU time (user + system) a process has used so far, in µs, from `/proc/<pid>/stat`
 * (10 ms resolution): measured from outside, so it works for any child of a benchmark.
 */
export function processCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // the command name may hold spaces: fields are counted after its closing parenthesis
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  return ((utime + stime) * 1e6) / TICKS_PER_SEC
}

/**
 * The pid of this machine's nats-server (the first process whose `/proc/<pid>/comm` is
 * `nats-server`), so a benchmark can print the broker's CPU beside its own; undefined when none
 * runs here (NATS elsewhere).
 */
export function natsServerPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'nats-server') return Number(entry)
    } catch {
      // gone meanwhile
    }
  }
  return undefined
}
