import { publicEventSubject, Streams } from '@social-bridge/contracts'
import { type DurableConsumer, startDurableConsumer } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import { toPublicEvent } from '../domain/event-catalogue.js'

/**
 * The consumer of webhook-dispatch, `webhook-dispatch-catalogue`, durable (replicas share it),
 * started `copies` times (pulls from one durable consumer split the work). For each domain event
 * (`social.>`) with a public counterpart (contracts `PublicEvents`) it publishes the public event on
 * `public.<tenant>.<type>` (PUBLIC_EVENTS, message id = event id, so a redelivery is stored once:
 * what the SSE stream reads), stores one delivery per subscribed endpoint in one statement (a repeat is ignored),
 * wakes the delivery worker, and only then acks. While PostgreSQL or JetStream is down the event is
 * redelivered (every 30 s at most) for about 3 days before it is dead-lettered.
 */
export async function startEventConsumers(
  app: FastifyInstance,
  copies: number,
  onFannedOut: () => void,
): Promise<DurableConsumer[]> {
  const { nc, namespace, bus } = app.nats
  const { deliveries } = app.dispatch
  const consumers: DurableConsumer[] = []
  for (let i = 0; i < copies; i++)
    consumers.push(
      await startDurableConsumer({
        nc,
        namespace,
        stream: Streams.socialEvents,
        durableName: 'webhook-dispatch-catalogue',
        filterSubject: 'social.>',
        // PostgreSQL or NATS down must not dead-letter events: retry every 30 s for about 3 days
        maxDeliver: 8_640,
        handler: async (envelope, ctx) => {
          const event = toPublicEvent(ctx.subject, envelope)
          if (!event) return
          await bus.publish(publicEventSubject(event.tenantId, event.type), event)
          const added = await deliveries.fanOut(event)
          if (added.length > 0) onFannedOut()
        },
        log: app.log,
      }),
    )
  return consumers
}
