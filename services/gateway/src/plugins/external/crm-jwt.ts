import { cachedVerifier, type Verified } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose'
import type { GatewayConfig } from '../../config.js'

/** The CRM user a verified JWT speaks for. */
export interface CrmUser {
  userId: string
  tenantId: string
  roles: string[]
}

/** Why a CRM JWT was refused (said in the 401 message; never the token itself). */
export class InvalidCrmTokenError extends Error {
  override name = 'InvalidCrmTokenError'
}

declare module 'fastify' {
  interface FastifyInstance {
    verifyCrmToken(token: string): Promise<CrmUser>
  }
}

function toUser(payload: JWTPayload): CrmUser {
  const roles = payload.roles
  const tenantId = payload.tenant_id
  if (typeof payload.sub !== 'string' || !payload.sub) throw new InvalidCrmTokenError('token has no sub')
  if (typeof tenantId !== 'string' || !tenantId) throw new InvalidCrmTokenError('token has no tenant_id')
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string')) {
    throw new InvalidCrmTokenError('token roles must be a list of strings')
  }
  return { userId: payload.sub, tenantId, roles }
}

/**
 * Verifies the CRM's JWTs with jose (ARCHITECTURE.md "Public REST API"): HS256 with
 * `JWT_SECRET`, or keys from `JWT_JWKS_URL` (RS256/ES256/EdDSA); an algorithm allowlist (so
 * `alg: none` and algorithm confusion fail); `iss`, `aud`, `exp` (required) and `nbf` checked
 * with `JWT_CLOCK_TOLERANCE_SEC`; `sub`, `tenant_id` and `roles` read from the claims. A token
 * that verified is not verified again until it expires (at most 60 s, `cachedVerifier`).
 * @throws InvalidCrmTokenError with jose's reason code.
 */
export const crmJwtPlugin = fp(
  async (app: FastifyInstance, opts: { config: GatewayConfig }) => {
    const c = opts.config
    if (!c.JWT_SECRET === !c.JWT_JWKS_URL) throw new Error('Set exactly one of JWT_SECRET or JWT_JWKS_URL')
    const key: Uint8Array | JWTVerifyGetKey = c.JWT_SECRET
      ? new TextEncoder().encode(c.JWT_SECRET)
      : createRemoteJWKSet(new URL(c.JWT_JWKS_URL as string))
    const algorithms = c.JWT_ALGORITHMS
      ? c.JWT_ALGORITHMS.split(',').map((a) => a.trim())
      : c.JWT_SECRET
        ? ['HS256']
        : ['RS256', 'ES256', 'EdDSA']
    // A secret verifies HMAC only and a JWKS public keys only: no algorithm confusion by config.
    if (algorithms.some((a) => a.startsWith('HS') !== Boolean(c.JWT_SECRET))) {
      throw new Error(
        c.JWT_SECRET
          ? 'JWT_ALGORITHMS may list only HS256, HS384 or HS512 with JWT_SECRET'
          : 'JWT_ALGORITHMS may not list HS* algorithms with JWT_JWKS_URL',
      )
    }
    const options = {
      algorithms,
      issuer: c.JWT_ISSUER,
      audience: c.JWT_AUDIENCE,
      clockTolerance: c.JWT_CLOCK_TOLERANCE_SEC,
      requiredClaims: ['exp', 'sub'],
    }
    // A CRM client sends the same JWT on every request: a token that verified is remembered (by
    // its whole string) until its `exp` plus the tolerance, at most 60 s (so a key dropped from
    // the JWKS stops being honoured within a minute); a refused token is checked every time.
    const verify = cachedVerifier(async (token: string): Promise<Verified<CrmUser>> => {
      try {
        const { payload } =
          key instanceof Uint8Array
            ? await jwtVerify(token, key, options)
            : await jwtVerify(token, key, options)
        const user = toUser(payload)
        Object.freeze(user.roles)
        return {
          value: Object.freeze(user),
          validUntilMs: ((payload.exp as number) + c.JWT_CLOCK_TOLERANCE_SEC) * 1000,
        }
      } catch (err) {
        if (err instanceof InvalidCrmTokenError) throw err
        const reason = (err as { code?: string }).code ?? 'ERR_JWT_INVALID'
        throw new InvalidCrmTokenError(`token rejected (${reason})`)
      }
    })
    app.decorate('verifyCrmToken', verify)
  },
  { name: 'gateway-crm-jwt', fastify: '5.x' },
)
