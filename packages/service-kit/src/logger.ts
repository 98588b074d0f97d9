import { randomUUID } from 'node:crypto'
import { isSpanContextValid, trace } from '@opentelemetry/api'
import {
  type FastifyReply,
  type FastifyRequest,
  LogController,
  type RawRequestDefaultExpression,
} from 'fastify'
import type { LoggerOptions } from 'pino'
import { redactDeep, redactText } from './redact.js'

/** Header carrying the request id between the CRM, the gateway and every service. */
export const REQUEST_ID_HEADER = 'x-request-id'
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** Keys whose values the serializers below render (and scrub) themselves. */
const SERIALIZED_KEYS = new Set(['req', 'res'])

interface LoggedRequest {
  method?: string
  url?: string
  ip?: string
  raw?: { url?: string }
}

/**
 * pino options for every service: JSON lines with `service` and the request id (`reqId`), and
 * every secret scrubbed (see `redact.ts`) from the merged object (headers logged as `headers`:
 * `authorization`, `cookie`, `x-internal-token` … become `[REDACTED]`), the message, and the
 * request's URL (`req` is method, URL and client address) — a log line built from a request
 * carrying tokens contains none of them.
 *
 * Inside a trace (tracing on, docs/operations.md "Tracing") a line also carries `trace_id` and
 * `span_id` of the active span (OpenTelemetry's log correlation names), beside the request id.
 *
 * pino runs `formatters.log` before the serializers, so `req`/`res` are left to their
 * serializers (a deep copy of a Fastify request would lose its getters: method, ip, statusCode).
 */
export function createLoggerOptions(opts: { service: string; level?: string }): LoggerOptions {
  return {
    level: opts.level ?? 'info',
    base: { service: opts.service },
    mixin: traceFields,
    formatters: {
      log: (object) => {
        const rest: Record<string, unknown> = {}
        let others = 0
        for (const key of Object.keys(object)) {
          if (SERIALIZED_KEYS.has(key)) continue
          rest[key] = object[key]
          others++
        }
        if (others === 0) return object
        const out = redactDeep(rest) as Record<string, unknown>
        for (const key of SERIALIZED_KEYS) if (Object.hasOwn(object, key)) out[key] = object[key]
        return out
      },
    },
    hooks: {
      logMethod(args, method) {
        // pino hands each call its own array of arguments: scrubbed in place
        const list = args as unknown[]
        for (let i = 0; i < list.length; i++) {
          const a = list[i]
          if (typeof a === 'string') list[i] = redactText(a)
        }
        method.apply(this, args)
      },
    },
    serializers: {
      req: (req: LoggedRequest) => ({
        method: req.method,
        url: redactText(String(req.url ?? req.raw?.url ?? '')),
        remoteAddress: req.ip,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  }
}

/** `trace_id` and `span_id` of the active span, when there is one (none while tracing is off). */
function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan()
  if (!span) return {}
  const { traceId, spanId } = span.spanContext()
  return isSpanContextValid(span.spanContext()) ? { trace_id: traceId, span_id: spanId } : {}
}

/** Takes a well-formed incoming `x-request-id`, or makes a new UUID. */
export function genReqId(req: RawRequestDefaultExpression): string {
  const incoming = req.headers[REQUEST_ID_HEADER]
  return typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID()
}

/**
 * Fastify's own per-request log lines (its `logController`, set by `createFastifyOptions`): one
 * line per request instead of two — `request completed` at `info` once the answer is sent, with
 * `req` (method, URL with secrets scrubbed, client address), `res.statusCode` and `responseTime`
 * (ms), or `request errored` at `error` when sending failed. The request's headers (scrubbed) go
 * to `debug` only, as `incoming request`. A route's `logLevel` applies (`/metrics` logs nothing at
 * `info`). A request its client gave up on is logged by `requestLogPlugin`.
 */
export class RequestLogController extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request, headers: request.headers }, 'incoming request') // no-op above debug
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (error)
      reply.log.error(
        { req: request, res: reply, err: error, responseTime: reply.elapsedTime },
        'request errored',
      )
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed')
  }
}
