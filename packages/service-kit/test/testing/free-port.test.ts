import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { FREE_PORT_RANGE, freePort, RESERVATIONS_DIR } from '../../src/testing/free-port.js'

const holder = fileURLToPath(new URL('../fixtures/hold-ports.ts', import.meta.url))

/** A process holding `count` ports drawn from `from`–`to`: its ports, and the process. */
async function holdPorts(count: number, range: { from: number; to: number }) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', holder, String(count), String(range.from), String(range.to)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  )
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string]
  return { child, ports: JSON.parse(line) as number[] }
}

async function stop(child: ChildProcess, signal?: NodeJS.Signals) {
  const exited = once(child, 'exit')
  if (signal) child.kill(signal)
  else child.stdin!.end()
  await exited
}

const reservation = (port: number) => join(RESERVATIONS_DIR, String(port))

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer()
    srv.once('error', () => resolve(false))
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)))
  })
}

/**
 * A range of `size` ports below the default one, so other tests' stacks never draw from it,
 * every one free now (the machine's PostgreSQL, Redis and others listen in 5000–15000).
 */
async function privateRange(size: number) {
  for (;;) {
    const from = 5_000 + Math.floor(Math.random() * (FREE_PORT_RANGE.from - 5_000 - size))
    const ports = Array.from({ length: size }, (_, i) => from + i)
    if ((await Promise.all(ports.map(canBind))).every(Boolean)) return { from, to: from + size }
  }
}

t.test('one process is never handed the same port twice', async (t) => {
  // 600 random draws from 17,000 ports repeat one with a probability above 99.9 %
  const ports = new Set<number>()
  for (let i = 0; i < 600; i++) ports.add(await freePort())
  t.equal(ports.size, 600)
})

t.test('a port another running process holds is not handed out', async (t) => {
  const range = await privateRange(4)
  const other = await holdPorts(2, range)
  t.teardown(() => stop(other.child))
  const mine = [await freePort(range), await freePort(range)]
  t.same(
    [...other.ports, ...mine].sort((a, b) => a - b),
    [range.from, range.from + 1, range.from + 2, range.from + 3],
  )
  await t.rejects(freePort(range), 'every port of the range is held')
})

t.test('a port held by a process killed before it could release it is taken over', async (t) => {
  const range = await privateRange(1)
  const killed = await holdPorts(1, range)
  t.same(killed.ports, [range.from])
  await stop(killed.child, 'SIGKILL')
  t.ok(existsSync(reservation(range.from)), 'its reservation is left behind')
  t.equal(await freePort(range), range.from)
})

t.test('a process that exits removes its reservations', async (t) => {
  const range = await privateRange(2)
  const held = await holdPorts(2, range)
  t.ok(
    held.ports.every((port) => existsSync(reservation(port))),
    'reserved while it runs',
  )
  await stop(held.child)
  t.notOk(
    held.ports.some((port) => existsSync(reservation(port))),
    'removed when it exits',
  )
})
