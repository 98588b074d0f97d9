import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'

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
