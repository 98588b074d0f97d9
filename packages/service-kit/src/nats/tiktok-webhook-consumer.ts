import type { NatsConnection } from '@nats-io/transport-node'
import {
  Streams,
  TikTokWebhookAnyVersion,
  type TikTokWebhookEnvelope,
  type TikTokWebhookV2,
  tiktokWebhookData,
} from '@social-bridge/contracts'
import {
  type DeliveryContext,
  type DurableConsumer,
  type DurableConsumerOptions,
  startDurableConsumer,
} from './durable-consumer.js'

/** Where a TikTok webhook consumer runs: the NATS connection, the namespace and the log. */
export interface TikTokWebhookConsumerHost {
  nc: NatsConnection
  namespace: string
  log?: DurableConsumerOptions<unknown>['log']
}

/** What a TikTok webhook consumer reads and does. */
export interface TikTokWebhookConsumerSpec {
  /** Durable name: one per service and purpose; replicas share it and split the work. */
  durableName: string
  /** One of contracts' `TikTokWebhookFilters`, e.g. `TikTokWebhookFilters.postPublish`. */
  filterSubject: string
  /**
   * Gets the event as the contracts v2 payload (a v1 event still in the stream is read through
   * `tiktokWebhookData`) with its envelope. Commit the effect, then resolve; throwing means "not
   * done": the message is redelivered (see `startDurableConsumer`).
   */
  handler: (event: TikTokWebhookV2, envelope: TikTokWebhookEnvelope, ctx: DeliveryContext) => Promise<void>
}

/**
 * A durable consumer of TikTok webhooks as webhook-ingest publishes them (stream TIKTOK_WEBHOOKS,
 * subjects `tiktok.webhook.<event>`, payload v2 or v1 — anything else is dead-lettered as poison):
 * `startDurableConsumer` with the stream, the payload schema and the v1 → v2 reading fixed.
 */
export function startTikTokWebhookConsumer(
  host: TikTokWebhookConsumerHost,
  spec: TikTokWebhookConsumerSpec,
): Promise<DurableConsumer> {
  return startDurableConsumer<TikTokWebhookAnyVersion>({
    nc: host.nc,
    namespace: host.namespace,
    ...(host.log ? { log: host.log } : {}),
    stream: Streams.tiktokWebhooks,
    durableName: spec.durableName,
    filterSubject: spec.filterSubject,
    payloadSchema: TikTokWebhookAnyVersion,
    handler: (envelope, ctx) => spec.handler(tiktokWebhookData(envelope), envelope, ctx),
  })
}
