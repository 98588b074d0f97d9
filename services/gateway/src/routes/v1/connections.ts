import { ConnectionIdParams, ConnectionListQuery, CreatorInfo } from '@social-bridge/contracts'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { ADMINS, answer, bearerSecurity, errorAnswers, READERS } from './common.js'
import { CONNECTION_STATUSES, ConnectionDetailDoc, ConnectionDoc, ConnectionListDoc } from './described.js'

const tags = ['connections']
const notFound = "no connection with this id in the caller's tenant (another tenant's id answers the same)"
const notActive =
  '`CONNECTION_NOT_ACTIVE`: the connection is `revoked` or `disconnected`; connect the account again. ' +
  '`REAUTH_REQUIRED`: the connection is `reauth_required`; a user must connect the account again.'

/** `/v1/connections/**`: the tenant's TikTok accounts (auth-service; creator info from publish-service). */
export default async function connectionRoutes(app: FastifyInstance) {
  app.get('/connections', {
    schema: {
      tags,
      summary: "The tenant's connected accounts (TikTok creators, TikTok Shop sellers, Instagram accounts)",
      description:
        'Roles: admin, social_marketing. Never contains a token. `?provider=tiktok`, `?provider=tiktok_shop` or ' +
        '`?provider=instagram` lists one provider’s. A `tiktok_shop` connection adds `sellerName` and `shops` ' +
        '(shop id, name, region). An `instagram` connection adds `accountType` and `canPublish`; a personal ' +
        'account (`canPublish: false`) connects with a `notice` `INSTAGRAM_PROFESSIONAL_ACCOUNT_REQUIRED` saying ' +
        'to switch it to a professional account in Instagram and reconnect.' +
        `\n\nConnection statuses: ${CONNECTION_STATUSES}`,
      security: bearerSecurity,
      querystring: ConnectionListQuery,
      response: {
        200: answer("The tenant's connections", ConnectionListDoc),
        ...errorAnswers({ secured: true }),
      },
    },
    onRequest: app.authenticate(READERS),
    handler: (_req, reply) => reply.proxyTo('auth'),
  })

  app.get('/connections/:id', {
    schema: {
      tags,
      summary: 'One account, with its posting quota usage',
      description:
        'Roles: admin, social_marketing. `postingQuota` (calls made with the account in each of ' +
        "TikTok's windows, beside the limits) is left out when publish-service does not answer.",
      security: bearerSecurity,
      params: ConnectionIdParams,
      response: {
        200: answer('The connection, with `postingQuota`', ConnectionDetailDoc),
        ...errorAnswers({ secured: true, notFound }),
      },
    },
    onRequest: app.authenticate(READERS),
    handler: async (request, reply) => {
      const { id } = request.params as { id: string }
      const [connection, quota] = await Promise.all([
        app.upstreamGet('auth', `/connections/${id}`, request),
        app.upstreamGet('publish', `/connections/${id}/quota`, request).catch(() => null),
      ])
      // Any status auth-service answered, passed on (the route's schema keys narrow `status`'s type).
      if (connection.status !== 200)
        return (reply as FastifyReply).status(connection.status).send(connection.body)
      const postingQuota = quota?.status === 200 ? quota.body : undefined
      return { ...(connection.body as object), ...(postingQuota ? { postingQuota } : {}) }
    },
  })

  app.post('/connections/:id/refresh', {
    schema: {
      tags,
      summary: 'Refresh the access token now',
      description:
        'Role: admin. Tokens are refreshed automatically ahead of their expiry; this forces it now. ' +
        'Answers 200 with the connection after the refresh: a new `accessTokenExpiresAt` and ' +
        '`lastRefreshedAt` (the tokens themselves are never returned). When TikTok refuses the ' +
        'refresh token the connection becomes `reauth_required` (409 `REAUTH_REQUIRED`).',
      security: bearerSecurity,
      params: ConnectionIdParams,
      response: {
        200: answer('The connection after the refresh', ConnectionDoc),
        ...errorAnswers({
          secured: true,
          notFound,
          body: true,
          extra: {
            409: notActive,
            500:
              "`TOKEN_KEY_UNAVAILABLE`: the connection's tokens are sealed under an encryption key the " +
              'deployment no longer has; an operator must restore it.',
            503: '`TIKTOK_UNAVAILABLE`: TikTok could not refresh the token now; `Retry-After` says when to try again.',
          },
        }),
      },
    },
    onRequest: app.authenticate(ADMINS),
    handler: (_req, reply) => reply.proxyTo('auth'),
  })

  app.delete('/connections/:id', {
    schema: {
      tags,
      summary: 'Disconnect: revoke at TikTok, delete the tokens, mark disconnected',
      description:
        'Role: admin. Revokes the app’s access at TikTok, deletes the stored tokens and answers 200 ' +
        'with the connection, now `disconnected`; its tokens are gone. Posts already on ' +
        'TikTok stay there. The account is disconnected even when TikTok does not answer the ' +
        'revocation. Idempotent: a connection already `disconnected` or `revoked` answers 200 ' +
        'unchanged. Connecting the same TikTok account again makes it `active` under the same id.',
      security: bearerSecurity,
      params: ConnectionIdParams,
      response: {
        200: answer('The connection, now `disconnected`', ConnectionDoc),
        ...errorAnswers({ secured: true, notFound, body: true }),
      },
    },
    onRequest: app.authenticate(ADMINS),
    handler: (_req, reply) => reply.proxyTo('auth'),
  })

  app.get('/connections/:id/creator-info', {
    schema: {
      tags,
      summary: 'TikTok creator info: nickname, privacy options, interaction flags, max duration',
      description:
        'Roles: admin, social_marketing. Ask it before showing a post form (TikTok’s UX rules): ' +
        'the privacy levels offered, which interactions the creator disabled, the longest video allowed.',
      security: bearerSecurity,
      params: ConnectionIdParams,
      response: {
        200: answer("The creator's current info from TikTok", CreatorInfo),
        ...errorAnswers({
          secured: true,
          notFound,
          extra: {
            409: notActive,
            422: '`TIKTOK_REJECTED`: TikTok refused the query (`details.tiktokCode`).',
            429:
              '`POSTING_LIMIT_REACHED`: TikTok allows 20 creator-info queries a minute per account ' +
              '(or TikTok is limiting the account); `details.retryAfterSec`.',
            503: '`TIKTOK_UNAVAILABLE`: TikTok is not answering; retry shortly.',
          },
        }),
      },
    },
    onRequest: app.authenticate(READERS),
    handler: (_req, reply) => reply.proxyTo('publish'),
  })
}
