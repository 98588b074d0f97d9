import { createHash } from 'node:crypto'
import { type JetStreamClient, type JetStreamManager, JsHeaders, type PubAck } from '@nats-io/jetstream'
import { Base64UrlPaddedCodec, type ObjectStore } from '@nats-io/obj'
import { headers, nuid } from '@nats-io/transport-node'

/** Where and how {@link putObject} writes. Sizes in bytes, times in ms. */
export interface PutObjectOptions {
  /** The object store's bucket name (its stream is `OBJ_<bucket>`). */
  bucket: string
  /** The object's name. An object already stored under it is replaced (its chunks purged). */
  name: string
  /** Bytes per chunk message; at most the server's max_payload (1 MiB by default). */
  chunkBytes: number
  /** Chunk publishes that may await their PubAck at once; 1 is what nats.js `ObjectStore.put` does. */
  window: number
  /** How long each publish waits for its PubAck, ms (default the JetStream client's timeout). */
  timeoutMs?: number
}

/** A stored object: its size in bytes, chunk messages, SHA-256 of the bytes and the meta message's stream sequence. */
export interface PutObjectResult {
  size: number
  chunks: number
  sha256: Buffer
  revision: number
  /** The stream sequence of each chunk message, in object order (for reads by sequence). */
  chunkSeqs: number[]
}

/** The JetStream handles {@link putObject} works through: `os` is the same bucket's nats.js ObjectStore. */
export interface ObjectStoreHandles {
  js: JetStreamClient
  jsm: JetStreamManager
  os: ObjectStore
}

/**
 * Stores `source` in a JetStream object store as nats.js `ObjectStore.put` does (NATS ADR-20:
 * chunk messages on `$O.<bucket>.C.<nuid>`, then the object's info on
 * `$O.<bucket>.M.<base64url name>` with `Nats-Rollup: sub` and a `SHA-256=` digest), so nats.js
 * `info`, `get`, `list` and `delete` read it unchanged — but with up to `window` chunk publishes
 * awaiting their PubAck at once instead of one. The connection keeps the publishes in order and
 * the stream stores them in that order; the acked sequences are checked to rise chunk by chunk.
 * The info message, which makes the object visible, is published only after every chunk's
 * PubAck: a resolved put is durable in the stream.
 * Reads `source` as it comes (memory ≈ `window` + 1 chunks); hashes it with node:crypto.
 * @returns size, chunk count, SHA-256, the info message's sequence (the object's revision) and
 *   each chunk's sequence.
 * @throws the source's error, a publish's error (JetStream refused a chunk, no ack within
 *   `timeoutMs`), a chunk larger than max_payload, or chunks stored out of order; the chunks
 *   already stored are purged first.
 */
export async function putObject(
  handles: ObjectStoreHandles,
  opts: PutObjectOptions,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<PutObjectResult> {
  const { js, jsm, os } = handles
  const { bucket, name, chunkBytes } = opts
  const timeout = opts.timeoutMs ?? js.getOptions().timeout ?? 5000
  const old = await os.info(name)
  const stream = `OBJ_${bucket}`
  const id = nuid.next()
  const chunkSubject = `$O.${bucket}.C.${id}`
  const hash = createHash('sha256')
  const inFlight: Promise<PubAck>[] = []
  const chunkSeqs: number[] = []
  let size = 0
  let chunks = 0
  // Chunk buffers come back once acked: the connection copied the bytes out long before the
  // server could answer, so at most window + 1 are ever allocated, and no garbage per chunk.
  const free: Buffer[] = []
  let chunk: Buffer = Buffer.allocUnsafe(chunkBytes)
  let filled = 0

  const publishChunk = async (payload: Buffer) => {
    const index = chunks++
    const acked = js.publish(chunkSubject, payload, { timeout })
    acked.then(
      (ack) => {
        chunkSeqs[index] = ack.seq
        if (payload.length === chunkBytes) free.push(payload)
      },
      () => undefined,
    ) // awaited in order below; a later one may fail first
    inFlight.push(acked)
    if (inFlight.length >= opts.window) await inFlight.shift()
  }

  try {
    for await (const piece of source) {
      hash.update(piece)
      size += piece.length
      for (let offset = 0; offset < piece.length; ) {
        const n = Math.min(chunkBytes - filled, piece.length - offset)
        chunk.set(piece.subarray(offset, offset + n), filled)
        filled += n
        offset += n
        if (filled === chunkBytes) {
          const full = chunk
          chunk = free.pop() ?? Buffer.allocUnsafe(chunkBytes)
          filled = 0
          await publishChunk(full)
        }
      }
    }
    if (filled > 0) await publishChunk(chunk.subarray(0, filled))
    await Promise.all(inFlight.splice(0))
    // Readers take the chunks in stream order: check it is object order (nats.js does not
    // re-send a JetStream publish by default, so nothing should overtake; a put that did fails).
    for (let i = 1; i < chunkSeqs.length; i++) {
      if ((chunkSeqs[i] as number) <= (chunkSeqs[i - 1] as number)) {
        throw new Error(`object chunk ${i} was stored before chunk ${i - 1}`)
      }
    }
    const sha256 = hash.digest()
    const info = {
      name,
      description: '',
      options: { max_chunk_size: chunkBytes },
      bucket,
      nuid: id,
      size,
      chunks,
      mtime: new Date().toISOString(),
      digest: `SHA-256=${Base64UrlPaddedCodec.encode(sha256)}`,
      deleted: false,
    }
    const h = headers()
    h.set(JsHeaders.RollupHdr, JsHeaders.RollupValueSubject)
    const ack = await js.publish(
      `$O.${bucket}.M.${Base64UrlPaddedCodec.encode(name)}`,
      JSON.stringify(info),
      {
        headers: h,
        timeout,
      },
    )
    if (old && !old.deleted) {
      // as nats.js: the new object is live; a failed clean-up of the old chunks is not the put's failure
      await jsm.streams.purge(stream, { filter: `$O.${bucket}.C.${old.nuid}` }).catch(() => undefined)
    }
    return { size, chunks, sha256, revision: ack.seq, chunkSeqs }
  } catch (err) {
    await Promise.allSettled(inFlight)
    await jsm.streams.purge(stream, { filter: chunkSubject }).catch(() => undefined)
    throw err
  }
}
