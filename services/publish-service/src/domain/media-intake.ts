import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
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
   * Reads `body` once and, chunk by chunk, counts it, writes it to a temp file and hands it to the
   * object store under `name` (which hashes it, SHA-256, and resolves once it is durable); then
   * inspects the temp file with mediainfo.js. Memory stays at a few stream buffers and object
   * chunks whatever the size. The temp file is always removed; the stored object is deleted on
   * any failure.
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
      let fileError: Error | undefined
      file.on('error', (err) => {
        fileError = err // thrown from the body loop below, or by `finished`
      })
      let size = 0
      // What the store reads: the body, length-checked and copied to the temp file on the way.
      async function* checkedBody(): AsyncGenerator<Buffer> {
        for await (const chunk of body as AsyncIterable<Buffer>) {
          size += chunk.length
          if (size > declaredLength) throw new BadRequestError('The body is longer than its Content-Length')
          if (fileError) throw fileError
          if (!file.write(chunk)) await once(file, 'drain')
          yield chunk
        }
        if (size !== declaredLength) throw new BadRequestError('The body ended before its Content-Length')
      }
      try {
        const stored = await opts.store.put(name, checkedBody())
        if (stored.size !== size) throw new Error(`stored ${stored.size} bytes of ${size}`)
        file.end()
        await finished(file)
        const inspection = await inspectMediaFile(tmp)
        if (!inspection.isVideo) {
          throw new MediaNotVideoError('The file is not a video TikTok can read (no video track found)')
        }
        return { size, sha256: stored.sha256, inspection }
      } catch (err) {
        await opts.store.delete(name).catch(() => undefined)
        throw err
      } finally {
        file.destroy()
        await rm(tmp, { force: true })
      }
    },
  }
}
