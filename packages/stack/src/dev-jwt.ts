import { SignJWT } from 'jose'
import { DEV_JWT, type DevSecrets } from './dev-config.js'

/** A development CRM JWT (HS256, 12 h) for `roles` in the demo tenant, as the CRM would issue. */
export function devJwt(s: DevSecrets, roles: string[] = ['admin'], sub = 'dev-admin'): Promise<string> {
  return new SignJWT({ tenant_id: DEV_JWT.tenantId, roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(DEV_JWT.issuer)
    .setAudience(DEV_JWT.audience)
    .setIssuedAt()
    .setExpirationTime('12h')
    .sign(new TextEncoder().encode(s.jwtSecret))
}
