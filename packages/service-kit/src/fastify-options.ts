import type { Server } from 'node:http'
import type { FastifyHttpOptions } from 'fastify'
import { type DestinationStream, pino } from 'pino'
import { type Static, Type } from 'typebox'
import { loadConfigOrExit } from './config.js'
import { clientErrorHandler, frameworkErrors } from './http-edge.js'
import { createLoggerOptions, genReqId, RequestLogController } from './logger.js'

/**
 * How long a client may take to send a request, in ms. Every service bounds all three; a
 * stalled client is answered 408 `REQUEST_TIMEOUT` (headers or whole request too slow) or its
 * socket is closed (idle), so it cannot hold a connection forever.
 */
export interface HttpLimits {
  /** The request line and every header must arrive within this (Node `headersTimeout`). */
  headersTimeoutMs: number
  /**
   * The whole request, body included, must arrive within this (Node `requestTimeout`). 0 = no
   * total bound, for services that take long uploads (gateway, publish-service): there the idle
   * timeout alone ends a stalled upload.
   */
  requestTimeoutMs: number
  /**
   * A connection silent this long in the middle of a request is closed (Node `server.timeout`,
   * Fastify `connectionTimeout`). Must exceed the longest silence of a working request: a
   * handler waiting on an upstream (the gateway's `UPSTREAM_TIMEOUT_MS`).
   */
  idleTimeoutMs: number
}

/** Defaults: 10 s for the headers, 30 s for a whole request, 60 s of silence. */
export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
}

/** Largest header block accepted, bytes (Node's default, pinned): more answers 431. */
export const MAX_HEADER_BYTES = 16 * 1024

/** The environment variables of `HttpLimits`; `defaults` replace `DEFAULT_HTTP_LIMITS` per service. */
export function httpLimitsConfig(defaults: Partial<HttpLimits> = {}) {
  const d = { ...DEFAULT_HTTP_LIMITS, ...defaults }
  return Type.Object({
    HTTP_HEADERS_TIMEOUT_MS: Type.Integer({ minimum: 1, default: d.headersTimeoutMs }),
    HTTP_REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 0, default: d.requestTimeoutMs }),
    HTTP_IDLE_TIMEOUT_MS: Type.Integer({ minimum: 1, default: d.idleTimeoutMs }),
  })
}
export type HttpLimitsConfig = Static<ReturnType<typeof httpLimitsConfig>>

/**
 * Reads `HTTP_HEADERS_TIMEOUT_MS`, `HTTP_REQUEST_TIMEOUT_MS` and `HTTP_IDLE_TIMEOUT_MS` (ms)
 * from `env`, with `defaults` for this service; exits like `loadConfigOrExit` when one is invalid.
 */
export function loadHttpLimits(
  defaults: Partial<HttpLimits> = {},
  env: Record<string, string | undefined> = process.env,
): HttpLimits {
  const c = loadConfigOrExit(httpLimitsConfig(defaults), env)
  return {
    headersTimeoutMs: c.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: c.HTTP_REQUEST_TIMEOUT_MS,
    idleTimeoutMs: c.HTTP_IDLE_TIMEOUT_MS,
  }
}

/** Node's options for the limits; its timeout checker runs often enough to honour the shortest. */
function nodeHttpOptions(limits: HttpLimits) {
  const { requestTimeoutMs } = limits
  // Node refuses a headers timeout longer than a (non-zero) request timeout.
  const headersTimeout =
    requestTimeoutMs > 0 ? Math.min(limits.headersTimeoutMs, requestTimeoutMs) : limits.headersTimeoutMs
  const shortest = Math.min(headersTimeout, requestTimeoutMs || headersTimeout)
  return {
    headersTimeout,
    requestTimeout: requestTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, Math.max(25, Math.floor(shortest / 4))),
    maxHeaderSize: MAX_HEADER_BYTES,
  }
}

/** How long one plugin may take to register, ms: above the 60 s a start waits for NATS. */
export const PLUGIN_TIMEOUT_MS = 90_000

/**
 * Fastify options shared by every service: logger, request ids, the HTTP limits (`http`,
 * default `DEFAULT_HTTP_LIMITS`; see `loadHttpLimits`), and the shared error shape for what
 * Fastify and Node reject before a route runs (`frameworkErrors`, `clientErrorHandler`).
 * `bodyLimit` is in bytes (default 1 MiB). `logStream` sends log lines elsewhere than stdout
 * (tests capture them). Stdout is written asynchronously (pino's `sync: false` destination: lines
 * that arrive while a write is under way go out together in the next one, instead of one blocking
 * write per line — two per request at `info`); pino flushes what is left when the process exits.
 */
export function createFastifyOptions(opts: {
  service: string
  logLevel?: string
  bodyLimit?: number
  logStream?: DestinationStream
  http?: Partial<HttpLimits>
}): FastifyHttpOptions<Server> {
  const loggerOptions = createLoggerOptions({ service: opts.service, level: opts.logLevel })
  const limits = { ...DEFAULT_HTTP_LIMITS, ...opts.http }
  const http = nodeHttpOptions(limits)
  return {
    loggerInstance: pino(loggerOptions, opts.logStream ?? pino.destination({ dest: 1, sync: false })),
    genReqId,
    requestIdHeader: false,
    logController: new RequestLogController(),
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    http,
    connectionTimeout: limits.idleTimeoutMs,
    requestTimeout: http.requestTimeout,
    keepAliveTimeout: 72_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    frameworkErrors,
    clientErrorHandler,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    // A plugin may wait for its dependency at start (natsPlugin waits up to 60 s for a NATS
    // cluster that is still electing, `retryWhileNatsUnavailable`): longer than Fastify's 10 s.
    pluginTimeout: PLUGIN_TIMEOUT_MS,
  }
}
