import { createHash } from 'node:crypto'
import { createFastifyOptions, type Identity, verifyInternalToken } from '@social-bridge/service-kit'
import type { Teardownable } from '@social-bridge/service-kit/testing'
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify'
import { SignJWT } from 'jose'
import app, { type GatewayConfig } from '../src/app.js'

export const JWT_SECRET = 'crm-secret-for-tests-0123456789abcdef'
export const INTERNAL_JWT_SECRET = 'internal-secret-for-tests-0123456789ab'
export const ISSUER = 'https://crm.example.test'
export const AUDIENCE = 'social-bridge'

/** What an upstream saw of a proxied request. */
export interface Seen {
  method: string
  url: string
  identity: Identity | null
  headers: Record<string, unknown>
  bodySha256?: string
  bodyBytes?: number
}

/**
 * A stand-in service behind the gateway: verifies the internal token like the real services
 * (service-kit), records what it received and echoes it. Lets the gateway be tested alone;
 * the e2e suite runs the real services.
 */
export async function startUpstream(
  t: Teardownable,
  name: string,
  canned: Record<string, object> = {},
): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = []
  const upstream = Fastify()
  upstream.addContentTypeParser(
    ['video/mp4', 'video/webm', 'video/quicktime', 'image/jpeg', 'image/webp'],
    (_req, payload, done) => done(null, payload),
  )
  upstream.all('/*', async (request, reply) => {
    const token = request.headers['x-internal-token']
    const identity = typeof token === 'string' ? await verifyInternalToken(token, INTERNAL_JWT_SECRET) : null
    const entry: Seen = { method: request.method, url: request.url, identity, headers: request.headers }
    if (request.body && typeof (request.body as NodeJS.ReadableStream).pipe === 'function') {
      const hash = createHash('sha256')
      let bytes = 0
      for await (const chunk of request.body as AsyncIterable<Buffer>) {
        hash.update(chunk)
        bytes += chunk.length
      }
      entry.bodySha256 = hash.digest('hex')
      entry.bodyBytes = bytes
    }
    seen.push(entry)
    reply.header('set-cookie', `from_${name}=1; Path=/`)
    return canned[request.url] ?? { upstream: name, url: request.url, identity }
  })
  const url = await upstream.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => upstream.close())
  return { url, seen }
}

/** A route as registered (method(s), URL and schema), seen through Fastify's `onRoute` hook. */
export type RegisteredRoute = Pick<RouteOptions, 'method' | 'url' | 'schema'>

export async function build(
  t: Teardownable,
  overrides: Partial<GatewayConfig> = {},
  canned: Partial<Record<'auth' | 'publish' | 'analytics' | 'dispatch', Record<string, object>>> = {},
  opts: { routes?: RegisteredRoute[] } = {},
): Promise<{
  app: FastifyInstance
  upstreams: Record<'auth' | 'publish' | 'analytics' | 'dispatch', { url: string; seen: Seen[] }>
}> {
  const upstreams = {
    auth: await startUpstream(t, 'auth', canned.auth),
    publish: await startUpstream(t, 'publish', canned.publish),
    analytics: await startUpstream(t, 'analytics', canned.analytics),
    dispatch: await startUpstream(t, 'dispatch', canned.dispatch),
  }
  const config: GatewayConfig = {
    HOST: '127.0.0.1',
    PORT: 0,
    LOG_LEVEL: 'silent',
    JWT_SECRET,
    JWT_ISSUER: ISSUER,
    JWT_AUDIENCE: AUDIENCE,
    JWT_CLOCK_TOLERANCE_SEC: 5,
    INTERNAL_JWT_SECRET,
    AUTH_SERVICE_URL: upstreams.auth.url,
    PUBLISH_SERVICE_URL: upstreams.publish.url,
    ANALYTICS_SERVICE_URL: upstreams.analytics.url,
    DISPATCH_SERVICE_URL: upstreams.dispatch.url,
    RATE_LIMIT_PER_MINUTE: 1000,
    UPSTREAM_TIMEOUT_MS: 5000,
    ...overrides,
  }
  const fastify = Fastify(createFastifyOptions({ service: 'gateway', logLevel: 'silent' }))
  const { routes } = opts
  if (routes)
    fastify.addHook('onRoute', (r) => void routes.push({ method: r.method, url: r.url, schema: r.schema }))
  await fastify.register(app, { config })
  t.teardown(() => fastify.close())
  await fastify.ready()
  return { app: fastify, upstreams }
}

/** A CRM JWT (HS256 with the test secret unless `key`/`alg` say otherwise). */
export async function crmToken(
  claims: { sub?: string; tenant_id?: string; roles?: string[] } = {},
  opts: {
    aud?: string
    iss?: string
    expiresIn?: string | number
    notBefore?: string | number
    key?: string
  } = {},
): Promise<string> {
  const jwt = new SignJWT({ tenant_id: 'tenant-a', roles: ['admin'], ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub ?? 'user-1')
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '5m')
  if (opts.notBefore !== undefined) jwt.setNotBefore(opts.notBefore)
  return jwt.sign(new TextEncoder().encode(opts.key ?? JWT_SECRET))
}

export const auth = (token: string) => ({ authorization: `Bearer ${token}` })
