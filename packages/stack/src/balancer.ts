import replyFrom from '@fastify/reply-from'
import { errorBody } from '@social-bridge/service-kit'
import Fastify, { type FastifyInstance } from 'fastify'

/** Seconds a client should wait before retrying when no replica could answer. */
export const BALANCER_RETRY_AFTER_SEC = 1

/**
 * A round-robin HTTP balancer in front of a service's replicas, as a platform load balancer
 * would be (deploy/README.md "Scaling out"): each request goes to the next of `upstreams()`
 * (the base URLs of the replicas that are up and ready, asked per request), bodies streamed both
 * ways by @fastify/reply-from. When no replica is up, or the chosen one fails before answering
 * (killed mid-request), it answers 503 `SERVICE_UNAVAILABLE` in the shared error shape with
 * `Retry-After: 1`. Listens on 127.0.0.1:`port`; close it with `app.close()` (open connections are
 * dropped).
 */
export async function startBalancer(opts: {
  name: string
  port: number
  upstreams: () => string[]
}): Promise<FastifyInstance> {
  // Closing drops every connection: one whose request body the balancer stopped reading (its
  // replica died mid-upload, 503 answered) would otherwise hold the stack's stop for ~45 s.
  const app = Fastify({ bodyLimit: 1024 ** 4, forceCloseConnections: true })
  // Bodies pass through untouched, whatever their type.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload))
  await app.register(replyFrom, {
    undici: { connections: 64, pipelining: 1, headersTimeout: 0, bodyTimeout: 0 },
    disableRequestLogging: true,
  })
  let next = 0
  const unavailable = (id: string) =>
    errorBody(id, 'SERVICE_UNAVAILABLE', `No ${opts.name} replica is answering; try again shortly`)
  app.all('/*', (request, reply) => {
    const up = opts.upstreams()
    const target = up[next++ % Math.max(up.length, 1)]
    if (!target) {
      return reply
        .code(503)
        .header('retry-after', String(BALANCER_RETRY_AFTER_SEC))
        .send(unavailable(request.id))
    }
    return reply.from(`${target}${request.url}`, {
      onError: (r) => {
        r.code(503).header('retry-after', String(BALANCER_RETRY_AFTER_SEC)).send(unavailable(request.id))
      },
    })
  })
  await app.listen({ host: '127.0.0.1', port: opts.port })
  return app
}
