/**
 * Gateway overhead: requests/s and latency of `GET /v1/posts/:id` through the gateway (JWT
 * verification, role check, rate limit, proxy) beside the same request sent straight to
 * publish-service with the internal identity token, in one run against the whole stack
 * started as processes. Target: the gateway keeps ≥ 60% of the direct throughput.
 *
 *   pnpm exec tsx bench/gateway.ts        (BENCH_DURATION_SEC, BENCH_CONNECTIONS to change the load)
 */
import { randomUUID } from 'node:crypto'
import { sampleClip } from '@social-bridge/service-kit/testing'
import { call, connectThroughGateway, DEV_TIKTOK, pollUntil, startTestStack } from '@social-bridge/stack'
import autocannon from 'autocannon'

const duration = Number(process.env.BENCH_DURATION_SEC ?? 10)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50)

const teardowns: (() => unknown)[] = []
// The gateway's per-user budget is raised: the proxy path, not the limiter's 429s, is measured.
const stack = await startTestStack(
  { teardown: (fn) => teardowns.push(fn) },
  {
    gateway: { RATE_LIMIT_PER_MINUTE: '100000000', LOG_LEVEL: process.env.BENCH_GATEWAY_LOG_LEVEL ?? 'info' },
  },
)
try {
  const token = await stack.jwt()
  const connected = await connectThroughGateway({
    gateway: stack.gateway,
    sandbox: stack.sandbox,
    token,
    openId: DEV_TIKTOK.users[0]?.openId ?? '',
  })
  const media = await call('POST', `${stack.gateway}/media`, {
    token,
    file: { path: await sampleClip('clip-15s-vertical.mp4'), type: 'video/mp4' },
  })
  const post = await call('POST', `${stack.gateway}/posts`, {
    token,
    headers: { 'idempotency-key': randomUUID() },
    json: {
      connectionId: connected.connectionId,
      mode: 'direct',
      source: { mediaId: media.body.id },
      privacyLevel: 'PUBLIC_TO_EVERYONE',
    },
  })
  await pollUntil(
    async () => (await call('GET', `${stack.gateway}/posts/${post.body.id}`, { token })).body,
    (p) => p.status === 'published',
  )

  const run = (url: string, headers: Record<string, string>) =>
    autocannon({ url, connections, duration, headers, pipelining: 1 })
  // warm both paths (JIT, pools) before measuring
  await run(`${stack.gateway}/posts/${post.body.id}`, { authorization: `Bearer ${token}` })
  const direct = await run(`http://127.0.0.1:${stack.ports.publish}/posts/${post.body.id}`, {
    'x-internal-token': await stack.internalToken(),
  })
  const viaGateway = await run(`${stack.gateway}/posts/${post.body.id}`, { authorization: `Bearer ${token}` })

  const row = (name: string, r: autocannon.Result) =>
    `${name.padEnd(16)} ${r.requests.average.toFixed(0).padStart(8)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   non-2xx ${r.non2xx}   errors ${r.errors}`
  console.log(`GET /v1/posts/:id — ${connections} connections, ${duration} s each`)
  console.log(row('direct service', direct))
  console.log(row('through gateway', viaGateway))
  const ratio = viaGateway.requests.average / direct.requests.average
  console.log(`gateway / direct throughput: ${ratio.toFixed(2)} (target ≥ 0.60)`)
} finally {
  for (const fn of teardowns.reverse()) await fn()
}
