import { spawn } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { Teardownable } from '@social-bridge/service-kit/testing'
import t from 'tap'
import { createUploadUrlVault } from '../../src/domain/upload-url-vault.js'
import { buildStack, clip40Ranges, MIB, postClip, type Stack, waitForPost } from '../helper.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.resolve(here, '../../../..')

/**
 * Runs the worker in a child process until chunk `stopAfterChunk` (0-based) is acknowledged and
 * recorded, then SIGKILLs it (chunk k+1 not sent). @returns the child's `CHUNK k n` line.
 */
async function workUntilChunkThenKill(t: Teardownable, stack: Stack, stopAfterChunk: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, '../fixtures/worker-child.ts')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PUBLISH_CHILD_CONFIG: JSON.stringify({ ...stack.config, WORKER_ENABLED: true }),
      STOP_AFTER_CHUNK: String(stopAfterChunk),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  const stopped = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('CHUNK')) resolve(line)
    })
    child.once('exit', (code) => reject(new Error(`child exited early (${code})`)))
  })
  child.kill('SIGKILL')
  await new Promise((r) => child.once('exit', r))
  return stopped
}

/** Every `upload_token` the sandbox's upload host was sent (seen on its HTTP server, not stubbed). */
function watchUploadTokens(stack: Stack): Set<string> {
  const tokens = new Set<string>()
  stack.sandbox.app.server.on('request', (req: { url?: string }) => {
    const token = new URL(req.url ?? '/', 'http://sandbox').searchParams.get('upload_token')
    if (token) tokens.add(token)
  })
  return tokens
}

/** Every row of every table of the `publish` schema as text: what a database dump would hold. */
async function publishSchemaText(stack: Stack): Promise<string> {
  const sql = stack.app.sql
  const tables = await sql<{ name: string }[]>`
    select table_name as name from information_schema.tables where table_schema = 'publish'`
  const parts: string[] = []
  for (const { name } of tables) {
    const rows = await sql<{ row: string }[]>`select t::text as row from ${sql(`publish.${name}`)} t`
    parts.push(...rows.map((r) => r.row))
  }
  return parts.join('\n')
}

const final = (p: Record<string, unknown>) =>
  p.status === 'failed' || (p.status === 'published' && (p.tiktokPostIds as string[]).length > 0)

t.test(
  'a worker killed after chunk k of n: a new worker sends k+1..n, no range twice, one init',
  async (t) => {
    // The first replica only serves HTTP; the worker runs in a child process.
    const config = { CHUNK_SIZE_BYTES: 5 * MIB, WORKER_LEASE_MS: 1500 }
    const stack = await buildStack(t, { worker: false, config })
    const tokens = watchUploadTokens(stack)
    const { res } = await postClip(stack, { privacyLevel: 'PUBLIC_TO_EVERYONE' }, 'clip-40s-vertical.mp4')
    t.equal(res.statusCode, 202)

    t.equal(await workUntilChunkThenKill(t, stack, 1), 'CHUNK 1 4', 'the child recorded chunk 2 of 4')
    const before = await stack.app.publish.posts.getById(res.json().id)
    t.equal(before?.nextChunk, 2, 'two chunks recorded as acknowledged')
    t.equal(before?.status, 'uploading')
    // The upload_url (and its upload_token, a credential for an hour) is stored sealed only.
    t.equal(tokens.size, 1, 'the sandbox issued one upload_token, used for both chunks')
    const dump = await publishSchemaText(stack)
    t.ok(before?.uploadUrlSealed, 'the URL is kept (sealed) while chunks remain')
    for (const token of tokens) t.notOk(dump.includes(token), 'no upload_token in clear in the database')
    t.notMatch(dump, /upload_token|upload_id=/, 'nor the URL around it')

    await stack.replica({ WORKER_ENABLED: true })
    const post = await waitForPost(stack.app, res.json().id, final)
    t.equal(post.status, 'published', `failReason ${post.failReason} ${post.failMessage ?? ''}`)
    const log = stack.sandbox.requestLog()
    const ranges = log.filter((e) => e.endpoint === 'upload').map((e) => e.contentRange)
    t.same(ranges, await clip40Ranges())
    t.equal(new Set(ranges).size, ranges.length, 'no byte range sent twice')
    t.equal(log.filter((e) => e.endpoint === 'video.init').length, 1, 'one init')
    t.equal(log.filter((e) => e.endpoint === 'upload' && e.status >= 400).length, 0, 'no upload refused')
    const after = await stack.app.publish.posts.getById(res.json().id)
    t.equal(after?.uploadUrlSealed, null, 'the URL is dropped once every chunk was acknowledged')
    t.equal(after?.uploadUrlExpiresAt, null)
  },
)

t.test(
  'a stored upload URL that cannot be opened (another INTERNAL_JWT_SECRET) starts over with a fresh init',
  async (t) => {
    const config = { CHUNK_SIZE_BYTES: 5 * MIB, WORKER_LEASE_MS: 1500 }
    const stack = await buildStack(t, { worker: false, config })
    const { res } = await postClip(stack, {}, 'clip-40s-vertical.mp4')
    const id = res.json().id as string
    t.equal(await workUntilChunkThenKill(t, stack, 0), 'CHUNK 0 4')
    const before = await stack.app.publish.posts.getById(id)
    // As if sealed by a replica whose secret was rotated away since.
    const other = createUploadUrlVault('another-internal-secret-of-32-bytes-or-more')
    const foreign = await other.seal('https://example.test/upload', {
      postId: id,
      publishId: before!.publishId!,
    })
    await stack.app.sql`update publish.posts set upload_url_sealed = ${foreign} where id = ${id}`

    await stack.replica({ WORKER_ENABLED: true })
    const post = await waitForPost(stack.app, id, final)
    t.equal(post.status, 'published', String(post.failReason))
    const log = stack.sandbox.requestLog()
    t.equal(log.filter((e) => e.endpoint === 'video.init').length, 2, 'a second init')
    t.same(
      log.filter((e) => e.endpoint === 'upload').map((e) => e.status),
      [206, 206, 206, 206, 201],
      'chunk 0 to the first URL, then all four to the new one',
    )
    const notes = (await stack.app.publish.posts.history(id)).filter((h) => h.reason)
    t.same(
      notes.map((h) => h.reason),
      ['upload_url_unreadable'],
      'the restart is in the history',
    )
  },
)
