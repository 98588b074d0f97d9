import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AnalyticsRangeQuery, ErrorResponse, PostAnalytics, PostIdParams } from '@social-bridge/contracts'
import { NotFoundError, requireUser } from '@social-bridge/service-kit'
import { delta, engagementRate } from '../../domain/engagement.js'
import { rangeDto, resolveRange } from '../../domain/range.js'

const ROLES = ['admin', 'social_marketing']
const COUNTS = ['views', 'likes', 'comments', 'shares'] as const

/**
 * `GET /analytics/posts/:id` (gateway `/v1/analytics/posts/:id`): a post published through us
 * (publish-service UUID) — latest views, likes, comments, shares summed over its TikTok videos,
 * engagement rate, history within `from`/`to` (default the last 30 days) and growth over it.
 * 404 for an unknown post or another tenant's.
 */
const postAnalyticsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/analytics/posts/:id',
    {
      schema: {
        params: PostIdParams,
        querystring: AnalyticsRangeQuery,
        response: { 200: PostAnalytics, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const user = requireUser(request, ROLES)
      const { readModel, clock } = app.analytics
      const range = resolveRange(request.query, clock())
      const post = await readModel.findPost(request.params.id, user.tenantId)
      if (!post) throw new NotFoundError('Post')
      const [history, latest] = await readModel.snapshot((reads) =>
        Promise.all([reads.postHistory(post, range), reads.postLatest(post)]),
      )
      const dto = (p: (typeof history)[number]) => ({ ...p, measuredAt: p.measuredAt.toISOString() })
      return {
        postId: request.params.id,
        latest: latest ? dto(latest) : null,
        engagementRate: engagementRate(latest),
        history: history.map(dto),
        stale: post.stale,
        range: rangeDto(range),
        delta: delta(history[0], history[history.length - 1], COUNTS),
      }
    },
  )
}

export default postAnalyticsRoutes
