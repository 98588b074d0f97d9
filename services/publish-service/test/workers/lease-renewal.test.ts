import t from 'tap'
import { createJobQueue } from '../../src/workers/job-queue.js'
import { runJob } from '../../src/workers/run-job.js'
import { buildStack, MIB, postClip, workerDeps } from '../helper.js'

t.test(
  'a lease renewal that fails stops the job before its next chunk and writes nothing more',
  async (t) => {
    const stack = await buildStack(t, { worker: false, config: { CHUNK_SIZE_BYTES: 5 * MIB } })
    const { res } = await postClip(stack, {}, 'clip-40s-vertical.mp4')
    const { app } = stack
    const real = createJobQueue({ db: app.db })
    // PostgreSQL cannot be made to fail only this one statement, so renew is the one stand-in.
    let dbDown = false
    let renewalFailed!: () => void
    const failed = new Promise<void>((resolve) => {
      renewalFailed = resolve
    })
    const queue: typeof real = {
      ...real,
      async renew(postId, owner, leaseMs) {
        if (!dbDown) return real.renew(postId, owner, leaseMs)
        renewalFailed()
        throw new Error('connection to PostgreSQL lost')
      },
    }
    const leaseMs = 600 // renewed every 200 ms
    const config = { ...stack.config, WORKER_LEASE_MS: leaseMs }
    const owner = 'replica-under-test'
    const [claimed] = await queue.claim(owner, leaseMs, 1)
    t.equal(claimed?.id, res.json().id)
    await runJob(
      workerDeps(app, config, {
        queue,
        hooks: {
          async afterChunkRecorded(_postId, chunkIndex) {
            if (chunkIndex !== 0) return
            dbDown = true
            await failed // the heartbeat's next renewal fails while chunk 1 is due
          },
        },
      }),
      claimed!,
      owner,
      new AbortController().signal,
    )
    const uploads = stack.sandbox.requestLog().filter((e) => e.endpoint === 'upload')
    t.equal(uploads.length, 1, 'no chunk was sent after the renewal failed')
    const row = await app.publish.posts.getById(res.json().id)
    t.equal(row?.nextChunk, 1, 'the acknowledged chunk stays recorded: the next holder resumes there')
    t.equal(row?.status, 'uploading')
    t.equal(row?.phase, 'upload')
    t.equal(row?.leaseOwner, owner, 'the job was not rescheduled or released by the stopped worker')
  },
)
