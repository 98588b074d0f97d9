import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * The sandbox's own check of a Shop API `sign` (docs/tiktok-shop-api.md §3), written apart from
 * the client's signer so a mistake in one is caught by the other: HMAC-SHA256 keyed with the app
 * secret over `secret + path + sorted(k+v, without sign and access_token) + body + secret`,
 * lowercase hex. `body` is the raw body (ignored for multipart).
 */
export function signatureMatches(input: {
  path: string
  query: URLSearchParams
  body: string
  contentType: string
  appSecret: string
  sign: string
}): boolean {
  const pairs: [string, string][] = []
  for (const [k, v] of input.query) if (k !== 'sign' && k !== 'access_token') pairs.push([k, v])
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const body = input.contentType.startsWith('multipart/form-data') ? '' : input.body
  const message =
    input.appSecret + input.path + pairs.map(([k, v]) => k + v).join('') + body + input.appSecret
  const expected = createHmac('sha256', input.appSecret).update(message).digest('hex')
  const given = Buffer.from(input.sign)
  return given.length === expected.length && timingSafeEqual(given, Buffer.from(expected))
}
