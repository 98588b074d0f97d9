import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AnalyticsRangeQuery, ErrorResponse, TenantAnalyticsSummary } from '@social-bridge/contracts'
import { requireUser } from '@social-bridge/service-kit'
import { engagementRate } from '../../domain/engagement.js'
import { rangeDto, resolveRange } from '../../domain/range.js'

const ROLES = ['admin', 'social_marketing']

/**
 * `GET /analytics/summary` (gateway `/v1/analytics/summary`): the caller's tenant — accounts by
 * state, followers, totals of the latest counts over every tracked video, engagement rate, and
 * growth within `from`/`to` (default 30 days).
 */
const summaryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/analytics/summary',
    {
      schema: {
        querystring: AnalyticsRangeQuery,
        response: { 200: TenantAnalyticsSummary, 400: ErrorResponse },
      },
    },
    async (request) => {
      const user = requireUser(request, ROLES)
      const range = resolveRange(request.query, app.analytics.clock())
      const s = await app.analytics.readModel.snapshot((reads) => reads.tenantSummary(user.tenantId, range))
      return {
        ...s,
        range: rangeDto(range),
        engagementRate: engagementRate(s.totals),
        lastSyncedAt: s.lastSyncedAt?.toISOString() ?? null,
      }
    },
  )
}

export default summaryRoutes
