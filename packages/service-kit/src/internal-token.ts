import { errors as joseErrors, jwtVerify, SignJWT } from 'jose'
import { type CachedVerifierOptions, cachedVerifier, type Verified } from './verified-token-cache.js'

/** Who a request acts for, as asserted by the gateway (a CRM user) or by a calling service. */
export type Identity =
  | { kind: 'user'; tenantId: string; userId: string; roles: string[] }
  | { kind: 'service'; service: string }

/** Issuer and audience of internal tokens; a CRM JWT never has them. */
export const INTERNAL_ISSUER = 'social-bridge'
export const INTERNAL_AUDIENCE = 'social-bridge-internal'
/** Header that carries the internal token between gateway and services, and service to service. */
export const INTERNAL_TOKEN_HEADER = 'x-internal-token'

const encoder = new TextEncoder()

/** Raised for a missing, forged, expired or malformed internal token. */
export class InvalidInternalTokenError extends Error {
  override name = 'InvalidInternalTokenError'
  readonly code = 'INTERNAL_TOKEN_INVALID'
}

/**
 * Signs short-lived internal JWTs (HS256 with `INTERNAL_JWT_SECRET`, ≥ 32 bytes) that carry an
 * `Identity` in the `ctx` claim. `ttlSec` defaults to 60 s. `cached` and `forService` reuse a
 * token until half its lifetime has passed (at most 10,000 identities are kept).
 */
export function createInternalTokenSigner(opts: { secret: string; ttlSec?: number }) {
  const key = encoder.encode(opts.secret)
  const ttlSec = opts.ttlSec ?? 60
  const cache = new Map<string, { token: string; renewAt: number }>()
  const sign = (identity: Identity) =>
    new SignJWT({ ctx: identity })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(INTERNAL_ISSUER)
      .setAudience(INTERNAL_AUDIENCE)
      .setSubject(identity.kind === 'user' ? identity.userId : `service:${identity.service}`)
      .setIssuedAt()
      .setExpirationTime(`${ttlSec}s`)
      .sign(key)
  /** A token for `identity`, reused until half its lifetime has passed (hot paths do not sign per call). */
  async function cached(identity: Identity): Promise<string> {
    const key = JSON.stringify(identity)
    const hit = cache.get(key)
    if (hit && hit.renewAt > Date.now()) return hit.token
    const token = await sign(identity)
    if (cache.size >= 10_000) cache.clear()
    cache.set(key, { token, renewAt: Date.now() + (ttlSec * 1000) / 2 })
    return token
  }
  return {
    sign,
    cached,
    /** A cached token for a service identity. */
    forService: (service: string) => cached({ kind: 'service', service }),
  }
}

export type InternalTokenSigner = ReturnType<typeof createInternalTokenSigner>

function parseIdentity(ctx: unknown): Identity | null {
  if (typeof ctx !== 'object' || ctx === null) return null
  const c = ctx as Record<string, unknown>
  if (c.kind === 'service' && typeof c.service === 'string' && c.service)
    return { kind: 'service', service: c.service }
  if (
    c.kind === 'user' &&
    typeof c.tenantId === 'string' &&
    c.tenantId &&
    typeof c.userId === 'string' &&
    Array.isArray(c.roles) &&
    c.roles.every((r) => typeof r === 'string')
  ) {
    return { kind: 'user', tenantId: c.tenantId, userId: c.userId, roles: c.roles as string[] }
  }
  return null
}

/** Clock tolerance of internal token expiry, s. */
const CLOCK_TOLERANCE_SEC = 5

async function verifyWithExpiry(
  token: string,
  key: Uint8Array,
  now: () => number = Date.now,
): Promise<Verified<Identity>> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: INTERNAL_ISSUER,
      audience: INTERNAL_AUDIENCE,
      clockTolerance: CLOCK_TOLERANCE_SEC,
      currentDate: new Date(now()),
    })
    const identity = parseIdentity(payload.ctx)
    if (!identity) throw new InvalidInternalTokenError('internal token has no valid identity')
    // a token without `exp` is accepted, as jose does, but never remembered
    const validUntilMs = payload.exp === undefined ? 0 : (payload.exp + CLOCK_TOLERANCE_SEC) * 1000
    // frozen: a remembered identity is shared by every request that carries the token
    if (identity.kind === 'user') Object.freeze(identity.roles)
    return { value: Object.freeze(identity), validUntilMs }
  } catch (err) {
    if (err instanceof InvalidInternalTokenError) throw err
    const reason = err instanceof joseErrors.JOSEError ? err.code : 'malformed'
    throw new InvalidInternalTokenError(`internal token rejected: ${reason}`)
  }
}

/**
 * Verifies an internal token: HS256 only, issuer, audience and expiry (5 s clock tolerance).
 * @throws InvalidInternalTokenError with the reason (never the token).
 */
export async function verifyInternalToken(token: string, secret: string): Promise<Identity> {
  return (await verifyWithExpiry(token, encoder.encode(secret))).value
}

/**
 * `verifyInternalToken` for one secret, remembering each token that verified until it expires
 * (`cachedVerifier`: at most 60 s, 10,000 tokens): the gateway reuses one token per identity for
 * half its lifetime, so a service checks its signature about once per identity per 30 s instead
 * of on every request. Expired, forged and malformed tokens are refused as before.
 * @throws InvalidInternalTokenError with the reason (never the token).
 */
export function createInternalTokenVerifier(
  secret: string,
  opts: CachedVerifierOptions = {},
): (token: string) => Promise<Identity> {
  const key = encoder.encode(secret)
  return cachedVerifier((token) => verifyWithExpiry(token, key, opts.now), opts)
}
