import replyFrom from '@fastify/reply-from'
import {
  createInternalTokenSigner,
  INTERNAL_TOKEN_HEADER,
  REQUEST_ID_HEADER,
  ServiceUnavailableError,
  withDetails,
} from '@social-bridge/service-kit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Agent, request as undiciRequest } from 'undici'
import type { GatewayConfig } from '../../config.js'
import { withoutHopByHop } from './hop-by-hop.js'

/** The services behind the gateway. */
export type Upstream = 'auth' | 'publish' | 'analytics' | 'dispatch'

declare module 'fastify' {
  interface FastifyReply {
    /**
     * Forwards the request to `upstream` at the same path without `/v1`, streaming the body
     * both ways, with the caller's identity as an internal token (the CRM JWT is not forwarded).
     * Cookies are forwarded only when `withCookies` (the OAuth routes).
     */
    proxyTo(upstream: Upstream, opts?: { withCookies?: boolean }): Promise<FastifyReply>
  }
  interface FastifyInstance {
    /** GET `path` on `upstream` as the request's caller; the parsed JSON body and status. */
    upstreamGet(
      upstream: Upstream,
      path: string,
      request: FastifyRequest,
    ): Promise<{ status: number; body: unknown }>
  }
}

/** 503 for an upstream that cannot be reached (a replica restarting…): retry after a second. */
const upstreamUnavailable = (upstream: Upstream) =>
  withDetails(new ServiceUnavailableError(`The ${upstream} service is not answering; try again shortly`), {
    retryAfterSec: 1,
  })

/** The caller's credentials, never passed on (the internal token replaces them). */
const PRIVATE_HEADERS = ['authorization', 'cookie', INTERNAL_TOKEN_HEADER]

/** The request target's query, without `?`, exactly as the client sent it. */
function rawQuery(url: string): string {
  const q = url.indexOf('?')
  return q < 0 ? '' : url.slice(q + 1)
}

/**
 * Proxying with @fastify/reply-from on a pooled undici agent: headers timeout
 * `UPSTREAM_TIMEOUT_MS`, no body timeout (uploads stream), keep-alive. An upstream that cannot
 * be reached answers 503 `SERVICE_UNAVAILABLE` in the shared shape. Hop-by-hop headers
 * (RFC 9110 §7.6.1) are dropped both ways, so each side's `Connection` stays its own. The query
 * is passed on byte for byte and never decoded here (service-kit already refused one that does
 * not decode).
 */
export const proxyPlugin = fp(
  async (app: FastifyInstance, opts: { config: GatewayConfig }) => {
    const bases: Record<Upstream, string> = {
      auth: opts.config.AUTH_SERVICE_URL.replace(/\/$/, ''),
      publish: opts.config.PUBLISH_SERVICE_URL.replace(/\/$/, ''),
      analytics: opts.config.ANALYTICS_SERVICE_URL.replace(/\/$/, ''),
      dispatch: opts.config.DISPATCH_SERVICE_URL.replace(/\/$/, ''),
    }
    const signer = createInternalTokenSigner({ secret: opts.config.INTERNAL_JWT_SECRET })
    await app.register(replyFrom, {
      undici: {
        connections: 64,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        headersTimeout: opts.config.UPSTREAM_TIMEOUT_MS,
        bodyTimeout: 0,
      },
      disableRequestLogging: true,
    })

    async function identityToken(request: FastifyRequest): Promise<string> {
      const user = request.crmUser
      return user
        ? signer.cached({ kind: 'user', tenantId: user.tenantId, userId: user.userId, roles: user.roles })
        : signer.forService('gateway')
    }

    const agent = new Agent({ connections: 32, headersTimeout: opts.config.UPSTREAM_TIMEOUT_MS })
    app.addHook('onClose', () => agent.close())
    app.decorate('upstreamGet', async (upstream: Upstream, path: string, request: FastifyRequest) => {
      try {
        const res = await undiciRequest(`${bases[upstream]}${path}`, {
          dispatcher: agent,
          headers: { [INTERNAL_TOKEN_HEADER]: await identityToken(request), [REQUEST_ID_HEADER]: request.id },
        })
        return { status: res.statusCode, body: await res.body.json() }
      } catch (err) {
        request.log.warn({ err, upstream }, 'upstream failed')
        throw upstreamUnavailable(upstream)
      }
    })

    app.decorateReply('proxyTo', async function (this: FastifyReply, upstream: Upstream, o = {}) {
      const request = this.request
      const token = await identityToken(request)
      const path = request.url.split('?', 1)[0]?.replace(/^\/v1/, '') ?? ''
      return this.from(`${bases[upstream]}${path}`, {
        queryString: (_search, url) => rawQuery(url),
        rewriteRequestHeaders: (_req, headers) => {
          const out: Record<string, unknown> = withoutHopByHop(headers)
          for (const h of PRIVATE_HEADERS) delete out[h]
          if (o.withCookies && headers.cookie) out.cookie = headers.cookie
          out[INTERNAL_TOKEN_HEADER] = token
          out[REQUEST_ID_HEADER] = request.id
          return out as typeof headers
        },
        rewriteHeaders: (headers) => withoutHopByHop(headers),
        onError: (reply, { error }) => {
          request.log.warn({ err: error, upstream }, 'upstream failed')
          reply.send(upstreamUnavailable(upstream))
        },
      })
    })
  },
  { name: 'gateway-proxy', fastify: '5.x' },
)
