/**
 * The usual steps of a publish test through publish-service's API, as the CRM makes them: upload
 * a sample video, create a post, read and follow it; and a local origin for PULL_FROM_URL.
 */
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { type SampleClipName, sampleMediaDir, type Teardownable } from '@social-bridge/service-kit/testing'
import type { FastifyInstance } from 'fastify'
import { asUser, MIB, type Stack, VERIFIED_PREFIX } from './helper.js'

/** The sample videos under their names, made by the testing kit on first use. */
export const MEDIA_DIR = await sampleMediaDir()
export const media = (name: SampleClipName) => path.join(MEDIA_DIR, name)

/**
 * The Content-Range of each 5 MiB chunk of clip-40s as TikTok expects them (docs/tiktok-api.md §3.5):
 * 4 chunks, the last one taking the rest of the file.
 */
export async function clip40Ranges(): Promise<string[]> {
  const size = (await stat(media('clip-40s-vertical.mp4'))).size
  const range = (first: number, last: number) => `bytes ${first}-${last}/${size}`
  return [
    range(0, 5 * MIB - 1),
    range(5 * MIB, 10 * MIB - 1),
    range(10 * MIB, 15 * MIB - 1),
    range(15 * MIB, size - 1),
  ]
}

/** POSTs a file to `/media` (streamed body with its Content-Length); returns the response. */
export async function uploadMedia(app: FastifyInstance, file: string, contentType = 'video/mp4') {
  const body = await readFile(file)
  const { size } = await stat(file)
  return app.inject({
    method: 'POST',
    url: '/media',
    headers: { ...(await asUser()), 'content-type': contentType, 'content-length': String(size) },
    payload: body,
  })
}

/** Creates a post; returns the response. */
export async function createPost(
  app: FastifyInstance,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method: 'POST',
    url: '/posts',
    headers: { ...(await asUser()), ...headers },
    payload: body,
  })
}

/**
 * The body of a direct post of `source` (a stored `{ mediaId }` or a `{ url }` to pull) on
 * `connectionId`: `{ connectionId, mode: 'direct', source, privacyLevel: 'SELF_ONLY' }` with
 * `overrides` merged over it (e.g. `{ mode: 'inbox' }`, another `privacyLevel`, interaction flags).
 */
export function directPost(
  connectionId: string,
  source: { mediaId: string } | { url: string },
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return { connectionId, mode: 'direct', source, privacyLevel: 'SELF_ONLY', ...overrides }
}

/** Creates a {@link directPost} of `source` on `connectionId`, `overrides` merged over it; returns the response. */
export function createDirectPost(
  app: FastifyInstance,
  connectionId: string,
  source: { mediaId: string } | { url: string },
  overrides: Record<string, unknown> = {},
) {
  return createPost(app, directPost(connectionId, source, overrides))
}

/** The sample video {@link postClip} uploads unless told otherwise. */
export const DEFAULT_CLIP: SampleClipName = 'clip-15s-vertical.mp4'

/**
 * The usual start of a publish test: links a new sandbox user (`stack.connect()`), uploads the
 * sample video `clip` (a name of the testing kit's SAMPLE_CLIPS) and creates a post of it: the
 * body is {@link directPost} of `{ mediaId }` with `overrides`. Nothing is asserted: the caller
 * checks `res` (and the upload, through the post) as its test requires.
 */
export async function postClip(
  stack: Stack,
  overrides: Record<string, unknown> = {},
  clip: SampleClipName = DEFAULT_CLIP,
) {
  const { connectionId } = await stack.connect()
  const mediaId = (await uploadMedia(stack.app, media(clip))).json().id as string
  const res = await createDirectPost(stack.app, connectionId, { mediaId }, overrides)
  return { connectionId, mediaId, res }
}

/**
 * Keeps every publish in TikTok's processing for `ms` (default 2000 ms) until `t` ends, so the
 * worker's own `uploading → processing` move is stored before TikTok's verdict webhook arrives even
 * on a loaded machine. With the stack's 20 ms, that webhook may take a post from `uploading`
 * straight to its final status (allowed: statuses may skip, never go back), and a test of the
 * full status history would depend on timing.
 */
export function holdProcessing(stack: Stack, t: Teardownable, ms = 2000) {
  const before = stack.sandbox.getSettings().processingDelayMs
  stack.sandbox.updateSettings({ processingDelayMs: ms })
  t.teardown(() => {
    stack.sandbox.updateSettings({ processingDelayMs: before })
  })
}

/**
 * The usual start of a PULL_FROM_URL test (docs/tiktok-api.md §3.6): serves the shared media folder on a
 * local origin the sandbox downloads `${VERIFIED_PREFIX}<clip>` from, links a new sandbox user
 * (`stack.connect(user)`) and creates a post of that URL: the body is {@link directPost} of
 * `{ url }` with `overrides`. Nothing is asserted.
 */
export async function pullClip(
  stack: Stack,
  t: Teardownable,
  overrides: Record<string, unknown> = {},
  clip: SampleClipName = DEFAULT_CLIP,
  user: Parameters<Stack['connect']>[0] = {},
) {
  stack.sandbox.updateSettings({ pullUrlRewrites: { [VERIFIED_PREFIX]: await serveMedia(t) } })
  const { connectionId } = await stack.connect(user)
  const res = await createDirectPost(stack.app, connectionId, { url: `${VERIFIED_PREFIX}${clip}` }, overrides)
  return { connectionId, res }
}

/** Reads a post as the CRM does. */
export async function getPost(app: FastifyInstance, id: string) {
  const res = await app.inject({ method: 'GET', url: `/posts/${id}`, headers: await asUser() })
  return res.json()
}

/** Polls the post until `done(post)` or `timeoutMs`; returns the last post seen. */
export async function waitForPost(
  app: FastifyInstance,
  id: string,
  done: (post: Record<string, unknown>) => boolean,
  timeoutMs = 20_000,
) {
  const end = Date.now() + timeoutMs
  let post = await getPost(app, id)
  while (!done(post) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50))
    post = await getPost(app, id)
  }
  return post
}

/** A local origin serving files of `dir` (default: the sample videos) for the sandbox to download. */
export async function serveMedia(t: Teardownable, dir = MEDIA_DIR): Promise<string> {
  const server = createServer(async (req, res) => {
    const file = path.join(dir, path.basename(req.url ?? ''))
    try {
      const { size } = await stat(file)
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': size })
      createReadStream(file).pipe(res)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((r) => server.close(r)))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}
