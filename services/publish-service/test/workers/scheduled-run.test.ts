import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { Subjects } from '@social-bridge/contracts'
import { readEvents, type Teardownable } from '@social-bridge/service-kit/testing'
import t from 'tap'
import { buildStack, media, type Stack, uploadMedia, waitForPost } from '../helper.js'
import { inMs, schedulePost } from '../schedule-steps.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.resolve(here, '../../../..')
const ended = (p: Record<string, unknown>) => p.status === 'failed' || p.status === 'published'

/** A worker replica in a child process; the first of them to reach an init prints `INIT` and hangs. */
function childReplica(t: Teardownable, stack: Stack, marker: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, '../fixtures/worker-child.ts')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PUBLISH_CHILD_CONFIG: JSON.stringify({ ...stack.config, WORKER_ENABLED: true }),
      STOP_BEFORE_INIT_MARKER: marker,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  const lines = createInterface({ input: child.stdout! })
  const ready = new Promise<void>((resolve) => lines.on('line', (l) => l === 'READY' && resolve()))
  const atInit = new Promise<string>((resolve) => lines.on('line', (l) => l.startsWith('INIT') && resolve(l)))
  return { child, ready, atInit }
}

// One stack for the file; the app here serves HTTP only, workers are started per test.
t.test('scheduled posts at run time', async (t) => {
  const stack = await buildStack(t, { worker: false, config: { WORKER_LEASE_MS: 1500 } })
  const upload = async () =>
    (await uploadMedia(stack.app, media('clip-8s-vertical.webm'), 'video/webm')).json().id as string

  t.test(
    'two replicas race for a scheduled post and the one that claims it dies at that moment: published once',
    async (t) => {
      const { connectionId } = await stack.connect()
      const marker = path.join(mkdtempSync(path.join(tmpdir(), 'sched-')), 'init')
      const a = childReplica(t, stack, marker)
      const b = childReplica(t, stack, marker)
      await Promise.all([a.ready, b.ready])
      const res = await schedulePost(stack.app, connectionId, { mediaId: await upload() }, inMs(1500))
      t.equal(res.json().status, 'scheduled')
      const line = await Promise.race([a.atInit, b.atInit])
      t.equal(line, `INIT ${res.json().id}`, 'one replica started it and stopped right before the init')
      const dying = (await Promise.race([a.atInit.then(() => a), b.atInit.then(() => b)])).child
      dying.kill('SIGKILL')

      const post = await waitForPost(stack.app, res.json().id, ended, 30_000)
      t.equal(post.status, 'published', String(post.failReason))
      const inits = stack.sandbox.requestLog().filter((e) => e.endpoint === 'video.init')
      t.equal(inits.length, 1, 'TikTok was asked once')
      const history = await stack.app.publish.posts.history(res.json().id)
      t.equal(
        history.filter((h) => h.fromStatus === 'scheduled' && h.toStatus === 'queued').length,
        1,
        'started once',
      )
      const published = await readEvents(stack.namespace, Subjects.postPublished)
      t.equal(published.filter((e) => (e.data as { postId: string }).postId === res.json().id).length, 1)
    },
  )

  t.test(
    'a scheduled inbox draft over the 5-drafts cap waits with waitingFor, still scheduled',
    async (t) => {
      const worker = await stack.replica({ WORKER_ENABLED: true })
      const { connectionId } = await stack.connect()
      for (let i = 0; i < 5; i++) await stack.app.publish.quota.reserve(connectionId, 'inbox_share')
      const res = await schedulePost(stack.app, connectionId, { mediaId: await upload() }, inMs(500), {
        mode: 'inbox',
      })
      t.equal(res.statusCode, 202, 'scheduling is not refused for today’s drafts')
      t.equal(
        res.json().capacity.checks.find((c: { limit: string }) => c.limit === 'inbox_drafts_per_24h').fits,
        true,
      )
      const post = await waitForPost(worker, res.json().id, (p) => p.waitingFor !== null)
      t.equal(post.status, 'scheduled')
      t.equal(post.waitingFor.reason, 'inbox_draft_cap')
      t.ok(Date.parse(post.waitingFor.retryAt) > Date.now() + 3600_000, 'it tries again when a draft frees')
      t.equal(stack.sandbox.requestLog().filter((e) => e.endpoint === 'inbox.init').length, 0)
    },
  )

  t.test(
    'creator_info is checked again at the start: a level no longer offered fails with an event',
    async (t) => {
      const worker = await stack.replica({ WORKER_ENABLED: true })
      const { connectionId, openId } = await stack.connect()
      const res = await schedulePost(stack.app, connectionId, { mediaId: await upload() }, inMs(800), {
        privacyLevel: 'PUBLIC_TO_EVERYONE',
      })
      t.equal(res.statusCode, 202)
      const user = stack.sandbox.listUsers().find((u) => u.openId === openId)
      if (user) user.private = true // the account went private after scheduling
      const post = await waitForPost(worker, res.json().id, ended)
      t.equal(post.status, 'failed')
      t.equal(post.failReason, 'PRIVACY_LEVEL_NOT_ALLOWED')
      t.match(post.failMessage, /privacy level is not available/)
      t.equal(
        stack.sandbox.requestLog().filter((e) => e.endpoint === 'video.init' && e.openId === openId).length,
        0,
      )
      const failed = await readEvents(stack.namespace, Subjects.postFailed)
      t.ok(
        failed.some((e) => (e.data as { postId: string }).postId === res.json().id),
        'social.post.failed',
      )
    },
  )
})
