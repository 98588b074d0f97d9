import type { Readable } from 'node:stream'
import { BadRequestError, MediaNotVideoError } from '../errors.js'
import type { MediaStore } from '../plugins/external/media-store.js'
import { inspectMedia, type MediaInspection } from './media-inspector.js'

/** Result of a successful intake. Sizes in bytes; `sha256` lowercase hex. */
export interface IntakeResult {
  size: number
  sha256: string
  inspection: MediaInspection
}

/** Streams an upload into the media store. */
export interface MediaIntake {
  /**
   * Reads `body` once, counting it, into the object store under `name` (which hashes it,
   * SHA-256, and resolves once it is durable); then inspects the stored object with
   * mediainfo.js, which reads only the ranges it needs (headers, indexes) back from the store.
   * Memory stays at a few stream buffers and object chunks whatever the size; nothing goes to
   * local disk. The stored object is deleted on any failure.
   * @throws BadRequestError when the body is shorter/longer than `declaredLength` bytes.
   * @throws MediaNotVideoError when the file has no video track.
   * @throws the store's error when NATS refuses the bytes.
   */
  intake(name: string, body: Readable, declaredLength: number): Promise<IntakeResult>
}

/** Builds the intake over a media store. */
export function createMediaIntake(opts: { store: MediaStore }): MediaIntake {
  return {
    async intake(name, body, declaredLength) {
      let size = 0
      // What the store reads: the body, length-checked on the way.
      async function* checkedBody(): AsyncGenerator<Buffer> {
        for await (const chunk of body as AsyncIterable<Buffer>) {
          size += chunk.length
          if (size > declaredLength) throw new BadRequestError('The body is longer than its Content-Length')
          yield chunk
        }
        if (size !== declaredLength) throw new BadRequestError('The body ended before its Content-Length')
      }
      try {
        const stored = await opts.store.put(name, checkedBody())
        if (stored.size !== size) throw new Error(`stored ${stored.size} bytes of ${size}`)
        const inspection = await inspectMedia(stored.size, stored.read)
        if (!inspection.isVideo) {
          throw new MediaNotVideoError('The file is not a video TikTok can read (no video track found)')
        }
        return { size, sha256: stored.sha256, inspection }
      } catch (err) {
        await opts.store.delete(name).catch(() => undefined)
        throw err
      }
    },
  }
}
