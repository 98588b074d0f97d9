import { createWriteStream } from 'node:fs'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import type { SandboxContext } from '../context.js'
import { chunkRange } from '../posting/chunks.js'
import { sendApiError } from '../reply.js'
import type { SandboxSettings } from '../settings.js'

const CONTENT_TYPES = ['video/mp4', 'video/quicktime', 'video/webm']
const RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/

/**
 * The progress `Content-Range` response header of docs/tiktok-api.md §3.5 (`bytes 0-{UPLOADED_BYTES}/{TOTAL}`)
 * in the reading `settings.uploadProgressRange` picks: `inclusive` → `bytes 0-{uploaded-1}/{total}`
 * (`bytes *\/{total}` before the first byte); `byte_count` → `bytes 0-{uploaded}/{total}`;
 * `none` → no header (undefined).
 */
export function progressRange(
  uploaded: number,
  total: number,
  reading: SandboxSettings['uploadProgressRange'] = 'inclusive',
): string | undefined {
  if (reading === 'none') return undefined
  if (reading === 'byte_count') return `bytes 0-${uploaded}/${total}`
  return uploaded > 0 ? `bytes 0-${uploaded - 1}/${total}` : `bytes */${total}`
}

/**
 * The upload host (docs/tiktok-api.md §3.5): `PUT /upload/video/?upload_id=…&upload_token=…` with
 * `Content-Range: bytes first-last/total` (inclusive) and `Content-Length`. Chunks must be
 * sequential and follow the init's floor layout. 206 for intermediate chunks, 201 for the last
 * (processing starts), 400 bad headers, 403 expired URL, 404 unknown upload, 416 gap/overlap
 * (with a progress `Content-Range` header, see `progressRange`). Bytes stream to a file; nothing
 * is buffered whole.
 */
export const uploadRoutes: FastifyPluginAsync<{ ctx: SandboxContext }> = async (app, { ctx }) => {
  app.removeAllContentTypeParsers()
  // Leave the body unread; the handler streams it to disk.
  app.addContentTypeParser('*', (_req, _payload, done) => done(null))

  app.put<{ Querystring: { upload_id?: string; upload_token?: string } }>(
    '/upload/video/',
    { config: { endpoint: 'upload' } },
    async (request, reply) => {
      const bad = (r: FastifyReply, status: number, code: string, message: string) =>
        sendApiError(r, ctx, status, code, message)
      const progress = (uploaded: number, total: number) => {
        const value = progressRange(uploaded, total, ctx.settings.uploadProgressRange)
        request.tt.progress = value
        if (value !== undefined) reply.header('content-range', value)
      }
      const header = request.headers['content-range']
      request.tt.contentRange = header
      request.tt.bytes = 0
      const session = request.query.upload_id ? ctx.uploads.get(request.query.upload_id) : undefined
      const p = session ? ctx.posts.publish(session.publishId) : undefined
      if (
        !session ||
        !p ||
        session.uploadToken !== request.query.upload_token ||
        p.status !== 'PROCESSING_UPLOAD'
      ) {
        return bad(reply, 404, 'not_found', 'No upload task for this URL.')
      }
      request.tt.openId = p.openId
      if (ctx.clock.now() >= session.expiresAt)
        return bad(reply, 403, 'upload_url_expired', 'The upload_url has expired.')
      const total = p.videoSize!
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
      if (!CONTENT_TYPES.includes(type)) {
        return bad(reply, 400, 'invalid_params', `Content-Type must be one of ${CONTENT_TYPES.join(', ')}.`)
      }
      const m = RANGE.exec(header ?? '')
      if (!m) return bad(reply, 400, 'invalid_params', 'Content-Range must be "bytes first-last/total".')
      const [first, last, declared] = [Number(m[1]), Number(m[2]), Number(m[3])]
      if (declared !== total || last < first || last >= total) {
        return bad(
          reply,
          400,
          'invalid_params',
          'Content-Range does not match the video_size of this upload.',
        )
      }
      const length = last - first + 1
      if (Number(request.headers['content-length']) !== length) {
        return bad(reply, 400, 'invalid_params', 'Content-Length does not match the Content-Range.')
      }
      if (session.busy || first !== p.uploadedBytes) {
        progress(p.uploadedBytes, total)
        return bad(reply, 416, 'invalid_params', 'Content-Range does not match the upload progress.')
      }
      const index = Math.floor(first / p.chunkSize!)
      const [, expectedLast] = chunkRange(total, p.chunkSize!, p.totalChunkCount!, index)
      if (last !== expectedLast) return bad(reply, 400, 'invalid_params', 'The chunk size is invalid')

      session.busy = true
      let received = 0
      try {
        const counter = new Transform({
          transform(chunk: Buffer, _enc, cb) {
            received += chunk.length
            cb(null, chunk)
          },
        })
        await pipeline(
          request.raw,
          counter,
          createWriteStream(p.filePath!, { flags: first === 0 ? 'w' : 'r+', start: first }),
        )
      } catch {
        request.tt.bytes = received
        return bad(reply, 400, 'invalid_params', 'The chunk body was incomplete.')
      } finally {
        session.busy = false
      }
      request.tt.bytes = received
      if (received !== length)
        return bad(reply, 400, 'invalid_params', 'Content-Length does not match the body size.')
      p.uploadedBytes += received
      progress(p.uploadedBytes, total)
      if (p.uploadedBytes < total) return reply.code(206).send()
      ctx.processor.uploadComplete(p)
      return reply.code(201).send()
    },
  )
}
