import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorResponse } from '@social-bridge/contracts'
import { answerHandshake, INSTAGRAM_SIGNATURE_HEADER } from '@social-bridge/instagram-client'
import { Type } from 'typebox'
import { INSTAGRAM_WEBHOOK_BODY_LIMIT_BYTES } from '../../config.js'
import { HandshakeRefusedError } from '../../errors.js'
import { rawBody, signedDeliveryOptions } from './signed-delivery.js'

/**
 * `GET|POST /webhooks/instagram` — Meta's callback for Instagram webhooks (docs/instagram-api.md
 * "Webhooks"), registered only when Instagram is configured. Public: the handshake is checked
 * by the verify token, a delivery by `X-Hub-Signature-256`, never by an internal token. Registered
 * inside `routes/webhooks/index.ts`, so the body is the raw bytes the signature covers.
 */
const instagramRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const instagram = app.instagramWebhooks
  if (!instagram) return

  // Meta's verification request: 200 with the raw hub.challenge as text/plain, else 403.
  app.get(
    '/webhooks/instagram',
    {
      schema: {
        querystring: Type.Object({
          'hub.mode': Type.Optional(Type.String()),
          'hub.verify_token': Type.Optional(Type.String()),
          'hub.challenge': Type.Optional(Type.String({ maxLength: 1024 })),
        }),
        response: { 200: Type.String(), 403: ErrorResponse },
      },
    },
    async (request, reply) => {
      const challenge = answerHandshake(request.query, instagram.verifyToken)
      if (challenge === null) throw new HandshakeRefusedError()
      return reply.type('text/plain; charset=utf-8').send(challenge)
    },
  )

  // A notification: 200 `{}` only once every change is stored; 401/400/413/503 otherwise.
  app.post(
    '/webhooks/instagram',
    signedDeliveryOptions(INSTAGRAM_SIGNATURE_HEADER, INSTAGRAM_WEBHOOK_BODY_LIMIT_BYTES),
    async (request) => {
      const stored = await instagram.ingestor.ingest(
        request.headers[INSTAGRAM_SIGNATURE_HEADER],
        rawBody(request.body),
      )
      request.log.debug({ changes: stored.length }, 'instagram notification stored')
      return {}
    },
  )
}

export default instagramRoutes
