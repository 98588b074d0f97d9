import { createHmac } from 'node:crypto'

/** What goes into a Shop API request signature (docs/tiktok-shop-api.md §3). */
export interface SignInput {
  /** The request path without host or query, e.g. `/authorization/202309/shops`. */
  path: string
  /** Every query parameter that will be sent (values as sent, before URL encoding). */
  query: Readonly<Record<string, string>>
  /** The exact body string that will be sent, if any. */
  body?: string | undefined
  /** The request's content type; a `multipart/form-data` body is left out of the signature. */
  contentType?: string | undefined
  appSecret: string
}

/** Query parameters never signed (docs/tiktok-shop-api.md §3, step 1). */
const UNSIGNED = new Set(['sign', 'access_token'])

/**
 * The string the HMAC runs over (docs/tiktok-shop-api.md §3, steps 1–5):
 * `app_secret + path + k1v1k2v2… (keys sorted, without sign/access_token) + body + app_secret`.
 * Exported for tests and debugging; it contains the app secret, so never log it.
 */
export function stringToSign(input: SignInput): string {
  const params = Object.keys(input.query)
    .filter((k) => !UNSIGNED.has(k))
    .sort()
    .map((k) => `${k}${input.query[k]}`)
    .join('')
  const multipart = (input.contentType ?? '').toLowerCase().startsWith('multipart/form-data')
  const body = !multipart && input.body ? input.body : ''
  return `${input.appSecret}${input.path}${params}${body}${input.appSecret}`
}

/**
 * The `sign` query parameter of a Shop API call: lowercase hex HMAC-SHA256 keyed with the app
 * secret over {@link stringToSign} (docs/tiktok-shop-api.md §3, step 6). 64 characters.
 */
export function signRequest(input: SignInput): string {
  return createHmac('sha256', input.appSecret).update(stringToSign(input), 'utf8').digest('hex')
}
