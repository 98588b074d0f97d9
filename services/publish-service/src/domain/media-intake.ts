import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { BadRequestError, MediaNotVideoError } from '../errors.js'
import type { MediaStore } from '../plugins/external/media-store.js'
import { inspectMediaFile, type MediaInspection } from './media-inspector.js'

/** Result of a successful intake. Sizes in bytes; `sha256` lowercase hex. */
export interface IntakeResult {
  size: number
  sha256: string
  inspection: MediaInspection
}

/** Streams an upload into the media store. */
export interface MediaIntake {
  /**
   * Reads `body` once and, chunk by chunk, hashes it (SHA-256), counts it, writes it to the
   * object store under `name` and to a temp file; then inspects the temp file with mediainfo.js.
   * Memory stays at a few stream buffers whatever the size. The temp file is always removed;
   * the stored object is deleted on any failure.
   * @throws BadRequestError when the body is shorter/longer than `declaredLength` bytes.
   * @throws MediaNotVideoError when the file has no video track.
   * @throws the store's error when NATS refuses the bytes.
   */
  intake(name: string, body: Readable, declaredLength: number): Promise<IntakeResult>
}

const BUFFER_BYTES = 1024 * 1024

/** Builds the intake over a media store; temp files go to `tmpDir` (default the OS temp dir). */
export function createMediaIntake(opts: { store: MediaStore; tmpDir?: string }): MediaIntake {
  const dir = opts.tmpDir || tmpdir()
  return {
    async intake(name, body, declaredLength) {
      const tmp = join(dir, `publish-intake-${name}`)
      const file = createWriteStream(tmp, { highWaterMark: BUFFER_BYTES })
      const toStore = new PassThrough({ highWaterMark: BUFFER_BYTES })
      const stored = opts.store.put(name, Readable.toWeb(toStore) as ReadableStream<Uint8Array>)
      stored.catch(() => undefined) // awaited below; avoid an unhandled rejection meanwhile
      const storeFailed = stored.then(() => {
        throw new Error('media store finished before the body ended')
      })
      storeFailed.catch(() => undefined)
      const hash = createHash('sha256')
      let size = 0
      try {
        for await (const chunk of body as AsyncIterable<Buffer>) {
          size += chunk.length
          if (size > declaredLength) throw new BadRequestError('The body is longer than its Content-Length')
          hash.update(chunk)
          toStore.write(chunk)
          file.write(chunk)
          // Re-check before each wait: one side may drain while we wait for the other.
          if (toStore.writableNeedDrain) await Promise.race([once(toStore, 'drain'), storeFailed])
          if (file.writableNeedDrain) await once(file, 'drain')
        }
        if (size !== declaredLength) throw new BadRequestError('The body ended before its Content-Length')
        toStore.end()
        const { size: storedSize } = await stored
        if (storedSize !== size) throw new Error(`stored ${storedSize} bytes of ${size}`)
        file.end()
        await finished(file)
        const inspection = await inspectMediaFile(tmp)
        if (!inspection.isVideo) {
          throw new MediaNotVideoError('The file is not a video TikTok can read (no video track found)')
        }
        return { size, sha256: hash.digest('hex'), inspection }
      } catch (err) {
        toStore.destroy(err as Error)
        await stored.catch(() => undefined)
        await opts.store.delete(name).catch(() => undefined)
        throw err
      } finally {
        file.destroy()
        await rm(tmp, { force: true })
      }
    },
  }
}
