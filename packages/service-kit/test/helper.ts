import { Writable } from 'node:stream'
import Fastify, { type FastifyInstance } from 'fastify'
import { createFastifyOptions, infrastructurePlugin } from '../src/index.js'
import type { Teardownable } from '../src/testing/index.js'

/** Collects pino's JSON lines in memory. */
export function captureLogs(): { stream: Writable; lines: () => string[]; text: () => string } {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(chunk.toString())
      cb()
    },
  })
  const text = () => chunks.join('')
  return { stream, text, lines: () => text().split('\n').filter(Boolean) }
}

/**
 * Builds a Fastify app with the kit's base plugins in the services' fixed order
 * (`infrastructurePlugin` without internal auth, db or NATS: error handler, request id, health,
 * metrics), lets `register` add more, and closes it at teardown.
 */
export async function build(
  t: Teardownable,
  register?: (app: FastifyInstance) => Promise<void> | void,
  opts: { logStream?: Writable; bodyLimit?: number; logLevel?: string } = {},
): Promise<FastifyInstance> {
  const app = Fastify(
    createFastifyOptions({
      service: 'kit-test',
      logStream: opts.logStream,
      logLevel: opts.logLevel ?? (opts.logStream ? 'info' : 'silent'),
      bodyLimit: opts.bodyLimit,
    }),
  )
  await app.register(infrastructurePlugin, { service: 'kit-test', config: {}, internalAuth: false })
  if (register) await register(app)
  t.teardown(() => app.close())
  await app.ready()
  return app
}
