import {
  AnalyticsRangeQuery,
  ConnectionAnalytics,
  ConnectionIdParams,
  PostAnalytics,
  PostIdParams,
  SyncAccepted,
  TenantAnalyticsSummary,
} from '@social-bridge/contracts'
import type { FastifyInstance } from 'fastify'
import { bearerSecurity, errorResponses, READERS } from './common.js'

const tags = ['analytics']

/** `/v1/analytics/**` (analytics-service). */
export default async function analyticsRoutes(app: FastifyInstance) {
  app.get('/analytics/posts/:id', {
    schema: {
      tags,
      summary: 'Latest views, likes, comments, shares, engagement rate, and history of a post',
      security: bearerSecurity,
      params: PostIdParams,
      response: { 200: PostAnalytics, ...errorResponses },
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
      response: { 200: ConnectionAnalytics, ...errorResponses },
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
      response: { 200: TenantAnalyticsSummary, ...errorResponses },
    },
    onRequest: app.authenticate(READERS),
    handler: (_req, reply) => reply.proxyTo('analytics'),
  })

  app.post('/analytics/connections/:id/sync', {
    schema: {
      tags,
      summary: 'Sync an account now (at most once per 5 minutes per account)',
      security: bearerSecurity,
      params: ConnectionIdParams,
      response: { 202: SyncAccepted, ...errorResponses },
    },
    onRequest: app.authenticate(READERS),
    handler: (_req, reply) => reply.proxyTo('analytics'),
  })
}
