import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  AuthorizeQuery,
  AuthorizeResponse,
  CallbackQuery,
  CallbackResult,
  ErrorResponse,
} from '@social-bridge/contracts'
import { requireService, requireUser, withDetails } from '@social-bridge/service-kit'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { TSchema } from 'typebox'
import type { AuthConfig } from '../../config.js'
import { createReturnUrlPolicy, withOutcome } from '../../domain/return-url.js'
import { OAuthStateInvalidError, ReturnUrlNotAllowedError } from '../../errors.js'
import { STATE_TTL_MS } from '../../repositories/oauth-states.js'
import { clearStateCookie, readStateCookie, setStateCookie, wantsJson } from './state-cookie.js'

/** Route options of a step of the flow: `querystring` in; `result` as JSON, or a 302 for a browser. */
function flowStep<Q extends TSchema, R extends TSchema>(querystring: Q, result: R) {
  return {
    schema: { querystring, response: { 200: result, 302: { type: 'null' } as const, '4xx': ErrorResponse } },
  }
}

/**
 * A step's answer, never cached: `json` to a client that asked for JSON (`Accept`), else a 302
 * sending the browser on to `location()`.
 */
function answer<T>(request: FastifyRequest, reply: FastifyReply, json: T, location: () => string) {
  reply.header('cache-control', 'no-store')
  if (wantsJson(request)) return json
  return reply.redirect(location(), 302)
}

/**
 * `GET /connections/tiktok/authorize` (admin, social_marketing) and `GET /connections/tiktok/callback`
 * (gateway service identity + the signed state cookie) — the OAuth connect flow (docs/tiktok-api.md §1.2–§1.4).
 */
const oauthRoutes: FastifyPluginAsyncTypebox<{ config: AuthConfig }> = async (app, { config }) => {
  const policy = createReturnUrlPolicy({
    allowlist: config.RETURN_URL_ALLOWLIST,
    defaultUrl: config.DEFAULT_RETURN_URL,
  })
  const secure = config.TIKTOK_REDIRECT_URI.startsWith('https://')

  app.get(
    '/connections/tiktok/authorize',
    flowStep(AuthorizeQuery, AuthorizeResponse),
    async (request, reply) => {
      const user = requireUser(request, ['admin', 'social_marketing'])
      const returnUrl = policy.resolve(request.query.returnUrl)
      if (!returnUrl) throw new ReturnUrlNotAllowedError()
      const { authorizeUrl, binding } = await app.auth.connect.start({
        tenantId: user.tenantId,
        userId: user.userId,
        returnUrl,
      })
      setStateCookie(reply, binding, { secure, maxAgeSec: STATE_TTL_MS / 1000 })
      return answer(request, reply, { authorizeUrl }, () => authorizeUrl)
    },
  )

  app.get('/connections/tiktok/callback', flowStep(CallbackQuery, CallbackResult), async (request, reply) => {
    requireService(request, ['gateway'])
    const outcome = await app.auth.connect.complete(readStateCookie(request), request.query)
    clearStateCookie(reply)
    if (!outcome.ok) {
      reply.header('cache-control', 'no-store')
      request.log.info({ reason: outcome.rejected }, 'oauth state refused')
      throw withDetails(new OAuthStateInvalidError(), { reason: outcome.rejected })
    }
    const { outcome: result, connectionId, errorCode } = outcome.result
    return answer(request, reply, outcome.result, () =>
      withOutcome(outcome.returnUrl, { outcome: result, connectionId, errorCode }),
    )
  })
}

export default oauthRoutes
