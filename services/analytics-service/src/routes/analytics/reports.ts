import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  AnalyticsRangeQuery,
  ConnectionAnalytics,
  ConnectionIdParams,
  ErrorResponse,
  PostAnalytics,
  PostIdParams,
  TenantAnalyticsSummary,
} from '@social-bridge/contracts'
import { NotFoundError, requireUser } from '@social-bridge/service-kit'
import type { FastifyRequest } from 'fastify'
import type { TSchema } from 'typebox'
import { resolveRange } from '../../domain/range.js'
import type { ReportScope } from '../../domain/reports.js'

const ROLES = ['admin', 'social_marketing']

/** The schema of a report on one resource: its `:id`, the range query, 200 `report`, 400, 404. */
const byId = <P extends TSchema, R extends TSchema>(params: P, report: R) => ({
  params,
  querystring: AnalyticsRangeQuery,
  response: { 200: report, 400: ErrorResponse, 404: ErrorResponse },
})

/** The report, or 404 NOT_FOUND `<resource> not found` for an unknown id or another tenant's. */
async function found<T>(resource: string, report: Promise<T | null>): Promise<T> {
  const out = await report
  if (out === null) throw new NotFoundError(resource)
  return out
}

/**
 * The GET reports (gateway `/v1/analytics/...`), for a CRM admin or social_marketing user of the
 * tenant (401/403 otherwise), over `from`/`to` (default the 30 days before now; 400
 * VALIDATION_FAILED for a date PostgreSQL cannot store or `from` after `to`):
 * - `/analytics/connections/:id`: followers, following, likes and video count — latest, history
 *   and growth — totals of the latest counts over the account's tracked videos, and `stale` when
 *   the account is reauth_required or disconnected;
 * - `/analytics/posts/:id`: a post published through us (publish-service UUID) — views, likes,
 *   comments, shares summed over its TikTok videos: latest, history, growth, engagement rate;
 * - `/analytics/summary`: the caller's tenant — accounts by state, followers, totals over every
 *   tracked video, engagement rate and growth.
 */
const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { reports, clock } = app.analytics
  const scope = (request: FastifyRequest, query: AnalyticsRangeQuery): ReportScope => ({
    tenantId: requireUser(request, ROLES).tenantId,
    range: resolveRange(query, clock()),
  })

  app.get(
    '/analytics/connections/:id',
    { schema: byId(ConnectionIdParams, ConnectionAnalytics) },
    async (req) => found('Connection', reports.connection(req.params.id, scope(req, req.query))),
  )
  app.get(
    '/analytics/summary',
    {
      schema: {
        querystring: AnalyticsRangeQuery,
        response: { 200: TenantAnalyticsSummary, 400: ErrorResponse },
      },
    },
    async (req) => reports.summary(scope(req, req.query)),
  )
  app.get('/analytics/posts/:id', { schema: byId(PostIdParams, PostAnalytics) }, async (req) =>
    found('Post', reports.post(req.params.id, scope(req, req.query))),
  )
}

export default reportRoutes
