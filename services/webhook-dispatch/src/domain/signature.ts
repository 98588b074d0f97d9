import { randomBytes } from 'node:crypto'
import { Webhook } from 'standardwebhooks'

/** Bytes of a new signing secret (Standard Webhooks: 24–64 bytes; we use 32). */
const SECRET_BYTES = 32

/** A new signing secret, `whsec_` and 32 random bytes in base64 (the Standard Webhooks form). */
export const generateSigningSecret = (): string => `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`

/** The three Standard Webhooks headers of one delivery. */
export interface SignedHeaders {
  'webhook-id': string
  /** Unix seconds. */
  'webhook-timestamp': string
  /** `v1,<base64 HMAC-SHA256>`, one per secret, space-separated (both during a rotation's overlap). */
  'webhook-signature': string
}

/**
 * Signs `body` for delivery with the reference `standardwebhooks` package: the signed content is
 * `<id>.<timestamp>.<body>`, HMAC-SHA256 under each of `secrets` (`whsec_…`), so a receiver holding
 * either secret verifies it (https://www.standardwebhooks.com/ "Signature scheme").
 */
export function signDelivery(id: string, at: Date, body: string, secrets: string[]): SignedHeaders {
  const timestamp = new Date(Math.floor(at.getTime() / 1000) * 1000)
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp.getTime() / 1000),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(id, timestamp, body)).join(' '),
  }
}
