import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  AuthorizeQuery,
  AuthorizeResponse,
  CallbackQuery,
  CallbackResult,
  ErrorResponse,
} from '@social-bridge/contracts'
import { requireService, requireUser, withDetails } from '@social-bridge/service-kit'
import type { AuthConfig } from '../../config.js'
import { createReturnUrlPolicy, withOutcome } from '../../domain/return-url.js'
import { OAuthStateInvalidError, ReturnUrlNotAllowedError } from '../../errors.js'
import { STATE_TTL_MS } from '../../repositories/oauth-states.js'
import { clearStateCookie, readStateCookie, setStateCookie, wantsJson } from './state-cookie.js'

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
    {
      schema: {
        querystring: AuthorizeQuery,
        response: { 200: AuthorizeResponse, 302: { type: 'null' }, '4xx': ErrorResponse },
      },
    },
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
      reply.header('cache-control', 'no-store')
      if (wantsJson(request)) return { authorizeUrl }
      return reply.redirect(authorizeUrl, 302)
    },
  )

  app.get(
    '/connections/tiktok/callback',
    {
      schema: {
        querystring: CallbackQuery,
        response: { 200: CallbackResult, 302: { type: 'null' }, '4xx': ErrorResponse },
      },
    },
    async (request, reply) => {
      requireService(request, ['gateway'])
      const outcome = await app.auth.connect.complete(readStateCookie(request), request.query)
      clearStateCookie(reply)
      reply.header('cache-control', 'no-store')
      if (!outcome.ok) {
        request.log.info({ reason: outcome.rejected }, 'oauth state refused')
        throw withDetails(new OAuthStateInvalidError(), { reason: outcome.rejected })
      }
      if (wantsJson(request)) return outcome.result
      const { outcome: result, connectionId, errorCode } = outcome.result
      return reply.redirect(withOutcome(outcome.returnUrl, { outcome: result, connectionId, errorCode }), 302)
    },
  )
}

export default oauthRoutes
