/**
 * Child process of `bench/media-intake.ts`: the baseline intake, one plain object-store put of
 * FILE (streamed from disk) into BUCKET, then the object deleted. PUT names the technique:
 *
 *   lib:<chunk bytes>:js|native   nats.js `ObjectStore.put` (one chunk awaiting its ack at a time)
 *                                 with its SHA-256 backend (`js`, the library's default, or node:crypto)
 *   window:<chunk bytes>:<n>      publish-service's `putObject` (up to n chunks awaiting their acks)
 *   http:<chunk bytes>:<n>        the same `putObject` behind a bare Fastify route (`POST /media`,
 *                                 no hooks, no logger, no checks, no inspection): the floor of an
 *                                 intake over HTTP. Prints `READY <url>`; the parent uploads FILE
 *                                 and measures; this child ends when its stdin does.
 *
 * Prints `RESULT {"seconds", "peakRssBytes", "cpuSeconds"}` (RSS sampled every 50 ms and the
 * kernel's VmHWM, whichever is higher; user + system CPU of this process during the put).
 *
 *   plain-object-put.ts FILE PUT NATS_URL BUCKET
 */
import { createReadStream, readFileSync } from 'node:fs'
import { Readable } from 'node:stream'
import { jetstream, StorageType } from '@nats-io/jetstream'
import { Objm, setSha256Backend } from '@nats-io/obj'
import { connect } from '@nats-io/transport-node'
import { putObject } from '@social-bridge/publish-service'
import Fastify from 'fastify'

const [file, put, servers, bucket] = process.argv.slice(2) as [string, string, string, string]
const [technique, chunkArg, setting] = put.split(':') as [string, string, string]
const chunk = Number(chunkArg)
const nc = await connect({ servers })
const js = jetstream(nc)
const os = await new Objm(js).create(bucket, { storage: StorageType.File })
const jsm = await js.jetstreamManager()
if (technique === 'lib' && setting === 'native') setSha256Backend('native')
if (technique === 'http') {
  const app = Fastify({ bodyLimit: Number.MAX_SAFE_INTEGER })
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload))
  app.post('/media', async (request, reply) => {
    const options = { bucket, name: 'plain', chunkBytes: chunk, window: Number(setting) }
    await putObject({ js, jsm, os }, options, request.body as Readable)
    await os.delete('plain')
    return reply.code(201).send({ id: 'plain' })
  })
  process.stdout.write(`READY ${await app.listen({ host: '127.0.0.1', port: 0 })}\n`)
  process.stdin.resume()
  await new Promise((resolve) => process.stdin.once('end', resolve))
  await app.close()
  await nc.close()
  process.exit(0)
}
const source = () => createReadStream(file, { highWaterMark: 1024 * 1024 })
let peak = process.memoryUsage().rss
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss)
}, 50)
const cpuBefore = process.cpuUsage()
const started = process.hrtime.bigint()
if (technique === 'lib') {
  await os.put(
    { name: 'plain', options: { max_chunk_size: chunk } },
    Readable.toWeb(source()) as ReadableStream<Uint8Array>,
  )
} else if (technique === 'window') {
  await putObject(
    { js, jsm, os },
    { bucket, name: 'plain', chunkBytes: chunk, window: Number(setting) },
    source(),
  )
} else {
  throw new Error(`unknown put ${put}`)
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9
const cpu = process.cpuUsage(cpuBefore)
const cpuSeconds = (cpu.user + cpu.system) / 1e6
clearInterval(sampler)
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
const peakRssBytes = Math.max(peak, hwm ? Number(hwm[1]) * 1024 : 0)
await os.delete('plain')
await nc.close()
process.stdout.write(`RESULT ${JSON.stringify({ seconds, peakRssBytes, cpuSeconds })}\n`)
