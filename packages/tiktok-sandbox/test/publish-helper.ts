import { stat } from 'node:fs/promises'
import type { Sandbox } from '../src/index.js'
import { api, waitFor } from './helper.js'
import { uploadFile } from './upload-helper.js'

/** `post_info` of a public Direct Post with both brand toggles (REFERENCE 3.2). */
export const publicPost = {
  privacy_level: 'PUBLIC_TO_EVERYONE',
  brand_content_toggle: false,
  brand_organic_toggle: false,
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
  const init = await api(sandbox, 'POST', '/v2/post/publish/video/init/', token, {
    post_info: { ...publicPost, title: 'hello #sandbox' },
    source_info: {
      source: 'FILE_UPLOAD',
      video_size: size,
      chunk_size: chunk,
      total_chunk_count: Math.floor(size / chunk),
    },
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
