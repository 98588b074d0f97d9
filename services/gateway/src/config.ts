import { BaseConfig } from '@social-bridge/service-kit'
import { type Static, Type } from 'typebox'

const { HOST, LOG_LEVEL } = BaseConfig.properties
const ALG = '(HS256|HS384|HS512|RS256|RS384|RS512|PS256|PS384|PS512|ES256|ES384|ES512|EdDSA)'

/**
 * Gateway configuration (ARCHITECTURE.md "Configuration"). Exactly one of `JWT_SECRET` (HS256)
 * or `JWT_JWKS_URL` (RS256/ES256/EdDSA) verifies the CRM's JWTs; the check is in `loadGatewayConfig`.
 */
export const GatewayConfig = Type.Object({
  HOST,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  LOG_LEVEL,
  JWT_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  JWT_JWKS_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  JWT_ISSUER: Type.String({ minLength: 1 }),
  JWT_AUDIENCE: Type.String({ minLength: 1 }),
  /**
   * Comma-separated allowlist of JWS algorithms; defaults to HS256 with a secret, RS256,ES256,EdDSA
   * with JWKS. Only signing algorithms are accepted here (never `none`).
   */
  JWT_ALGORITHMS: Type.Optional(Type.String({ pattern: `^${ALG}(\\s*,\\s*${ALG})*$` })),
  /** Leeway for `exp` and `nbf`, seconds. */
  JWT_CLOCK_TOLERANCE_SEC: Type.Integer({ minimum: 0, maximum: 300, default: 5 }),
  INTERNAL_JWT_SECRET: Type.String({ minLength: 32 }),
  AUTH_SERVICE_URL: Type.String({ pattern: '^https?://' }),
  PUBLISH_SERVICE_URL: Type.String({ pattern: '^https?://' }),
  ANALYTICS_SERVICE_URL: Type.String({ pattern: '^https?://' }),
  /** webhook-dispatch: `/v1/webhook-endpoints/**` and the `/v1/events` stream. */
  DISPATCH_SERVICE_URL: Type.String({ pattern: '^https?://' }),
  /** Per-user request budget per minute. */
  RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 600 }),
  /** Deadline for an upstream's response headers, ms (uploads stream their bodies without one). */
  UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 30_000 }),
  /**
   * Comma-separated origins of CRM pages allowed to call `/v1` from the browser (CORS, with
   * credentials), e.g. `https://crm.example.com,https://admin.example.com`; none when unset.
   */
  CORS_ORIGINS: Type.Optional(
    Type.String({ pattern: '^\\s*(https?://[^,\\s/]+/?\\s*(,\\s*https?://[^,\\s/]+/?\\s*)*)?$' }),
  ),
})
export type GatewayConfig = Static<typeof GatewayConfig>
