import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Ports {@link freePort} draws from (`to` excluded): below Linux's ephemeral range (32768–60999 by default). */
export const FREE_PORT_RANGE = { from: 15_000, to: 32_000 }

/**
 * Where a port handed out is recorded, one file per port holding the owner's pid, so that test
 * processes running side by side (tap runs one per file) never hand out the same port.
 */
export const RESERVATIONS_DIR = join(tmpdir(), 'social-bridge-ports')

/** Ports this process holds; their files are removed when it exits. */
const held = new Set<number>()

function releaseAll(): void {
  for (const port of held) {
    try {
      unlinkSync(join(RESERVATIONS_DIR, String(port)))
    } catch {
      // already gone
    }
  }
  held.clear()
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Records `port` as this process's; false when another living process holds it. */
function reserve(port: number): boolean {
  if (held.has(port)) return false
  mkdirSync(RESERVATIONS_DIR, { recursive: true })
  const file = join(RESERVATIONS_DIR, String(port))
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' })
      if (held.size === 0) process.once('exit', releaseAll)
      held.add(port)
      return true
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    // left by a process that died without its exit handler (SIGKILL): taken over once
    let owner = 0
    try {
      owner = Number(readFileSync(file, 'utf8'))
    } catch {
      // released meanwhile: the retry takes it
    }
    if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) return false
    try {
      unlinkSync(file)
    } catch {
      // another process took it over first; the retry sees its file
    }
  }
  return false
}

/**
 * A TCP port on 127.0.0.1, drawn at random from 15000–32000, that no other port this function
 * handed out on this machine holds (in this process or any other still running) and that was
 * free when checked by binding it. The port stays this process's until it exits, so a stack's
 * services never share one, and a service whose port another took cannot be mistaken for ready
 * because that other service answers there (a CI failure fits this: the gateway's port answered
 * by an internal service, 401 to every call, the gateway's log empty).
 * Not port 0: the kernel would hand out a port of its ephemeral range, which every outgoing
 * connection (to PostgreSQL, NATS, a service) also takes its local port from, so between this
 * check and the caller's listen — or while a killed service is restarted on the same port — an
 * outgoing socket could take it (EADDRINUSE, seen with four stacks at once).
 * `range` (`to` excluded) is for tests of this function.
 * @throws the last bind error after 50 ports held or in use.
 */
export async function freePort(range: { from: number; to: number } = FREE_PORT_RANGE): Promise<number> {
  let lastError: unknown = new Error('no free port: the 50 drawn were all held')
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = range.from + Math.floor(Math.random() * (range.to - range.from))
    if (!reserve(port)) continue
    try {
      await new Promise<void>((resolve, reject) => {
        const srv = createServer()
        srv.once('error', reject)
        srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()))
      })
      return port
    } catch (err) {
      lastError = err
    }
  }
  throw lastError
}
