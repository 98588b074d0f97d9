import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  AnalyticsRangeQuery,
  ConnectionAnalytics,
  ConnectionIdParams,
  ErrorResponse,
} from '@social-bridge/contracts'
import { NotFoundError, requireUser } from '@social-bridge/service-kit'
import { delta, engagementRate } from '../../domain/engagement.js'
import { rangeDto, resolveRange } from '../../domain/range.js'

const ROLES = ['admin', 'social_marketing']
const STATS = ['followers', 'following', 'likes', 'videoCount'] as const

/**
 * `GET /analytics/connections/:id` (gateway `/v1/analytics/connections/:id`): followers,
 * following, likes and video count — latest and history within `from`/`to` (default 30 days) —
 * their growth over the range, totals of the latest counts over the account's tracked videos,
 * and `stale` when the account is reauth_required or disconnected. 404 for another tenant's id.
 */
const connectionAnalyticsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/analytics/connections/:id',
    {
      schema: {
        params: ConnectionIdParams,
        querystring: AnalyticsRangeQuery,
        response: { 200: ConnectionAnalytics, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const user = requireUser(request, ROLES)
      const { readModel, connections, clock } = app.analytics
      const range = resolveRange(request.query, clock())
      const conn = await connections.findForTenant(request.params.id, user.tenantId)
      if (!conn) throw new NotFoundError('Connection')
      const [history, latest, totals] = await readModel.snapshot((reads) =>
        Promise.all([
          reads.accountHistory(conn.id, range),
          reads.accountLatest(conn.id),
          reads.accountVideoTotals(conn.id),
        ]),
      )
      const dto = (p: (typeof history)[number]) => ({ ...p, measuredAt: p.measuredAt.toISOString() })
      return {
        connectionId: conn.id,
        latest: latest ? dto(latest) : null,
        history: history.map(dto),
        totals,
        stale: conn.status !== 'active',
        range: rangeDto(range),
        delta: delta(history[0], history[history.length - 1], STATS),
        engagementRate: engagementRate(totals),
        lastSyncedAt: conn.lastSyncedAt?.toISOString() ?? null,
      }
    },
  )
}

export default connectionAnalyticsRoutes
