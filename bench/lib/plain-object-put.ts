/**
 * Child process of `bench/media-intake.ts`: the baseline intake, one plain nats.js object-store
 * put of FILE (streamed from disk) into BUCKET with `max_chunk_size` CHUNK bytes, then the object
 * deleted. Prints `RESULT {"seconds", "peakRssBytes"}` (RSS sampled every 50 ms and the kernel's
 * VmHWM, whichever is higher).
 *
 *   plain-object-put.ts FILE CHUNK NATS_URL BUCKET
 */
import { createReadStream, readFileSync } from 'node:fs'
import { Readable } from 'node:stream'
import { jetstream, StorageType } from '@nats-io/jetstream'
import { Objm } from '@nats-io/obj'
import { connect } from '@nats-io/transport-node'

const [file, chunk, servers, bucket] = process.argv.slice(2) as [string, string, string, string]
const nc = await connect({ servers })
const os = await new Objm(jetstream(nc)).create(bucket, { storage: StorageType.File })
let peak = process.memoryUsage().rss
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss)
}, 50)
const started = process.hrtime.bigint()
await os.put(
  { name: 'plain', options: { max_chunk_size: Number(chunk) } },
  Readable.toWeb(createReadStream(file, { highWaterMark: 1024 * 1024 })) as ReadableStream<Uint8Array>,
)
const seconds = Number(process.hrtime.bigint() - started) / 1e9
clearInterval(sampler)
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
const peakRssBytes = Math.max(peak, hwm ? Number(hwm[1]) * 1024 : 0)
await os.delete('plain')
await nc.close()
process.stdout.write(`RESULT ${JSON.stringify({ seconds, peakRssBytes })}\n`)
