import closeWithGrace from 'close-with-grace'
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify'
import type { Static, TObject } from 'typebox'
import { loadConfigOrExit } from './config.js'
import { createFastifyOptions, type HttpLimits, loadHttpLimits } from './fastify-options.js'

/**
 * Listens on `host:port` and installs graceful shutdown (close-with-grace): on SIGINT/SIGTERM
 * or an uncaught error the server stops accepting, answers 503 to new requests on open
 * connections, lets in-flight requests finish, then runs every `onClose` hook (workers stop,
 * NATS drains, the pool ends). A shutdown that takes longer than `graceMs` exits anyway.
 *
 * @returns the listening address.
 */
export async function listenWithGrace(
  app: FastifyInstance,
  opts: { host: string; port: number; graceMs?: number },
): Promise<string> {
  closeWithGrace({ delay: opts.graceMs ?? 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an uncaught error')
    else app.log.info({ signal }, 'shutting down')
    await app.close()
  })
  return app.listen({ host: opts.host, port: opts.port })
}

/** The variables `startService` reads from a service's config (service-kit `BaseConfig`'s). */
export interface ListenConfig {
  HOST: string
  PORT: number
  LOG_LEVEL?: string
}

/** Options of {@link startService}. */
export interface StartServiceOptions<T extends TObject> {
  /** The service's name in logs. */
  service: string
  /** The service's config schema; must hold `HOST`, `PORT` and `LOG_LEVEL` (`BaseConfig`'s). */
  config: T
  /** The service's app plugin (`src/app.ts`), registered with `{ config }`. */
  app: FastifyPluginAsync<{ config: Static<T> }>
  /**
   * This service's defaults of the HTTP limits, which `HTTP_*_TIMEOUT_MS` still override
   * (`loadHttpLimits`); e.g. `{ requestTimeoutMs: 0 }` where uploads take as long as they need.
   */
  http?: Partial<HttpLimits>
  /** Largest body accepted, bytes (default 1 MiB, `createFastifyOptions`). */
  bodyLimit?: number
  /** How long a shutdown may take before the process exits anyway, ms (default 10 s). */
  graceMs?: number
}

/**
 * A service's `server.ts` in one call: validates the environment against `config` (printing the
 * bad variables and exiting 1 when invalid, `loadConfigOrExit`), reads the HTTP limits
 * (`loadHttpLimits`), builds Fastify with `createFastifyOptions`, registers `app` with the
 * config, and listens on `HOST:PORT` with graceful shutdown (`listenWithGrace`).
 * @returns the listening server.
 * @throws whatever the app's registration or `listen` throws (a dependency down at start, a port in use).
 */
export async function startService<T extends TObject>(
  opts: StartServiceOptions<T>,
): Promise<FastifyInstance> {
  const config = loadConfigOrExit(opts.config)
  // the schema holds BaseConfig's HOST, PORT and LOG_LEVEL (documented above)
  const { HOST, PORT, LOG_LEVEL } = config as Static<T> & ListenConfig
  const server = Fastify(
    createFastifyOptions({
      service: opts.service,
      logLevel: LOG_LEVEL,
      bodyLimit: opts.bodyLimit,
      http: loadHttpLimits(opts.http),
    }),
  )
  await server.register(opts.app, { config })
  await listenWithGrace(server, { host: HOST, port: PORT, graceMs: opts.graceMs })
  return server
}
