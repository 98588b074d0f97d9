import { publicEventSubject, Streams } from '@social-bridge/contracts'
import { type DurableConsumer, startDurableConsumer } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import { type PublicEnvelope, toPublicEvent } from '../domain/event-catalogue.js'
import { createGroupCommit } from './group-commit.js'

/**
 * The consumer of webhook-dispatch, `webhook-dispatch-catalogue`, durable (replicas share it),
 * started `copies` times (pulls from one durable consumer split the work). For each domain event
 * (`social.>`) with a public counterpart (contracts `PublicEvents`) it publishes the public event on
 * `public.<tenant>.<type>` (PUBLIC_EVENTS, message id = event id, so a redelivery is stored once:
 * what the SSE stream reads) and, at the same time, stores one delivery per subscribed endpoint (a
 * repeat is ignored; the events all copies handle at once share one insert statement), wakes the
 * delivery worker, and only then, both done, acks. While PostgreSQL or JetStream is down the event is
 * redelivered (every 30 s at most) for about 3 days before it is dead-lettered.
 */
export async function startEventConsumers(
  app: FastifyInstance,
  copies: number,
  onFannedOut: () => void,
): Promise<DurableConsumer[]> {
  const { nc, namespace, bus } = app.nats
  const { deliveries } = app.dispatch
  // the events handled at once (every copy) share insert statements: one per batch
  const fanOut = createGroupCommit((events: PublicEnvelope[]) => deliveries.fanOut(events), 256)
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
          const [, added] = await Promise.all([
            bus.publish(publicEventSubject(event.tenantId, event.type), event),
            fanOut.submit(event),
          ])
          if (added.length > 0) onFannedOut()
        },
        log: app.log,
      }),
    )
  return consumers
}
