import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  AuthorizeQuery,
  AuthorizeResponse,
  CallbackQuery,
  CallbackResult,
  ErrorCodes,
  ErrorResponse,
} from '@social-bridge/contracts'
import { requireService, requireUser, withDetails } from '@social-bridge/service-kit'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { TSchema } from 'typebox'
import type { AuthConfig } from '../../config.js'
import type { ProviderName } from '../../domain/providers/provider.js'
import { createReturnUrlPolicy, withOutcome } from '../../domain/return-url.js'
import {
  OAuthStateInvalidError,
  ReturnUrlNotAllowedError,
  ShopAlreadyConnectedError,
  ShopLimitReachedError,
} from '../../errors.js'
import { STATE_TTL_MS } from '../../repositories/oauth-states.js'
import { clearStateCookie, readStateCookie, setStateCookie, wantsJson } from './state-cookie.js'

/** Every provider the connections API names in its paths (contracts `Provider`). */
export const PROVIDERS: readonly ProviderName[] = ['tiktok', 'tiktok_shop', 'instagram']

/** Refusals that answer a JSON callback with 409 instead of a `failed` outcome. */
const CONFLICTS: Record<string, new () => Error> = {
  [ErrorCodes.SHOP_ALREADY_CONNECTED]: ShopAlreadyConnectedError,
  [ErrorCodes.SHOP_LIMIT_REACHED]: ShopLimitReachedError,
}

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
 * `GET /connections/:provider/authorize` (admin, social_marketing) and
 * `GET /connections/:provider/callback` (gateway service identity + the signed state cookie) for
 * each provider (`tiktok`: docs/tiktok-api.md §1.2–§1.4; `tiktok_shop`: docs/tiktok-shop-api.md
 * §1–§4; `instagram`: docs/instagram-api.md "Connect"), registered as static paths. A provider that is not configured answers 404. A TikTok
 * Shop conflict answers 409 (`SHOP_ALREADY_CONNECTED`, `SHOP_LIMIT_REACHED`) to JSON, or sends
 * the browser back with `outcome=failed&errorCode=…`.
 */
const oauthRoutes: FastifyPluginAsyncTypebox<{ config: AuthConfig }> = async (app, { config }) => {
  const policy = createReturnUrlPolicy({
    allowlist: config.RETURN_URL_ALLOWLIST,
    defaultUrl: config.DEFAULT_RETURN_URL,
  })
  const secure = config.TIKTOK_REDIRECT_URI.startsWith('https://')

  for (const provider of PROVIDERS) {
    app.get(
      `/connections/${provider}/authorize`,
      flowStep(AuthorizeQuery, AuthorizeResponse),
      async (request, reply) => {
        const user = requireUser(request, ['admin', 'social_marketing'])
        const returnUrl = policy.resolve(request.query.returnUrl)
        if (!returnUrl) throw new ReturnUrlNotAllowedError()
        const { authorizeUrl, binding } = await app.auth.connect.start({
          provider,
          tenantId: user.tenantId,
          userId: user.userId,
          returnUrl,
        })
        setStateCookie(reply, binding, { secure, maxAgeSec: STATE_TTL_MS / 1000 })
        return answer(request, reply, { authorizeUrl }, () => authorizeUrl)
      },
    )

    app.get(
      `/connections/${provider}/callback`,
      flowStep(CallbackQuery, CallbackResult),
      async (request, reply) => {
        requireService(request, ['gateway'])
        const outcome = await app.auth.connect.complete(provider, readStateCookie(request), request.query)
        clearStateCookie(reply)
        reply.header('cache-control', 'no-store')
        if (!outcome.ok) {
          request.log.info({ reason: outcome.rejected }, 'oauth state refused')
          throw withDetails(new OAuthStateInvalidError(), { reason: outcome.rejected })
        }
        const { outcome: result, connectionId, errorCode } = outcome.result
        const Conflict = errorCode ? CONFLICTS[errorCode] : undefined
        if (Conflict && wantsJson(request)) throw new Conflict()
        return answer(request, reply, outcome.result, () =>
          withOutcome(outcome.returnUrl, { outcome: result, connectionId, errorCode }),
        )
      },
    )
  }
}

export default oauthRoutes
