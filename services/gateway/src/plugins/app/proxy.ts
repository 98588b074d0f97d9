import replyFrom, { type FastifyReplyFromHooks } from '@fastify/reply-from'
import {
  createInternalTokenSigner,
  INTERNAL_TOKEN_HEADER,
  REQUEST_ID_HEADER,
  ServiceUnavailableError,
  withDetails,
} from '@social-bridge/service-kit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Agent, type Dispatcher, request as undiciRequest } from 'undici'
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
const PRIVATE_HEADERS: ReadonlySet<string> = new Set(['authorization', 'cookie', INTERNAL_TOKEN_HEADER])

/**
 * Answers up to this size, bytes, with a `Content-Length` are read whole and sent on as one
 * buffer (one write, no stream piping per request); longer ones, and those of unknown length (the
 * event stream, media), stream through as they arrive.
 */
export const BUFFERED_ANSWER_MAX_BYTES = 64 * 1024

/** The request target's query, without `?`, exactly as the client sent it. */
function rawQuery(_search: string | undefined, url: string): string {
  const q = url.indexOf('?')
  return q < 0 ? '' : url.slice(q + 1)
}

/** The request, reply and upstream answer as @fastify/reply-from hands them to `onResponse`. */
type OnResponse = NonNullable<FastifyReplyFromHooks['onResponse']>
type ProxiedReply = Parameters<OnResponse>[1]
/** The upstream's answer (reply-from on undici: the body is undici's, whatever its type says). */
type UpstreamAnswer = { headers: Record<string, unknown>; stream: Dispatcher.ResponseData['body'] }

/**
 * Proxying with @fastify/reply-from on a pooled undici agent: headers timeout
 * `UPSTREAM_TIMEOUT_MS`, no body timeout (uploads stream), keep-alive. Request bodies stream
 * through; an answer with a `Content-Length` up to `BUFFERED_ANSWER_MAX_BYTES` is read whole and
 * sent in one write (the usual JSON answer: no stream piping per request), any other streams. An
 * upstream that cannot be reached, or breaks off a short answer, answers 503 `SERVICE_UNAVAILABLE`
 * in the shared shape. Hop-by-hop headers (RFC 9110 §7.6.1) are dropped both ways, so each side's
 * `Connection` stays its own. The query is passed on byte for byte and never decoded here
 * (service-kit already refused one that does not decode). The options handed to reply-from are
 * built once per upstream, not per request.
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

    /** The internal token of each request being forwarded, for `rewriteRequestHeaders`. */
    const tokens = new WeakMap<object, string>()
    const onError = (reply: ProxiedReply, upstream: Upstream, error: unknown) => {
      reply.request.log.warn({ err: error, upstream }, 'upstream failed')
      reply.send(upstreamUnavailable(upstream))
    }
    /** A short answer of known length is read whole, then sent in one write; others stream. */
    const onResponse =
      (upstream: Upstream): OnResponse =>
      (request, reply, res) => {
        const { headers, stream } = res as unknown as UpstreamAnswer
        const length = Number(headers['content-length'])
        if (request.method === 'HEAD' || !(length <= BUFFERED_ANSWER_MAX_BYTES)) {
          reply.send(stream)
          return
        }
        stream.arrayBuffer().then(
          (body) => reply.send(Buffer.from(body)),
          (error: unknown) => {
            // the upstream's headers were copied but nothing was sent yet: answer 503 in their place
            for (const name of Object.keys(headers)) reply.removeHeader(name)
            onError(reply, upstream, error)
          },
        )
      }
    // The options of each upstream and cookie policy, built once (not per request).
    const fromOptions = (upstream: Upstream, withCookies: boolean): FastifyReplyFromHooks => ({
      queryString: rawQuery,
      rewriteRequestHeaders: (request, headers) => {
        const out = withoutHopByHop(headers, PRIVATE_HEADERS)
        if (withCookies && headers.cookie) out.cookie = headers.cookie
        out[INTERNAL_TOKEN_HEADER] = tokens.get(request)
        out[REQUEST_ID_HEADER] = request.id
        return out
      },
      rewriteHeaders: (headers) => withoutHopByHop(headers),
      onResponse: onResponse(upstream),
      onError: (reply, { error }) => onError(reply, upstream, error),
    })
    const options = Object.fromEntries(
      (Object.keys(bases) as Upstream[]).map((u) => [u, [fromOptions(u, false), fromOptions(u, true)]]),
    ) as Record<Upstream, [FastifyReplyFromHooks, FastifyReplyFromHooks]>

    app.decorateReply('proxyTo', async function (this: FastifyReply, upstream: Upstream, o = {}) {
      const request = this.request
      tokens.set(request, await identityToken(request))
      const q = request.url.indexOf('?')
      const path = (q < 0 ? request.url : request.url.slice(0, q)).replace(/^\/v1/, '')
      return this.from(`${bases[upstream]}${path}`, options[upstream][o.withCookies ? 1 : 0])
    })
  },
  { name: 'gateway-proxy', fastify: '5.x' },
)
