import {
  Streams,
  TikTokWebhookAnyVersion,
  type TikTokWebhookEnvelope,
  type TikTokWebhookV2,
  tiktokWebhookData,
} from '@social-bridge/contracts'
import {
  type DurableConsumer,
  type DurableConsumerOptions,
  startDurableConsumer,
} from './durable-consumer.js'

/** Options of {@link startTikTokWebhookConsumer}: a durable consumer's, but for the stream and payload. */
export interface TikTokWebhookConsumerOptions
  extends Omit<DurableConsumerOptions<TikTokWebhookAnyVersion>, 'stream' | 'payloadSchema' | 'handler'> {
  /**
   * Applies one webhook: `event` is its v2 payload (`tiktokWebhookData`), `envelope` the stored
   * event. Resolve once the effect is committed; throwing means "not done" (redelivered).
   */
  handler: (event: TikTokWebhookV2, envelope: TikTokWebhookEnvelope) => Promise<void>
}

/**
 * A durable consumer of TikTok webhooks as webhook-ingest stored them (stream TIKTOK_WEBHOOKS,
 * `filterSubject` one of contracts `TikTokWebhookFilters`): the payload is validated as v2 or as
 * a v1 event still in the stream (else dead-lettered at once) and handed over as v2, so no
 * consumer reads TikTok's wire format or an older version itself.
 */
export function startTikTokWebhookConsumer(opts: TikTokWebhookConsumerOptions): Promise<DurableConsumer> {
  const { handler, ...consumer } = opts
  return startDurableConsumer<TikTokWebhookAnyVersion>({
    ...consumer,
    stream: Streams.tiktokWebhooks,
    payloadSchema: TikTokWebhookAnyVersion,
    handler: (envelope) => handler(tiktokWebhookData(envelope), envelope),
  })
}
