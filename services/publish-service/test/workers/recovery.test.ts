import { readFile } from 'node:fs/promises'
import t from 'tap'
import {
  asUser,
  buildStack,
  createDirectPost,
  holdProcessing,
  MIB,
  media,
  postClip,
  waitForPost,
} from '../helper.js'

// One stack; its worker replica is started by the first test, after a setting changed.
const stack = await buildStack(t, { worker: false, config: { CHUNK_SIZE_BYTES: 5 * MIB } })
const final = (p: Record<string, unknown>) => p.status === 'failed' || p.status === 'published'
const log = (endpoint: string) => stack.sandbox.requestLog().filter((e) => e.endpoint === endpoint)
let expireUploadUrlAfterChunk0 = false
let replicaStarted = false
const startWorker = async () => {
  if (replicaStarted) return
  replicaStarted = true
  await stack.replica(
    { WORKER_ENABLED: true },
    {
      afterChunkRecorded(_postId, chunkIndex) {
        if (chunkIndex === 0 && expireUploadUrlAfterChunk0) {
          expireUploadUrlAfterChunk0 = false
          stack.sandbox.advanceClock(2 * 3600_000) // the upload URL (1 h) and the access token (2 h) expire
        }
      },
    },
  )
}

t.test('the worker re-checks creator_info before init and fails without calling init', async (t) => {
  const { res } = await postClip(stack)
  t.equal(res.statusCode, 202)
  stack.sandbox.updateSettings({ dailyPostCap: 0 }) // the creator reached the cap meanwhile
  await startWorker()
  const p = await waitForPost(stack.app, res.json().id, final)
  stack.sandbox.updateSettings({ dailyPostCap: 15 })
  t.equal(p.status, 'failed')
  t.equal(p.failReason, 'spam_risk_too_many_posts')
  t.match(p.failMessage, /daily posting limit/)
  t.equal(log('video.init').length, 0)
})

t.test('an upload URL that expires mid-upload starts over with a fresh init and publishes', async (t) => {
  stack.sandbox.clearRequestLog()
  expireUploadUrlAfterChunk0 = true
  const { res } = await postClip(stack, {}, 'clip-40s-vertical.mp4')
  await startWorker()
  const p = await waitForPost(stack.app, res.json().id, final)
  t.equal(p.status, 'published', String(p.failReason))
  t.same(
    log('video.init').map((e) => e.status),
    [200, 200],
    'two inits: the first upload URL expired',
  )
  t.same(
    log('upload').map((e) => e.status),
    [206, 403, 206, 206, 206, 201],
    'chunk 1 refused with 403, then all four chunks to the new URL',
  )
  t.ok(
    log('oauth.token').some((e) => e.grantType === 'refresh_token'),
    'the expired access token was refreshed through auth-service',
  )
  t.equal(stack.sandbox.getPublish(p.publishId as string)?.status, 'PUBLISH_COMPLETE')
})

t.test('a video TikTok cannot read fails with a sentence the CRM user understands', async (t) => {
  holdProcessing(stack, t)
  const { connectionId } = await stack.connect()
  const truncated = (await readFile(media('clip-15s-vertical.mp4'))).subarray(0, 2_000_000)
  const up = await stack.app.inject({
    method: 'POST',
    url: '/media',
    headers: { ...(await asUser()), 'content-type': 'video/mp4', 'content-length': String(truncated.length) },
    payload: truncated,
  })
  t.equal(up.statusCode, 201, 'the container still has its video track, so intake accepts it')
  const res = await createDirectPost(stack.app, connectionId, { mediaId: up.json().id })
  await startWorker()
  const p = await waitForPost(stack.app, res.json().id, final)
  t.equal(p.status, 'failed')
  t.equal(p.failReason, 'file_format_check_failed')
  t.match(p.failMessage, /could not read the video file/)
  const history = await stack.app.publish.posts.history(res.json().id)
  t.same(
    history.map((h) => h.toStatus),
    ['queued', 'uploading', 'processing', 'failed'],
  )
  t.equal(history.at(-1)?.failReason, 'file_format_check_failed')
})

t.test('a publish still processing at the deadline fails with status_timeout', async (t) => {
  // Its own stack: a deadline this short would also cut the other tests' uploads on a busy machine.
  const own = await buildStack(t, {
    config: { POLL_DEADLINE_MS: 1000 },
    sandboxSettings: { processingDelayMs: 3_600_000 },
  })
  const { res } = await postClip(own)
  const p = await waitForPost(own.app, res.json().id, final)
  t.equal(p.status, 'failed')
  t.equal(p.failReason, 'status_timeout')
  t.ok((await own.app.publish.posts.getById(res.json().id))?.nextRunAt === null, 'no more polling')
})
