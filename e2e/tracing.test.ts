import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { waitUntil } from '@social-bridge/service-kit/testing'
import { connectThroughGateway, DEV_TIKTOK, startTestStack } from '@social-bridge/stack'
import t from 'tap'
import { type ReceivedSpan, SpanKinds, startOtlpReceiver } from './tracing/otlp-receiver.js'

// Tracing on, as an operator turns it on (docs/operations.md "Tracing"): every service exports
// its spans over OTLP/HTTP to a receiver this test runs. The CRM's connect callback goes through
// the gateway to auth-service, which exchanges the code at TikTok (the sandbox) and writes
// `social.connection.connected` to its outbox; the relay publishes it to NATS; analytics-service
// consumes it and syncs the account at TikTok. All of it is one trace.

const receiver = await startOtlpReceiver(t)
const stack = await startTestStack(t, (name) =>
  name === 'sandbox'
    ? undefined
    : {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: name,
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        ...(name === 'analytics-service' ? { SCHEDULER_TICK_MS: '200' } : {}),
      },
)

/** The chain of spans from `span` up to its trace's root (each one's parent next). */
function ancestry(spans: ReceivedSpan[], span: ReceivedSpan): ReceivedSpan[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]))
  const chain = [span]
  for (let s = span; s.parentSpanId; ) {
    const parent = byId.get(s.parentSpanId)
    if (!parent) break
    chain.push(parent)
    s = parent
  }
  return chain
}

const isTikTokCall = (s: ReceivedSpan, path: string) =>
  s.kind === SpanKinds.client && String(s.attributes['url.full'] ?? '').startsWith(`${stack.sandbox}${path}`)

t.test(
  'a CRM connect is one trace: gateway → auth-service → outbox → NATS → analytics-service → TikTok',
  async (t) => {
    const creator = DEV_TIKTOK.users[0]?.openId as string
    const result = await connectThroughGateway({
      gateway: stack.gateway,
      sandbox: stack.sandbox,
      token: await stack.jwt({ roles: ['admin'] }),
      openId: creator,
    })
    t.equal(result.outcome, 'connected')

    // the analytics sync's user/info call at TikTok, in a trace that began at the gateway
    const userInfo = () =>
      receiver.spans.find(
        (s) =>
          s.service === 'analytics-service' &&
          isTikTokCall(s, '/v2/user/info/') &&
          ancestry(receiver.spans, s).at(-1)?.service === 'gateway',
      )
    const found = await waitUntil(() => userInfo() !== undefined, 60_000)
    const summary = receiver.spans.map(
      (s) =>
        `${s.traceId.slice(0, 8)} ${s.spanId.slice(0, 6)}<${s.parentSpanId.slice(0, 6)} ${s.service} ${s.kind} ${s.name} ${s.attributes['url.full'] ?? ''}`,
    )
    t.ok(
      found,
      'analytics-service’s TikTok call was exported in the connect’s trace',
      found ? {} : { spans: summary },
    )
    if (!found) return
    const call = userInfo() as ReceivedSpan
    const trace = receiver.spans.filter((s) => s.traceId === call.traceId)
    const chain = ancestry(trace, call)
    const root = chain.at(-1) as ReceivedSpan
    const step = (service: string, kind: number, name?: RegExp) =>
      chain.findIndex((s) => s.service === service && s.kind === kind && (!name || name.test(s.name)))

    t.equal(root.parentSpanId, '', 'the chain ends at a root span')
    t.equal(root.kind, SpanKinds.server, 'the root is the gateway’s server span')
    t.match(String(root.attributes['url.path'] ?? root.attributes['http.target'] ?? root.name), /callback/)
    // the chain, from TikTok back to the CRM's request; each index is further up (an ancestor)
    const steps = [
      ['analytics sync', step('analytics-service', SpanKinds.internal, /^analytics sync$/)],
      ['consumer', step('analytics-service', SpanKinds.consumer, /social\.connection\.connected process$/)],
      [
        'outbox relay publish',
        step('auth-service', SpanKinds.producer, /social\.connection\.connected publish$/),
      ],
      ['auth-service server span', step('auth-service', SpanKinds.server)],
      ['gateway proxy call', step('gateway', SpanKinds.client)],
      ['gateway server span', chain.length - 1],
    ] as const
    for (const [what, index] of steps) t.ok(index > 0, `${what} is an ancestor of the TikTok call`)
    const indexes = steps.map(([, i]) => i)
    t.same(
      indexes,
      [...indexes].sort((a, b) => a - b),
      `in this order up the chain: ${chain.map((s) => `${s.service}:${s.name}`).join(' ← ')}`,
    )
    t.equal(chain[1]?.spanId, call.parentSpanId)

    // the same trace also holds auth-service's own TikTok call and its PostgreSQL queries
    const authServer = chain[steps[3][1]] as ReceivedSpan
    const underAuth = (s: ReceivedSpan) => ancestry(trace, s).some((a) => a.spanId === authServer.spanId)
    t.ok(
      trace.some((s) => s.service === 'auth-service' && isTikTokCall(s, '/v2/oauth/token/') && underAuth(s)),
      'the code exchange at TikTok is in the callback’s trace',
    )
    t.ok(
      trace.some(
        (s) =>
          s.service === 'auth-service' &&
          s.kind === SpanKinds.client &&
          s.attributes['db.system.name'] === 'postgresql' &&
          /insert into "auth"\."outbox"/i.test(String(s.attributes['db.query.text'])) &&
          underAuth(s),
      ),
      'the outbox insert is a PostgreSQL span of the callback',
    )

    // spans leave the services: the callback's authorization code is not in any of them
    const callbackUrls = receiver.spans.flatMap((s) =>
      Object.values(s.attributes).filter((v): v is string => typeof v === 'string' && v.includes('code=')),
    )
    t.ok(callbackUrls.length > 0, 'the callback URL was exported')
    t.same(
      callbackUrls.filter((v) => /(?:^|[?&])code=(?!\[REDACTED\])/.test(v)),
      [],
      'every exported callback URL has its code scrubbed',
    )

    // the services' log lines carry the trace id beside the request id
    const authLog = readFileSync(join(stack.logDir, 'auth-service.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    t.ok(
      authLog.some((l) => l.trace_id === call.traceId && typeof l.reqId === 'string'),
      'an auth-service log line of the callback has the trace id and the request id',
    )
  },
)
