import formbody from '@fastify/formbody'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { SandboxContext } from './context.js'
import { OAuthError, TikTokApiError } from './errors.js'
import { sendApiError, sendOAuthError } from './reply.js'
import { adminRoutes } from './routes/admin.js'
import { authorizeRoutes } from './routes/authorize.js'
import { displayRoutes } from './routes/display.js'
import { oauthRoutes } from './routes/oauth.js'
import { postingInitRoutes } from './routes/posting-init.js'
import { postingPhotoRoutes } from './routes/posting-photo.js'
import { postingStatusRoutes } from './routes/posting-status.js'
import { uploadRoutes } from './routes/upload.js'
import type { RequestLogNotes } from './state/request-log.js'

/** Per-request notes that end up in the request log. */
export interface RequestNotes extends RequestLogNotes {
  /** Set when the entry was already written (dropped connections). */
  logged?: boolean
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Request-log endpoint name, e.g. `oauth.token`; also the key for faults and rate limits. */
    endpoint?: string
    /** Errors use the flat OAuth shape. */
    oauth?: boolean
  }
  interface FastifyRequest {
    tt: RequestNotes
  }
}

/**
 * Builds the Fastify instance serving TikTok's three hosts and the `/_sandbox/` admin API.
 * Never listens (see sandbox.ts).
 */
export async function buildApp(ctx: SandboxContext): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, forceCloseConnections: true })
  const held = new Set<{ timer: NodeJS.Timeout; done: () => void }>()

  app.decorateRequest('tt', null as unknown as RequestNotes)
  await app.register(formbody)
  // Empty JSON bodies are allowed (creator_info has no body but clients send the JSON header).
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    if (body === '') return done(null, {})
    try {
      done(null, JSON.parse(body as string))
    } catch {
      done(new TikTokApiError(400, 'invalid_params', 'The request body is not valid JSON.'), undefined)
    }
  })

  const log = (request: FastifyRequest, status: number) => {
    const endpoint = request.routeOptions.config.endpoint
    if (!endpoint || request.tt.logged) return
    request.tt.logged = true
    const { logged: _l, ...notes } = request.tt
    ctx.requestLog.add({
      time: ctx.clock.now(),
      endpoint,
      method: request.method,
      path: request.url.split('?')[0] ?? request.url,
      status,
      ...notes,
    })
  }

  app.addHook('onRequest', async (request, reply) => {
    request.tt = {}
    const endpoint = request.routeOptions.config.endpoint
    if (!endpoint) return
    const fault = ctx.faults.take(endpoint)
    if (!fault) return
    request.tt.fault = fault.kind
    if (fault.kind === 'internal_error') {
      const status = fault.status ?? 500
      if (request.routeOptions.config.oauth)
        throw new OAuthError('server_error', 'Internal server error.', status)
      throw new TikTokApiError(status, 'internal_error', 'Something went wrong. Please try again later.')
    }
    if (fault.kind === 'rate_limit') {
      const message = 'The API rate limit was exceeded. Please try again later.'
      if (request.routeOptions.config.oauth) throw new OAuthError('temporarily_unavailable', message, 429)
      throw new TikTokApiError(429, 'rate_limit_exceeded', message)
    }
    if (fault.kind === 'error') {
      const code = fault.code ?? 'invalid_request'
      const message = fault.message ?? `Injected ${code}.`
      if (request.routeOptions.config.oauth) throw new OAuthError(code, message, fault.status)
      throw new TikTokApiError(fault.status ?? 400, code, message)
    }
    log(request, 0)
    reply.hijack()
    if (fault.kind === 'timeout') {
      await new Promise<void>((resolve) => {
        const entry = {
          timer: setTimeout(() => finish(), fault.holdMs ?? ctx.settings.faultTimeoutHoldMs),
          done: () => finish(),
        }
        function finish() {
          clearTimeout(entry.timer)
          held.delete(entry)
          resolve()
        }
        held.add(entry)
      })
    }
    request.raw.socket.destroy()
  })
  app.addHook('onResponse', async (request, reply) => {
    log(request, reply.statusCode)
    ctx.changed()
  })
  app.addHook('onClose', async () => {
    for (const h of [...held]) h.done()
  })

  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof OAuthError)
      return sendOAuthError(reply, ctx, err.error, err.description, err.httpStatus)
    if (err instanceof TikTokApiError) return sendApiError(reply, ctx, err.httpStatus, err.code, err.message)
    const status = (err as { statusCode?: number }).statusCode ?? 500
    const message = err instanceof Error ? err.message : String(err)
    if (status < 500) {
      if (request.routeOptions.config.oauth) return sendOAuthError(reply, ctx, 'invalid_request', message)
      return sendApiError(reply, ctx, 400, 'invalid_params', message)
    }
    return sendApiError(reply, ctx, 500, 'internal_error', 'Something went wrong. Please try again later.')
  })
  app.setNotFoundHandler((request, reply) =>
    sendApiError(reply, ctx, 404, 'not_found', `No route for ${request.method} ${request.url.split('?')[0]}`),
  )

  await app.register(authorizeRoutes, { ctx })
  await app.register(oauthRoutes, { ctx })
  await app.register(displayRoutes, { ctx })
  await app.register(postingInitRoutes, { ctx })
  await app.register(postingPhotoRoutes, { ctx })
  await app.register(postingStatusRoutes, { ctx })
  await app.register(uploadRoutes, { ctx })
  await app.register(adminRoutes, { ctx })
  return app
}
