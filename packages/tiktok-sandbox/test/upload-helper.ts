import { createReadStream } from 'node:fs'
import { request } from 'undici'

/** PUTs one chunk to an upload_url (docs/tiktok-api.md §3.5); returns status and the Content-Range response header. */
export async function putChunk(
  uploadUrl: string,
  body: Buffer | (() => NodeJS.ReadableStream),
  range: { first: number; last: number; total: number },
  headers: Record<string, string> = {},
) {
  const res = await request(uploadUrl, {
    method: 'PUT',
    headers: {
      'content-type': 'video/mp4',
      'content-length': String(range.last - range.first + 1),
      'content-range': `bytes ${range.first}-${range.last}/${range.total}`,
      ...headers,
    },
    body: Buffer.isBuffer(body) ? body : (body() as never),
  })
  const text = await res.body.text()
  return { status: res.statusCode, contentRange: res.headers['content-range'] as string | undefined, text }
}

/** Uploads a file in `chunkSize` pieces under the floor rule; returns the statuses. */
export async function uploadFile(
  uploadUrl: string,
  file: string,
  size: number,
  chunkSize: number,
  contentType = 'video/mp4',
): Promise<number[]> {
  const total = Math.floor(size / chunkSize)
  const statuses: number[] = []
  for (let i = 0; i < total; i++) {
    const first = i * chunkSize
    const last = i === total - 1 ? size - 1 : first + chunkSize - 1
    const res = await putChunk(
      uploadUrl,
      () => createReadStream(file, { start: first, end: last }),
      { first, last, total: size },
      { 'content-type': contentType },
    )
    statuses.push(res.status)
  }
  return statuses
}
