import { spawn } from 'node:child_process'
import { once } from 'node:events'
import t from 'tap'
import { type StackProcess, stopAll } from '../src/processes.js'

// A child that closes as a service does under close-with-grace: the first SIGINT or SIGTERM
// starts a graceful close (here 300 ms), a second signal meanwhile exits at once with code 1.
const SERVICE_LIKE = `
let closing = false
const onSignal = () => {
  if (closing) process.exit(1)
  closing = true
  setTimeout(() => process.exit(0), 300)
}
process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)
process.stdout.write('ready\\n')
setInterval(() => {}, 1000)
`

/** Two service-like children, each ready to take signals. */
async function startChildren(): Promise<StackProcess[]> {
  const processes = ['a', 'b'].map((name) => ({
    name,
    child: spawn(process.execPath, ['-e', SERVICE_LIKE], { stdio: ['ignore', 'pipe', 'inherit'] }),
  }))
  await Promise.all(processes.map((p) => once(p.child.stdout!, 'data')))
  return processes
}

const exitCodes = (processes: StackProcess[]) => processes.map((p) => p.child.exitCode)

t.test('after a Ctrl-C, the stack lets each process finish its own graceful close', async (t) => {
  const processes = await startChildren()
  for (const p of processes) p.child.kill('SIGINT') // what the terminal sends to the whole group
  await stopAll(processes, { selfExitMs: 5_000 })
  t.same(exitCodes(processes), [0, 0], 'every process closed gracefully (exit code 0)')
})

t.test('without waiting, the SIGTERM cuts a close in progress short', async (t) => {
  const processes = await startChildren()
  for (const p of processes) p.child.kill('SIGINT')
  await stopAll(processes)
  t.same(exitCodes(processes), [1, 1], 'the SIGTERM came as a second signal')
})

t.test('a process that does not exit on its own still gets its SIGTERM', async (t) => {
  const processes = await startChildren()
  // no Ctrl-C reached them: they wait out selfExitMs, then close on the SIGTERM
  await stopAll(processes, { selfExitMs: 200 })
  t.same(exitCodes(processes), [0, 0])
})
