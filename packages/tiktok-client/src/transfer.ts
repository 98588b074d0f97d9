import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Chunk, ChunkPlan } from './chunk-plan.js'
import {
  redactSecrets,
  TikTokError,
  TikTokInvalidArgumentError,
  TikTokUploadError,
  TikTokUploadProgressUnknownError,
  TikTokUploadUrlExpiredError,
} from './errors.js'
import { type Http, type HttpResponse, headerValue } from './http.js'
import { tiktokClientMetrics } from './metrics.js'
import { chunkIndexAt, resumeIndex } from './upload-progress.js'

/**
 * Where chunk bytes come from: a file path (read with a ranged stream) or a function returning a
 * fresh stream of bytes `firstByte..lastByte` (inclusive) — called again on every retry.
 */
export type ChunkSource = string | ((firstByte: number, lastByte: number) => Readable)

/** Video MIME types accepted by the upload host (docs/tiktok-api.md §3.5). */
export type VideoContentType = 'video/mp4' | 'video/quicktime' | 'video/webm'

/** Reported after TikTok acknowledged a chunk (206/201), or a 416 proved it already has it. */
export interface ChunkAck {
  chunkIndex: number
  firstByte: number
  lastByte: number
  /** Bytes the server now holds: `lastByte + 1`. */
  uploadedBytes: number
  videoSize: number
  /** True when this acknowledgement completed the upload (201). */
  complete: boolean
}

/** Parameters of {@link TransferApi.uploadVideo}. */
export interface UploadVideoParams {
  /** The init's `upload_url`, used verbatim (query string included). */
  uploadUrl: string
  /** The plan declared at init (`InitResult.chunkPlan`). */
  chunkPlan: ChunkPlan
  source: ChunkSource
  /** Default `video/mp4`. */
  contentType?: VideoContentType
  /** Resume: index of the first chunk to send; chunks before it are taken as acknowledged. Default 0. */
  startChunk?: number
  /** Awaited after each acknowledged chunk — record it to resume after a crash. Throwing stops the upload. */
  onChunkAcknowledged?: (ack: ChunkAck) => void | Promise<void>
  /**
   * Asked for the bytes TikTok holds when a 416 carries no progress `Content-Range`; wire it to
   * the status endpoint's `uploaded_bytes` (`posting.fetchStatus`, §3.8). Without it such a 416
   * raises {@link TikTokUploadProgressUnknownError}. Errors it throws propagate.
   */
  fetchUploadedBytes?: () => Promise<number>
  /** Retries per chunk for 5xx, timeouts and connection errors. Default 4. */
  maxRetries?: number
  /** First retry delay in ms, doubled each time up to 10 s, with jitter. Default 500. */
  retryBaseDelayMs?: number
  /** Timeout of one chunk PUT in ms. Default: the client's `uploadTimeoutMs`. */
  timeoutMs?: number
  signal?: AbortSignal
}

/** Outcome of a finished upload (the last PUT answered 201; processing starts — poll status). */
export interface UploadResult {
  /** Equals `videoSize`. */
  uploadedBytes: number
  /** Chunk PUTs this call sent successfully (retries and skipped chunks not counted). */
  chunksSent: number
  /** How many 416 answers were recovered from by resuming at the server's progress. */
  recoveredFrom416: number
}

/** FILE_UPLOAD media transfer (§3.5). */
export interface TransferApi {
  /**
   * Sends the plan's chunks sequentially: `PUT upload_url` with `Content-Range: bytes first-last/total`,
   * `Content-Length` and the video `Content-Type`, no Authorization. Expects 206 per chunk and 201 at
   * the end. Each chunk is streamed from `source`, so memory stays below one chunk whatever the
   * file size. A 416 is recovered by reading the server's `Content-Range` progress (either
   * reading, see `resumeIndex`) and resuming there — never by silently restarting at chunk 0;
   * 5xx/timeouts/connection errors are retried with bounded exponential backoff.
   *
   * @throws TikTokUploadUrlExpiredError on 403 (URL older than 1 h: init again).
   * @throws TikTokUploadProgressUnknownError on a 416 without a progress header and no `fetchUploadedBytes`.
   * @throws TikTokUploadError on 400/404, an unrecoverable 416, a status §3.5 does not list (HTTP 200
   *   included: only 201 means complete; poll the status to learn more), or retries exhausted
   *   (`uploadedBytes` set).
   * @throws TikTokInvalidArgumentError when the file size differs from the plan or `startChunk` is out of range.
   */
  uploadVideo(params: UploadVideoParams): Promise<UploadResult>
}

/** What the transfer needs from the client. */
export interface TransferContext {
  http: Http
  /** Default per-chunk timeout, in ms. */
  uploadTimeoutMs: number
}

const MAX_RETRY_DELAY_MS = 10_000
const MAX_416_WITHOUT_PROGRESS = 3

/** Builds the media transfer API. */
export function createTransferApi(ctx: TransferContext): TransferApi {
  return {
    async uploadVideo(params) {
      const { chunkPlan: plan, uploadUrl } = params
      const chunks = plan.chunks
      const contentType = params.contentType ?? 'video/mp4'
      const maxRetries = params.maxRetries ?? 4
      const baseDelay = params.retryBaseDelayMs ?? 500
      let index = params.startChunk ?? 0
      if (!Number.isInteger(index) || index < 0 || index >= chunks.length) {
        throw new TikTokInvalidArgumentError(`startChunk must be 0–${chunks.length - 1}`)
      }
      if (typeof params.source === 'string') {
        const { size } = await stat(params.source)
        if (size !== plan.videoSize) {
          throw new TikTokInvalidArgumentError(
            `file is ${size} bytes but the plan declares ${plan.videoSize}`,
          )
        }
      }
      const secrets = [uploadUrl, new URL(uploadUrl).search.slice(1)]
      let attempt = 0
      let stalled416 = 0
      let chunksSent = 0
      let recoveredFrom416 = 0
      let ackedBytes = chunks[index]?.firstByte ?? 0
      const ack = async (chunk: Chunk, complete: boolean) => {
        ackedBytes = chunk.lastByte + 1
        await params.onChunkAcknowledged?.({
          chunkIndex: chunk.index,
          firstByte: chunk.firstByte,
          lastByte: chunk.lastByte,
          uploadedBytes: chunk.lastByte + 1,
          videoSize: plan.videoSize,
          complete,
        })
      }
      const done = (): UploadResult => ({ uploadedBytes: plan.videoSize, chunksSent, recoveredFrom416 })

      while (index < chunks.length) {
        const chunk = chunks[index] as Chunk
        let res: HttpResponse
        try {
          res = await ctx.http.send({
            method: 'PUT',
            url: uploadUrl,
            headers: {
              'content-type': contentType,
              'content-length': String(chunk.size),
              'content-range': `bytes ${chunk.firstByte}-${chunk.lastByte}/${plan.videoSize}`,
            },
            body: openChunk(params.source, chunk),
            timeoutMs: params.timeoutMs ?? ctx.uploadTimeoutMs,
            signal: params.signal,
          })
        } catch (err) {
          if ((err as { cause?: { code?: string } }).cause?.code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') {
            throw new TikTokInvalidArgumentError(
              `source did not yield exactly ${chunk.size} bytes for chunk ${index}`,
            )
          }
          if (err instanceof TikTokError && err.retryable && attempt < maxRetries) {
            tiktokClientMetrics.chunkRetries.inc()
            await sleep(backoff(baseDelay, attempt++), undefined, { signal: params.signal })
            continue
          }
          throw err
        }

        if (res.status === 201 || res.status === 206) {
          chunksSent++
          tiktokClientMetrics.uploadedBytes.inc(chunk.size)
          attempt = 0
          stalled416 = 0
          const complete = res.status === 201
          await ack(chunk, complete)
          if (complete) {
            if (index !== chunks.length - 1) {
              throw uploadError(
                `upload completed early (HTTP ${res.status}) at chunk ${index}`,
                res,
                ackedBytes,
                secrets,
              )
            }
            return done()
          }
          if (index === chunks.length - 1) {
            throw uploadError('last chunk answered 206 instead of 201', res, ackedBytes, secrets)
          }
          index++
          continue
        }

        if (res.status === 416) {
          const progress = headerValue(res.headers, 'content-range')
          let resumeAt: number | undefined
          if (progress !== undefined) resumeAt = resumeIndex(progress, plan)
          else if (params.fetchUploadedBytes) resumeAt = chunkIndexAt(await params.fetchUploadedBytes(), plan)
          else {
            throw new TikTokUploadProgressUnknownError(
              redactSecrets(
                `416 without a progress Content-Range at chunk ${index}; upload progress unknown`,
                secrets,
              ),
              { httpStatus: 416, uploadedBytes: ackedBytes },
            )
          }
          if (resumeAt === undefined || stalled416 >= MAX_416_WITHOUT_PROGRESS) {
            throw uploadError('416: cannot resume from the reported progress', res, ackedBytes, secrets)
          }
          recoveredFrom416++
          stalled416 = resumeAt === index ? stalled416 + 1 : 0
          // Chunks the server already holds count as acknowledged.
          for (let i = index; i < resumeAt; i++) await ack(chunks[i] as Chunk, i === chunks.length - 1)
          if (resumeAt >= chunks.length) return done()
          index = resumeAt
          attempt = 0
          continue
        }

        if (res.status === 403) {
          throw new TikTokUploadUrlExpiredError(
            redactSecrets(`upload PUT got 403: upload_url expired or not valid (chunk ${index})`, secrets),
            { httpStatus: 403 },
          )
        }
        if (res.status >= 500 && attempt < maxRetries) {
          tiktokClientMetrics.chunkRetries.inc()
          await sleep(backoff(baseDelay, attempt++), undefined, { signal: params.signal })
          continue
        }
        if (res.status >= 200 && res.status < 300) {
          // §3.5 lists 206 (more expected) and 201 (all received) only; guessing "complete" from
          // another 2xx could report an upload TikTok never finished.
          throw uploadError(
            `upload PUT of chunk ${index} got an undocumented success status (expected 206 or 201); poll the status`,
            res,
            ackedBytes,
            secrets,
          )
        }
        throw uploadError(`upload PUT of chunk ${index} failed`, res, ackedBytes, secrets)
      }
      return done()
    },
  }
}

function openChunk(source: ChunkSource, chunk: Chunk): Readable {
  if (typeof source === 'string') {
    return createReadStream(source, {
      start: chunk.firstByte,
      end: chunk.lastByte,
      highWaterMark: 1024 * 1024,
    })
  }
  return source(chunk.firstByte, chunk.lastByte)
}

function backoff(baseMs: number, attempt: number): number {
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** attempt)
  return ceiling / 2 + Math.random() * (ceiling / 2)
}

function uploadError(message: string, res: HttpResponse, uploadedBytes: number, secrets: string[]) {
  return new TikTokUploadError(redactSecrets(`${message}: HTTP ${res.status}`, secrets), {
    httpStatus: res.status,
    uploadedBytes,
  })
}
