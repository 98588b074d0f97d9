import { createHmac } from 'node:crypto'

/**
 * The `TikTok-Signature` header value for a raw body (docs/tiktok-api.md §4.2):
 * `t=<unix seconds>,s=<hex HMAC-SHA256(client_secret, t + "." + rawBody)>`.
 */
export function signWebhook(clientSecret: string, rawBody: string, unixSeconds: number): string {
  const s = createHmac('sha256', clientSecret).update(`${unixSeconds}.${rawBody}`).digest('hex')
  return `t=${unixSeconds},s=${s}`
}
