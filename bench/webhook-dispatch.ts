/**
 * webhook-dispatch benchmark (issue 13): 1,000 public events to 10 endpoints (10,000 signed
 * deliveries) through the real service — domain event on JetStream → public event → fan-out rows
 * in PostgreSQL → leased, signed (standardwebhooks), POSTed — beside a bare HTTP POST loop to the
 * same receivers, in the same run on the same machine.
 *
 *   pnpm exec tsx bench/webhook-dispatch.ts
 *   BENCH_EVENTS=1000 BENCH_ENDPOINTS=10 BENCH_RATE=100 pnpm exec tsx bench/webhook-dispatch.ts
 *
 * Events are emitted at BENCH_RATE per second (0: all at once). Latency is event → receiver: from
 * just before the domain event is published (dispatch) or the POSTs are sent (bare loop) to the
 * moment the receiver has read the request. Both runs use DELIVERY_CONCURRENCY (default 32)
 * requests in flight. CPU is this process's (receivers, client or service; not PostgreSQL's or
 * NATS's) per delivery: steadier than latency on a busy machine. The load average is printed. Uses the machine's PostgreSQL and NATS in a fresh database and namespace,
 * dropped at the end. Prints figures; asserts nothing on time. Target: dispatch p99 < 200 ms.
 */

import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { availableParallelism, loadavg } from 'node:os'
import { Subjects } from '@social-bridge/contracts'
import { createEnvelope, createEventBus, createFastifyOptions, loadConfig } from '@social-bridge/service-kit'
import { createTestDatabase, createTestNamespace, TEST_NATS_URL } from '@social-bridge/service-kit/testing'
import app, { DispatchConfig } from '@social-bridge/webhook-dispatch'
import Fastify from 'fastify'
import { Agent, request } from 'undici'

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000)
const ENDPOINTS = Number(process.env.BENCH_ENDPOINTS ?? 10)
const RATE = Number(process.env.BENCH_RATE ?? 100)
const CONCURRENCY = Number(process.env.DELIVERY_CONCURRENCY ?? 32)
const TENANT = 'bench-tenant'

const teardowns: (() => unknown)[] = []
const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) }

/** Receivers that note when each (event id, endpoint) arrived. */
async function startReceivers(arrivals: Map<string, number>): Promise<{ urls: string[]; servers: Server[] }> {
  const servers: Server[] = []
  const urls: string[] = []
  for (let i = 0; i < ENDPOINTS; i++) {
    const server = createServer(async (req, res) => {
      for await (const _ of req);
      arrivals.set(`${req.headers['webhook-id']}|${i}`, performance.now())
      res.writeHead(204).end()
    })
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    servers.push(server)
    urls.push(`http://localhost:${(server.address() as AddressInfo).port}/hooks/${i}`)
  }
  return { urls, servers }
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN

/** Emits `EVENTS` at `RATE`, calling `send(id)` for each; @returns the send time of each id. */
async function paced(send: (id: string) => Promise<void> | void): Promise<Map<string, number>> {
  const sent = new Map<string, number>()
  const start = performance.now()
  for (let n = 0; n < EVENTS; n++) {
    if (RATE > 0) {
      const due = start + (n * 1000) / RATE
      const wait = due - performance.now()
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    }
    const id = randomUUID()
    sent.set(id, performance.now())
    await send(id)
  }
  return sent
}

async function settle(arrivals: Map<string, number>, total: number, timeoutMs = 120_000) {
  const end = Date.now() + timeoutMs
  while (arrivals.size < total && Date.now() < end) await new Promise((r) => setTimeout(r, 20))
}

/** Figures of one run; `cpuUs`: this process's CPU time (user + system) over the run, µs. */
function report(name: string, sent: Map<string, number>, arrivals: Map<string, number>, cpuUs: number) {
  const lat: number[] = []
  let first = Number.POSITIVE_INFINITY
  let last = 0
  for (const [key, at] of arrivals) {
    const s = sent.get(key.split('|')[0] ?? '')
    if (s === undefined) continue
    lat.push(at - s)
    first = Math.min(first, s)
    last = Math.max(last, at)
  }
  lat.sort((a, b) => a - b)
  const throughput = lat.length / ((last - first) / 1000)
  return {
    name,
    delivered: lat.length,
    throughput,
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    cpuPerDelivery: cpuUs / Math.max(1, lat.length),
  }
}

async function main() {
  const arrivals = new Map<string, number>()
  const { urls, servers } = await startReceivers(arrivals)
  const total = EVENTS * ENDPOINTS

  // baseline: the same POSTs, unsigned bodies of the same size, straight to the receivers
  const agent = new Agent({ connections: CONCURRENCY })
  const body = JSON.stringify({
    type: 'post.published',
    timestamp: new Date().toISOString(),
    data: { pad: 'x'.repeat(200) },
  })
  let inflight = 0
  const waiters: (() => void)[] = []
  const slot = async () => {
    while (inflight >= CONCURRENCY) await new Promise<void>((r) => waiters.push(r))
    inflight++
  }
  const done = () => {
    inflight--
    waiters.shift()?.()
  }
  const bareCpu = process.cpuUsage()
  const bareSent = await paced(async (id) => {
    for (const url of urls) {
      await slot()
      void request(url, { method: 'POST', dispatcher: agent, body, headers: { 'webhook-id': id } })
        .then((r) => r.body.dump())
        .finally(done)
    }
  })
  await settle(arrivals, total)
  const bareUsed = process.cpuUsage(bareCpu)
  const bare = report('bare POST loop', bareSent, arrivals, bareUsed.user + bareUsed.system)
  await agent.close()
  arrivals.clear()

  // the service
  const namespace = createTestNamespace(t)
  const config = loadConfig(DispatchConfig, {
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATABASE_URL: await createTestDatabase(t),
    NATS_URL: TEST_NATS_URL,
    NATS_NAMESPACE: namespace,
    INTERNAL_JWT_SECRET: randomBytes(32).toString('hex'),
    SECRET_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    SECRET_ENCRYPTION_ACTIVE_KEY_ID: 'k1',
    WEBHOOK_ALLOWED_HOSTS: 'localhost',
    DELIVERY_CONCURRENCY: String(CONCURRENCY),
  })
  const dispatch = Fastify(createFastifyOptions({ service: 'webhook-dispatch', logLevel: 'warn' }))
  await dispatch.register(app, { config })
  await dispatch.ready()
  for (const url of urls) await dispatch.dispatch.endpoints.create(TENANT, { url, events: ['*'] })
  const bus = createEventBus(dispatch.nats.nc, namespace)
  const data = {
    postId: randomUUID(),
    connectionId: randomUUID(),
    publishId: 'v_pub_bench',
    tiktokPostIds: ['7300000000000000001'],
  }
  const probe = process.env.BENCH_DEBUG
    ? setInterval(async () => {
        const rows =
          await dispatch.sql`select status, count(*)::int as n from dispatch.deliveries group by status`
        console.log(Math.round(performance.now()), JSON.stringify(rows), 'arrived', arrivals.size)
      }, 2000)
    : undefined
  const dispatchCpu = process.cpuUsage()
  const dispatchSent = await paced(async (id) => {
    await bus.publish(
      Subjects.postPublished,
      createEnvelope({ id, type: Subjects.postPublished, tenantId: TENANT, data }),
    )
  })
  await settle(arrivals, total)
  clearInterval(probe)
  const dispatchUsed = process.cpuUsage(dispatchCpu)
  const service = report('webhook-dispatch', dispatchSent, arrivals, dispatchUsed.user + dispatchUsed.system)
  await dispatch.close()
  for (const s of servers) s.close()
  for (const fn of teardowns.reverse()) await fn()

  const row = (r: ReturnType<typeof report>) =>
    `${r.name.padEnd(18)} ${String(r.delivered).padStart(6)}/${total}  ${r.throughput.toFixed(0).padStart(6)} deliveries/s  p50 ${r.p50.toFixed(1).padStart(7)} ms  p99 ${r.p99.toFixed(1).padStart(7)} ms  CPU ${r.cpuPerDelivery.toFixed(0).padStart(5)} µs/delivery`
  console.log(
    `${EVENTS} events × ${ENDPOINTS} endpoints at ${RATE || 'max'} events/s, ${CONCURRENCY} in flight; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${availableParallelism()} CPUs`,
  )
  console.log(row(bare))
  console.log(row(service))
  console.log(
    `ratio (dispatch / bare): throughput ${(service.throughput / bare.throughput).toFixed(2)}, p50 ${(service.p50 / bare.p50).toFixed(1)}×, p99 ${(service.p99 / bare.p99).toFixed(1)}×, CPU ${(service.cpuPerDelivery / bare.cpuPerDelivery).toFixed(1)}×; target p99 < 200 ms: ${service.p99 < 200 ? 'met' : 'missed'}`,
  )
}

await main()
