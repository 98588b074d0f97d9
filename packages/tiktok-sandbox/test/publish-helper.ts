import { stat } from 'node:fs/promises'
import type { Sandbox } from '../src/index.js'
import { api, waitFor } from './helper.js'
import { uploadFile } from './upload-helper.js'

/** `post_info` of a public Direct Post with both brand toggles (docs/tiktok-api.md §3.2). */
export const publicPost = {
  privacy_level: 'PUBLIC_TO_EVERYONE',
  brand_content_toggle: false,
  brand_organic_toggle: false,
}

/** `source_info` of a FILE_UPLOAD init (docs/tiktok-api.md §3.2, 3.4): sizes in bytes. */
export const fileSource = (video_size: number, chunk_size: number, total_chunk_count: number) => ({
  source: 'FILE_UPLOAD',
  video_size,
  chunk_size,
  total_chunk_count,
})

/** `POST /v2/post/publish/video/init/` (docs/tiktok-api.md §3.2) with `source_info`; `post_info` defaults to {@link publicPost}. */
export function directInit(
  sandbox: Sandbox,
  token: string,
  source_info: object,
  post_info: unknown = publicPost,
) {
  return api(sandbox, 'POST', '/v2/post/publish/video/init/', token, { post_info, source_info })
}

/** `POST /v2/post/publish/inbox/video/init/` (docs/tiktok-api.md §3.3) with `source_info` only. */
export function inboxInit(sandbox: Sandbox, token: string, source_info: object) {
  return api(sandbox, 'POST', '/v2/post/publish/inbox/video/init/', token, { source_info })
}

/**
 * Direct Post init for `file` (FILE_UPLOAD, floor rule) and its upload in `chunkSize` pieces
 * (default: one chunk), with `contentType` on every PUT. Returns the publish id, PUT statuses
 * and the size in bytes.
 */
export async function directPost(
  sandbox: Sandbox,
  token: string,
  file: string,
  opts: { chunkSize?: number; contentType?: string } = {},
) {
  const size = (await stat(file)).size
  const chunk = opts.chunkSize ?? size
  const init = await directInit(sandbox, token, fileSource(size, chunk, Math.floor(size / chunk)), {
    ...publicPost,
    title: 'hello #sandbox',
  })
  if (init.status !== 200) throw new Error(init.text)
  const statuses = await uploadFile(init.json.data.upload_url, file, size, chunk, opts.contentType)
  return { publishId: init.json.data.publish_id as string, statuses, size }
}

/** `/v2/post/publish/status/fetch/` for one publish. */
export function statusOf(sandbox: Sandbox, token: string, publishId: string) {
  return api(sandbox, 'POST', '/v2/post/publish/status/fetch/', token, { publish_id: publishId })
}

/** Polls the status endpoint until the publish reaches one of `wanted`. */
export async function finalStatus(sandbox: Sandbox, token: string, publishId: string, wanted: string[]) {
  return waitFor(async () => {
    const res = await statusOf(sandbox, token, publishId)
    return wanted.includes(res.json.data.status) ? res : undefined
  })
}
