import type { JetStreamClient } from '@nats-io/jetstream'
import { StorageType } from '@nats-io/jetstream'
import { type ObjectStore, Objm } from '@nats-io/obj'
import { retryWhileNatsUnavailable } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createChunkReader } from './object-chunk-reader.js'
import { putObject } from './object-put.js'
import { createRangeReader, type RangeReader } from './object-range-reader.js'

/** What `MediaStore.put` stored: size in bytes, SHA-256 (lowercase hex), and reads of its bytes. */
export interface StoredMedia {
  size: number
  sha256: string
  /**
   * Reads up to `length` bytes at `offset` of the stored object (fewer only at its end), each
   * chunk fetched by its stream sequence: for inspecting it where it now lives.
   * @throws when NATS cannot return a chunk.
   */
  read(length: number, offset: number): Promise<Uint8Array>
}

/** Media bytes where every replica can read them: the JetStream object store (ARCHITECTURE.md). */
export interface MediaStore {
  /** The bucket name actually used (`<namespace>_<bucket>` under a namespace). */
  readonly bucket: string
  /**
   * Stores `body` under `name`, reading it as it arrives (never whole in memory) and hashing it;
   * resolves once every byte is acknowledged by JetStream (durable).
   * @returns the stored size, SHA-256 and a reader of the stored bytes.
   * @throws when NATS refuses or the body errors (chunks already written are purged).
   */
  put(name: string, body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<StoredMedia>
  /** A reader of byte ranges of `name`, for chunked uploads. @throws when the object is missing. */
  openRangeReader(name: string): Promise<RangeReader>
  /** Deletes `name` (no error when absent). */
  delete(name: string): Promise<void>
  /** Size in bytes, or null when absent. */
  size(name: string): Promise<number | null>
}

/**
 * Bytes per object-store chunk message: larger than the library's 128 KiB so intake needs fewer
 * publishes; NATS caps it at the server's max_payload (1 MiB by default). bench/media-intake.ts
 * compares chunk sizes and windows in one run.
 */
export const OBJECT_CHUNK_BYTES = 512 * 1024

/**
 * Chunk publishes awaiting their PubAck at once (`putObject`): nats.js `ObjectStore.put` waits for
 * each chunk's ack before sending the next (its batched put needs a 2.12 server), which leaves
 * both this process and nats-server idle half the time. Memory per intake ≈ (window + 1) chunks.
 * bench/media-intake.ts (100 MB, loaded 2-core machine): window 1 → 4 → 8 went about 170 → 250
 * → 270 MB/s; nats.js put with its pure-JS SHA-256 ran at 33 MB/s, with node:crypto at 150.
 */
export const OBJECT_PUT_WINDOW = 8

/** Bucket name for a namespace (object store names allow `[A-Za-z0-9_-]`). */
export function mediaBucketName(namespace: string, bucket: string): string {
  return namespace ? `${namespace}_${bucket}` : bucket
}

/** Opens (creating if needed) the media bucket, file-backed, on `replicas` servers (default 1); waits for a NATS still electing. */
export async function createMediaStore(opts: {
  js: JetStreamClient
  namespace: string
  bucket: string
  replicas?: number
}): Promise<MediaStore> {
  const bucket = mediaBucketName(opts.namespace, opts.bucket)
  const os: ObjectStore = await retryWhileNatsUnavailable(() =>
    new Objm(opts.js).create(bucket, { storage: StorageType.File, replicas: opts.replicas ?? 1 }),
  )
  const jsm = await opts.js.jetstreamManager()
  return {
    bucket,
    async put(name, body) {
      const stored = await putObject(
        { js: opts.js, jsm, os },
        { bucket, name, chunkBytes: OBJECT_CHUNK_BYTES, window: OBJECT_PUT_WINDOW },
        body,
      )
      const read = createChunkReader(jsm, {
        stream: `OBJ_${bucket}`,
        chunkBytes: OBJECT_CHUNK_BYTES,
        chunkSeqs: stored.chunkSeqs,
        size: stored.size,
      })
      return { size: stored.size, sha256: stored.sha256.toString('hex'), read }
    },
    async openRangeReader(name) {
      const info = await os.info(name)
      if (!info || info.deleted) throw new Error(`media object ${name} not found`)
      return createRangeReader(opts.js, {
        stream: `OBJ_${bucket}`,
        chunkSubject: `$O.${bucket}.C.${info.nuid}`,
        chunkBytes: info.options?.max_chunk_size ?? 128 * 1024,
        size: info.size,
      })
    },
    async delete(name) {
      const info = await os.info(name)
      if (info && !info.deleted) await os.delete(name)
    },
    async size(name) {
      const info = await os.info(name)
      return info && !info.deleted ? info.size : null
    },
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    mediaStore: MediaStore
  }
}

/** Decorates `app.mediaStore` on the app's JetStream connection (register after natsPlugin). */
export const mediaStorePlugin = fp(
  async (app: FastifyInstance, opts: { bucket: string }) => {
    const store = await createMediaStore({
      js: app.nats.js,
      namespace: app.nats.namespace,
      bucket: opts.bucket,
      replicas: app.nats.replicas,
    })
    app.decorate('mediaStore', store)
  },
  { name: 'publish-media-store', fastify: '5.x', dependencies: ['sb-nats'] },
)
