import { deferred } from '@social-bridge/service-kit/testing'
import { eq } from 'drizzle-orm'
import t from 'tap'
import { posts } from '../../src/db/schema.js'
import { createJobQueue } from '../../src/workers/job-queue.js'
import { startPublishWorker } from '../../src/workers/publish-worker.js'
import { buildStack, MIB, postClip, waitForPost, workerDeps } from '../helper.js'

t.test(
  'a run whose lease lapsed and was re-claimed by the same replica is fenced off, not run beside the new one',
  async (t) => {
    const stack = await buildStack(t, { worker: false, config: { CHUNK_SIZE_BYTES: 5 * MIB } })
    const { app } = stack
    const { res } = await postClip(stack, {}, 'clip-40s-vertical.mp4') // 4 chunks
    const postId = res.json().id as string

    const real = createJobQueue({ db: app.db })
    let released = false
    const lateWrite = deferred<boolean>()
    const queue: typeof real = {
      ...real,
      async update(id, owner, patch) {
        const ok = await real.update(id, owner, patch)
        if (released) lateWrite.resolve(ok) // run 2 is held, so this is run 1's write
        return ok
      },
    }
    const firstRunHeld = deferred()
    const secondRunHeld = deferred()
    const secondRunReached = deferred()
    let hookCalls = 0
    // A long lease: no renewal runs during the test, so only the re-claim changes the lease.
    const config = { ...stack.config, WORKER_LEASE_MS: 60_000, WORKER_ENABLED: true }
    const worker = startPublishWorker(
      workerDeps(app, config, {
        queue,
        hooks: {
          async afterChunkRecorded(_postId, chunkIndex) {
            const call = hookCalls++
            if (call === 0) {
              // Run 1 stalls after chunk 0 past its lease; this same replica claims the job again.
              t.equal(chunkIndex, 0)
              await app.db
                .update(posts)
                .set({ leaseUntil: new Date(Date.now() - 1000) })
                .where(eq(posts.id, postId))
              worker.nudge()
              await firstRunHeld.promise
            } else if (call === 1) {
              t.equal(chunkIndex, 1, 'run 2 resumed at the recorded chunk')
              secondRunReached.resolve()
              await secondRunHeld.promise
            }
          },
        },
      }),
    )
    t.teardown(() => worker.stop())

    await secondRunReached.promise
    released = true
    firstRunHeld.resolve() // run 1 wakes up while run 2 holds the job
    t.equal(await lateWrite.promise, false, "run 1's next write is refused: the lease is run 2's now")
    const uploads = () => stack.sandbox.requestLog().filter((e) => e.endpoint === 'upload')
    t.notOk(
      uploads().some((e) => e.status === 201),
      'run 1 did not finish the upload beside run 2',
    )

    secondRunHeld.resolve()
    const p = await waitForPost(app, postId, (p) => p.status === 'failed' || p.status === 'published')
    t.equal(p.status, 'published', String(p.failReason))
    t.equal(stack.sandbox.requestLog().filter((e) => e.endpoint === 'video.init').length, 1, 'one init')
    t.equal(uploads().filter((e) => e.status === 201).length, 1, 'one upload completed')
  },
)
