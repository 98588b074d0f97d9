import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const here = path.dirname(fileURLToPath(import.meta.url))

t.test(
  'a range reader read twice at once uses one consumer, and once closed lets its process exit',
  async (t) => {
    const bucket = `range_reader_${randomBytes(4).toString('hex')}`
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, '../../fixtures/range-reader-child.ts')],
      {
        env: { ...process.env, RANGE_READER_BUCKET: bucket },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    // A consumer left pulling would keep the child alive: give it 15 s to exit on its own.
    const guard = setTimeout(() => child.kill('SIGKILL'), 15_000)
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child.once('exit', (c, s) => resolve([c, s])),
    )
    clearTimeout(guard)
    const result = JSON.parse(out.match(/^RESULT (.*)$/m)?.[1] ?? 'null')
    t.same(result?.reads, [10, 10], 'both reads got their bytes')
    t.equal(result?.consumersWhileOpen, 1, 'the two reads shared one consumer')
    t.equal(result?.readAfterClose, 'range reader closed', 'a read closed before it started fails clearly')
    t.same([code, signal], [0, null], 'the process ended by itself once the reader and NATS were closed')
  },
)
