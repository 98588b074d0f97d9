import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port.js'

const NATS_SERVER = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server'

/**
 * A private nats-server (JetStream on) on a free loopback port, so a test can stop and restart
 * NATS without disturbing the machine's shared server. `stop` takes the signal: SIGKILL (default)
 * is a crash, SIGTERM a clean stop that flushes JetStream's files. Binary: `NATS_SERVER_BIN` or
 * `/usr/sbin/nats-server`.
 */
export async function startPrivateNats(): Promise<{
  url: string
  stop(signal?: NodeJS.Signals): Promise<void>
  start(): Promise<void>
  cleanup(): Promise<void>
}> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'sb-nats-'))
  let proc: ChildProcess | undefined
  const start = async () => {
    proc = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' })
    for (let i = 0; i < 100; i++) {
      const ok = await new Promise<boolean>((resolve) => {
        const s = createServer()
        s.once('error', () => resolve(true)) // port taken = server up
        s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)))
      })
      if (ok) return
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error('nats-server did not start')
  }
  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const p = proc
    if (!p || p.exitCode !== null) return
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve())
      p.kill(signal)
    })
  }
  await start()
  return {
    url: `nats://127.0.0.1:${port}`,
    start,
    stop,
    cleanup: async () => {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
