import { spawn } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { buildStack, clip40Ranges, MIB, postClip, waitForPost } from '../helper.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.resolve(here, '../../../..')

t.test(
  'a worker killed after chunk k of n: a new worker sends k+1..n, no range twice, one init',
  async (t) => {
    // The first replica only serves HTTP; the worker runs in a child process.
    const config = { CHUNK_SIZE_BYTES: 5 * MIB, WORKER_LEASE_MS: 1500 }
    const stack = await buildStack(t, { worker: false, config })
    const { res } = await postClip(stack, { privacyLevel: 'PUBLIC_TO_EVERYONE' }, 'clip-40s-vertical.mp4')
    t.equal(res.statusCode, 202)

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, '../fixtures/worker-child.ts')],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          PUBLISH_CHILD_CONFIG: JSON.stringify({ ...stack.config, WORKER_ENABLED: true }),
          STOP_AFTER_CHUNK: '1',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    t.teardown(() => {
      if (child.exitCode === null) child.kill('SIGKILL')
    })
    const stopped = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line.startsWith('CHUNK')) resolve(line)
      })
      child.once('exit', (code) => reject(new Error(`child exited early (${code})`)))
    })
    t.equal(stopped, 'CHUNK 1 4', 'the child recorded chunk 2 of 4')
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))

    const before = await stack.app.publish.posts.getById(res.json().id)
    t.equal(before?.nextChunk, 2, 'two chunks recorded as acknowledged')
    t.equal(before?.status, 'uploading')

    await stack.replica({ WORKER_ENABLED: true })
    const post = await waitForPost(
      stack.app,
      res.json().id,
      (p) => p.status === 'failed' || (p.status === 'published' && (p.tiktokPostIds as string[]).length > 0),
    )
    t.equal(post.status, 'published')
    const log = stack.sandbox.requestLog()
    const ranges = log.filter((e) => e.endpoint === 'upload').map((e) => e.contentRange)
    t.same(ranges, await clip40Ranges())
    t.equal(new Set(ranges).size, ranges.length, 'no byte range sent twice')
    t.equal(log.filter((e) => e.endpoint === 'video.init').length, 1, 'one init')
    t.equal(log.filter((e) => e.endpoint === 'upload' && e.status >= 400).length, 0, 'no upload refused')
  },
)
