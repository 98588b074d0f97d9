import { ErrorResponse } from '@social-bridge/contracts'
import { Type } from 'typebox'

/**
 * Route options of a network's signed webhook delivery (TikTok's `POST /webhooks/tiktok`,
 * Instagram's `POST /webhooks/instagram`): the body is the raw bytes the signature `header`
 * covers, at most `bodyLimit` bytes (else 413); the answer is 200 `{}` once stored, 400 a verified
 * body that is not the network's payload, 401 a bad or stale signature, 503 not stored (the network
 * retries).
 */
export function signedDeliveryOptions(header: string, bodyLimit: number) {
  return {
    bodyLimit,
    schema: {
      headers: Type.Object({ [header]: Type.Optional(Type.String()) }),
      response: {
        200: Type.Object({}, { additionalProperties: false }),
        400: ErrorResponse,
        401: ErrorResponse,
        413: ErrorResponse,
        503: ErrorResponse,
      },
    },
  }
}

/** The raw body of a delivery (the content-type parser of `routes/webhooks/` reads every type as bytes). */
export function rawBody(body: unknown): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0)
}
