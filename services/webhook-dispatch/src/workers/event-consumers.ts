import { publicEventSubject, Streams } from '@social-bridge/contracts'
import { type DurableConsumer, startDurableConsumer } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import { type PublicEnvelope, toPublicEvent } from '../domain/event-catalogue.js'

/**
 * The two consumers of webhook-dispatch, both durable (replicas share them) and acking only after
 * their effect is stored:
 * - `webhook-dispatch-catalogue` reads the domain events (`social.>`), maps each to its public
 *   event (contracts `PublicEvents`) and publishes it on `public.<tenant>.<type>` (PUBLIC_EVENTS,
 *   message id = event id, so a redelivery is stored once);
 * - `webhook-dispatch-fanout` reads PUBLIC_EVENTS and stores one delivery per subscribed endpoint,
 *   then wakes the delivery worker.
 */
export async function startEventConsumers(
  app: FastifyInstance,
  onFannedOut: () => void,
): Promise<DurableConsumer[]> {
  const { nc, namespace, bus } = app.nats
  const { endpoints, deliveries } = app.dispatch
  const catalogue = await startDurableConsumer({
    nc,
    namespace,
    stream: Streams.socialEvents,
    durableName: 'webhook-dispatch-catalogue',
    filterSubject: 'social.>',
    handler: async (envelope, ctx) => {
      const event = toPublicEvent(ctx.subject, envelope)
      if (event) await bus.publish(publicEventSubject(event.tenantId, event.type), event)
    },
    log: app.log,
  })
  const fanout = await startDurableConsumer<Record<string, unknown>>({
    nc,
    namespace,
    stream: Streams.publicEvents,
    durableName: 'webhook-dispatch-fanout',
    filterSubject: `${Streams.publicEvents.subjects[0]}`,
    handler: async (envelope) => {
      const event = envelope as PublicEnvelope
      const subscribed = await endpoints.subscribers(event.tenantId, event.type)
      const added = await deliveries.fanOut(
        event,
        subscribed.map((e) => e.id),
      )
      if (added.length > 0) onFannedOut()
    },
    log: app.log,
  })
  return [catalogue, fanout]
}
