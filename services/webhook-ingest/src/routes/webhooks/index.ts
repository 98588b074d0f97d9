import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { WEBHOOK_SIGNATURE_HEADER } from '@social-bridge/tiktok-client'
import { INSTAGRAM_WEBHOOK_BODY_LIMIT_BYTES, WEBHOOK_BODY_LIMIT_BYTES } from '../../config.js'
import instagramRoutes from './instagram.js'
import { rawBody, signedDeliveryOptions } from './signed-delivery.js'

/**
 * `POST /webhooks/tiktok` — TikTok's webhook callback (docs/tiktok-api.md §4). Public: authenticated by
 * `TikTok-Signature`, not by an internal token. The body is read as raw bytes whatever its
 * content type (the signature covers the exact bytes; re-serialised JSON would not verify), up
 * to 1 MiB (else 413). Answers 200 `{}` only once JetStream has acknowledged the event (a
 * duplicate delivery included); 401 bad signature / stale `t` / foreign `client_key`; 400 a
 * verified body that is not an envelope; 503 not stored, so TikTok retries. Instagram's
 * `GET|POST /webhooks/instagram` are in `instagram.ts`.
 */
const webhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Encapsulated: only this plugin's routes see the raw-body parser.
  app.removeAllContentTypeParsers()
  // The parser's limit is the largest route's (Instagram's); each route sets its own bodyLimit.
  // Registered for application/json (what TikTok and Meta send) as well as the catch-all: Fastify
  // caches the parser it finds for a named type, but looks the catch-all up again on every request.
  const raw = { parseAs: 'buffer', bodyLimit: INSTAGRAM_WEBHOOK_BODY_LIMIT_BYTES } as const
  const keepBytes = (_req: unknown, body: Buffer, done: (err: null, body: Buffer) => void) => done(null, body)
  app.addContentTypeParser('application/json', raw, keepBytes)
  app.addContentTypeParser('*', raw, keepBytes)
  // GET|POST /webhooks/instagram (Meta), under the same raw-body parser
  await app.register(instagramRoutes)

  app.post(
    '/webhooks/tiktok',
    signedDeliveryOptions(WEBHOOK_SIGNATURE_HEADER, WEBHOOK_BODY_LIMIT_BYTES),
    async (request) => {
      // checked by signature, then parsed by the ingestor (docs/tiktok-api.md §4.2–§4.3)
      const stored = await app.webhookIngestor.ingest(
        request.headers[WEBHOOK_SIGNATURE_HEADER],
        rawBody(request.body),
      )
      request.log.debug(stored, 'webhook stored')
      return {}
    },
  )
}

export default webhookRoutes
