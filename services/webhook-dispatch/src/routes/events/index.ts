import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DeliverPolicy } from '@nats-io/jetstream'
import {
  ErrorResponse,
  EventStreamQuery,
  namespacedStream,
  namespacedSubject,
  PUBLIC_EVENT_SUBJECT_PREFIX,
  Streams,
  tenantSubjectToken,
} from '@social-bridge/contracts'
import { requireUser } from '@social-bridge/service-kit'
import { matchesFilters, publicBody } from '../../domain/event-catalogue.js'
import { LastEventIdInvalidError } from '../../errors.js'

/** Reading the stream is for the roles that read posts and analytics. */
const READERS = ['admin', 'social_marketing']

/** One SSE frame (https://html.spec.whatwg.org/multipage/server-sent-events.html): `id`, `event`, `data`. */
const frame = (id: number, type: string, data: string) => `id: ${id}\nevent: ${type}\ndata: ${data}\n\n`

/**
 * `GET /events` (gateway `/v1/events`): the caller's tenant's public events as Server-Sent Events,
 * read from PUBLIC_EVENTS (kept 3 days). Each frame's `id` is the event's stream sequence: a
 * client that reconnects with `Last-Event-ID` gets every later event, none twice; without it the
 * stream starts with the next event. `?types=post.*,connection.revoked` filters by type. A
 * `: heartbeat` comment every `heartbeatSec` keeps proxies from closing an idle stream. A stream
 * that ends (the client left, even while the stream was being set up, or the server stops)
 * deletes its consumer on the server.
 * 400 for a `Last-Event-ID` that is not a sequence number.
 */
const eventRoutes: FastifyPluginAsyncTypebox<{ heartbeatSec: number }> = async (app, opts) => {
  // streams end before the server closes (it waits for open connections)
  const open = new Set<() => void>()
  app.addHook('preClose', async () => {
    for (const end of open) end()
  })
  app.get(
    '/events',
    { schema: { querystring: EventStreamQuery, response: { 400: ErrorResponse, 403: ErrorResponse } } },
    async (request, reply) => {
      const user = requireUser(request, READERS)
      const last = request.headers['last-event-id']
      if (last !== undefined && !/^\d{1,15}$/.test(String(last))) throw new LastEventIdInvalidError()
      const filters = request.query.types?.split(',') ?? ['*']
      const { js, namespace } = app.nats
      const stream = namespacedStream(namespace, Streams.publicEvents).name
      const subject = namespacedSubject(
        namespace,
        `${PUBLIC_EVENT_SUBJECT_PREFIX}.${tenantSubjectToken(user.tenantId)}.>`,
      )
      const consumer = await js.consumers.get(stream, {
        filter_subjects: subject,
        ...(last === undefined
          ? { deliver_policy: DeliverPolicy.New }
          : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Number(last) + 1 }),
      })
      const messages = await consumer.consume()

      reply.hijack()
      const res = reply.raw
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      })
      res.write('retry: 3000\n\n')
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), opts.heartbeatSec * 1000)
      const close = () => {
        open.delete(close)
        clearInterval(heartbeat)
        // The server keeps a stopped ordered consumer for 5 minutes unless it is deleted.
        void messages
          .close()
          .then(() => consumer.delete())
          .catch(() => undefined)
        res.end()
      }
      open.add(close)
      request.raw.on('close', close)
      // A client that left while the consumer was being set up: its 'close' has already come, and
      // the consumer would otherwise pull for nobody until the server stops.
      if (request.raw.socket.destroyed) close()
      for await (const msg of messages) {
        const body = publicBody(msg.json())
        if (body.type !== 'ping' && matchesFilters(body.type, filters))
          res.write(frame(msg.seq, body.type, JSON.stringify(body)))
      }
    },
  )
}

export default eventRoutes
