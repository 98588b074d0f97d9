import { Readable } from 'node:stream'
import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream'

/** Where an object's chunks live in its object-store stream. Sizes in bytes. */
export interface StoredObjectLayout {
  /** The bucket's stream, `OBJ_<bucket>`. */
  stream: string
  /** `$O.<bucket>.C.<nuid>`: the object's chunk messages, in order. */
  chunkSubject: string
  /** Bytes per chunk message (every chunk but the last is exactly this long). */
  chunkBytes: number
  size: number
}

/** Reads byte ranges of one stored object, sequentially, holding at most a few chunk messages. */
export interface RangeReader {
  /** A stream of bytes `firstByte..lastByte` (inclusive). Ranges are meant to be read in order. */
  read(firstByte: number, lastByte: number): Readable
  close(): Promise<void>
}

/** Chunk messages buffered by the consumer: bounds memory to about this × `chunkBytes`. */
const BUFFERED_MESSAGES = 8

/**
 * Random-access reads over a JetStream object (the object store's own `get` streams the whole
 * object without backpressure). An ordered pull consumer on the object's chunk subject is kept
 * open and read forward; the stream sequence of every chunk seen is remembered, so a range
 * behind the cursor (a chunk PUT retried) or a restart resumes at that exact message instead of
 * re-reading from byte 0. Resuming at chunk k of a fresh reader reads (and discards) chunks
 * 0..k-1 once.
 *
 * Reads run one at a time (a retried chunk's new stream may ask while the abandoned one still
 * waits), so there is never more than one consumer; none is started once `close` was called —
 * a consumer left running would keep its heartbeat timer, and so the process, alive.
 */
export function createRangeReader(js: JetStreamClient, layout: StoredObjectLayout): RangeReader {
  const seqs = new Map<number, number>()
  let messages: ConsumerMessages | undefined
  let iterator: AsyncIterator<JsMsg> | undefined
  let nextIndex = 0
  let held: { index: number; data: Uint8Array } | undefined
  let closed = false
  let queue: Promise<unknown> = Promise.resolve()
  /** Runs `op` after every earlier one has settled. */
  const serially = <T>(op: () => Promise<T>): Promise<T> => {
    const run = queue.then(op, op)
    queue = run.catch(() => undefined)
    return run
  }

  const stop = async () => {
    const m = messages
    const it = iterator
    messages = undefined
    iterator = undefined
    // `close()` would wait for the buffered messages to be iterated: stop and end the iterator instead.
    m?.stop()
    await it?.return?.(undefined)?.catch(() => undefined)
  }

  const start = async (index: number) => {
    await stop()
    const known = seqs.get(index)
    const previous = seqs.get(index - 1)
    const startSeq = known ?? (previous !== undefined ? previous + 1 : undefined)
    const consumer = await js.consumers.get(layout.stream, {
      filter_subjects: layout.chunkSubject,
      ...(startSeq !== undefined ? { opt_start_seq: startSeq } : {}),
    })
    const started = await consumer.consume({ max_messages: BUFFERED_MESSAGES })
    if (closed) {
      started.stop()
      throw new Error('range reader closed')
    }
    nextIndex = startSeq !== undefined ? index : 0
    messages = started
    iterator = messages[Symbol.asyncIterator]()
  }

  const chunk = (index: number): Promise<Uint8Array> => serially(() => readChunk(index))

  const readChunk = async (index: number): Promise<Uint8Array> => {
    if (closed) throw new Error('range reader closed')
    if (held?.index === index) return held.data
    if (!iterator || nextIndex > index) await start(index)
    try {
      while (nextIndex <= index) {
        const next = await (iterator as AsyncIterator<JsMsg>).next()
        if (next.done) throw new Error(`object ended before chunk ${index}`)
        seqs.set(nextIndex, next.value.seq)
        held = { index: nextIndex, data: next.value.data }
        nextIndex++
      }
    } catch (err) {
      await stop() // the next read restarts from the remembered sequence
      throw err
    }
    return (held as { data: Uint8Array }).data
  }

  return {
    read(firstByte, lastByte) {
      async function* bytes() {
        let pos = firstByte
        while (pos <= lastByte) {
          const index = Math.floor(pos / layout.chunkBytes)
          const data = await chunk(index)
          const offset = pos - index * layout.chunkBytes
          const end = Math.min(data.length, lastByte - index * layout.chunkBytes + 1)
          if (end <= offset) throw new Error(`chunk ${index} is shorter than expected`)
          yield Buffer.from(data.buffer, data.byteOffset + offset, end - offset)
          pos += end - offset
        }
      }
      return Readable.from(bytes(), { objectMode: false })
    },
    async close() {
      closed = true
      await stop() // ends a read waiting for its next message
      await queue
    },
  }
}
