import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ConnectionIdParams, CreatorInfo, ErrorResponse, PostingQuota } from '@social-bridge/contracts'
import { requireUser } from '@social-bridge/service-kit'
import { queryCreatorInfo } from '../../domain/creator-info.js'
import { toCreatorInfoDto } from '../../domain/creator-info-dto.js'
import { toPublicError } from '../../domain/public-errors.js'

const ROLES = ['admin', 'social_marketing']

/**
 * `GET /connections/:id/creator-info` — TikTok creator_info (REFERENCE.md §3.1), camelCased,
 * counted in its 20 calls/min per token (429 `POSTING_LIMIT_REACHED` when used up);
 * `GET /connections/:id/quota` — posting quota usage counted by this service (§5, §3.3).
 * Both check through auth-service's access-token hand-out that the connection is the caller's tenant's (else 404).
 */
const connectionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/connections/:id/creator-info',
    {
      schema: {
        params: ConnectionIdParams,
        response: { 200: CreatorInfo, '4xx': ErrorResponse, '5xx': ErrorResponse },
      },
    },
    async (request) => {
      const user = requireUser(request, ROLES)
      try {
        const info = await queryCreatorInfo({
          quota: app.publish.quota,
          authClient: app.authClient,
          tiktok: app.tiktok,
          connection: { connectionId: request.params.id, tenantId: user.tenantId },
        })
        return toCreatorInfoDto(info)
      } catch (err) {
        throw toPublicError(err)
      }
    },
  )

  app.get(
    '/connections/:id/quota',
    {
      schema: {
        params: ConnectionIdParams,
        response: { 200: PostingQuota, '4xx': ErrorResponse, '5xx': ErrorResponse },
      },
    },
    async (request) => {
      const user = requireUser(request, ROLES)
      try {
        // Ownership check only: the access token is dropped unused.
        await app.authClient.getAccessToken(request.params.id, { tenantId: user.tenantId })
      } catch (err) {
        throw toPublicError(err)
      }
      return app.publish.quota.usage(request.params.id)
    },
  )
}

export default connectionRoutes
