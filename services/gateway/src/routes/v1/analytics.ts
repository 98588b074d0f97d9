import {
  AnalyticsRangeQuery,
  ConnectionIdParams,
  PostAnalytics,
  PostCommentList,
  PostCommentListQuery,
  PostIdParams,
  TenantAnalyticsSummary,
} from '@social-bridge/contracts'
import type { FastifyInstance } from 'fastify'
import { answer, bearerSecurity, errorAnswers, READERS } from './common.js'
import { ConnectionAnalyticsDoc, SyncAcceptedDoc } from './described.js'

const range = '`VALIDATION_FAILED`: `from` is after `to`.'
const connectionNotFound = "no connection with this id in the caller's tenant"

const tags = ['analytics']

/** `/v1/analytics/**` (analytics-service). */
export default async function analyticsRoutes(app: FastifyInstance) {
  app.get('/analytics/posts/:id', {
    schema: {
      tags,
      summary: 'Latest views, likes, comments, shares, engagement rate, and history of a post',
      security: bearerSecurity,
      params: PostIdParams,
      response: {
        200: answer("The post's latest figures, history and growth", PostAnalytics),
        ...errorAnswers({
          secured: true,
          notFound:
            "no post with this id in the caller's tenant, or not published yet (analytics start then)",
        }),
      },
    },
    onRequest: app.authenticate(READERS),
    handler: (_req, reply) => reply.proxyTo('analytics'),
  })

  app.get('/posts/:id/comments', {
    schema: {
      tags: ['posts'],
      summary: "Comments on a post's Instagram Reel, newest first",
      description:
        'Roles: admin, social_marketing. The comments analytics-service keeps from Instagram’s ' +
        '`comments` webhooks and its comment sync (which also fills in comments made before the ' +
        'account connected or before the post was known): `limit` per page (1–100, default 20), ' +
        '`nextCursor` for the next page. A comment’s `createdAt` is Instagram’s once a sync read ' +
        'it, the webhook’s time before; `likeCount` is null until a sync read it. A post without ' +
        'Instagram media (a TikTok post) answers an empty page.',
      security: bearerSecurity,
      params: PostIdParams,
      querystring: PostCommentListQuery,
      response: {
        200: answer("One page of the post's comments", PostCommentList),
        ...errorAnswers({
          secured: true,
          notFound: "no post with this id in the caller's tenant",
          extra: { 400: '`BAD_REQUEST`: a `cursor` that is not a `nextCursor` of this list.' },
        }),
      },
    },
    onRequest: app.authenticate(READERS),
    handler: (_req, reply) => reply.proxyTo('analytics'),
  })

  app.get('/analytics/connections/:id', {
    schema: {
      tags,
      summary:
        "An account's followers, following, likes, video count, their history, and totals over its posts",
      security: bearerSecurity,
      params: ConnectionIdParams,
      querystring: AnalyticsRangeQuery,
      response: {
        200: answer("The account's stats, history, growth and video totals", ConnectionAnalyticsDoc),
        ...errorAnswers({ secured: true, notFound: connectionNotFound, extra: { 400: range } }),
      },
    },
    onRequest: app.authenticate(READERS),
    handler: (_req, reply) => reply.proxyTo('analytics'),
  })

  app.get('/analytics/summary', {
    schema: {
      tags,
      summary: "The tenant's totals across accounts",
      security: bearerSecurity,
      querystring: AnalyticsRangeQuery,
      response: {
        200: answer("The tenant's totals", TenantAnalyticsSummary),
        ...errorAnswers({ secured: true, extra: { 400: range } }),
      },
    },
    onRequest: app.authenticate(READERS),
    handler: (_req, reply) => reply.proxyTo('analytics'),
  })

  app.post('/analytics/connections/:id/sync', {
    schema: {
      tags,
      summary: 'Sync an account now (at most once per 5 minutes per account); asynchronous, answers 202',
      description:
        'Roles: admin, social_marketing. Queues a full sync of the account (its stats and every ' +
        'tracked video) and answers 202 at once with `queuedAt`: the sync itself runs in the ' +
        'background, on the scheduler’s next round. To see that it finished, poll ' +
        '`GET /v1/analytics/connections/{id}` until `lastSyncedAt` is later than `queuedAt`. At most ' +
        'once per 5 minutes per account (`MANUAL_SYNC_MIN_INTERVAL_SEC`): sooner answers 429 ' +
        '`SYNC_TOO_FREQUENT` with `Retry-After`. Accounts are also synced on a schedule without it.',
      security: bearerSecurity,
      params: ConnectionIdParams,
      response: {
        202: answer('Queued; the sync runs in the background', SyncAcceptedDoc),
        ...errorAnswers({
          secured: true,
          notFound: connectionNotFound,
          body: true,
          extra: {
            409:
              '`CONNECTION_NOT_ACTIVE`: the account is `reauth_required`, `revoked` or `disconnected`, ' +
              'so it is not synced (its analytics show `stale: true`); connect it again.',
            429:
              '`SYNC_TOO_FREQUENT`: this account was synced on demand less than 5 minutes ago; ' +
              '`Retry-After` and `details.retryAfterSec` say when it may be asked again.',
          },
        }),
      },
    },
    onRequest: app.authenticate(READERS),
    handler: (_req, reply) => reply.proxyTo('analytics'),
  })
}
