import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ConnectionIdParams, CreatorInfo, ErrorResponse, PostingQuota } from '@social-bridge/contracts'
import { requireUser } from '@social-bridge/service-kit'
import type { TSchema } from 'typebox'
import { queryCreatorInfo } from '../../domain/creator-info.js'
import { toCreatorInfoDto } from '../../domain/creator-info-dto.js'
import { withPublicErrors } from '../../domain/public-errors.js'

const ROLES = ['admin', 'social_marketing']

/**
 * `GET /connections/:id/creator-info` — TikTok creator_info (docs/tiktok-api.md §3.1), camelCased,
 * counted in its 20 calls/min per token (429 `POSTING_LIMIT_REACHED` when used up);
 * `GET /connections/:id/quota` — posting quota usage counted by this service (§5, §3.3).
 * Both check through auth-service's access-token hand-out that the connection is the caller's tenant's (else 404).
 */
const connectionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/connections/:id/creator-info', connectionRead(CreatorInfo), async (request) => {
    const user = requireUser(request, ROLES)
    const connection = { connectionId: request.params.id, tenantId: user.tenantId }
    const info = await withPublicErrors(() =>
      queryCreatorInfo({
        quota: app.publish.quota,
        authClient: app.authClient,
        tiktok: app.tiktok,
        connection,
      }),
    )
    return toCreatorInfoDto(info)
  })

  app.get('/connections/:id/quota', connectionRead(PostingQuota), async (request) => {
    const user = requireUser(request, ROLES)
    // Ownership check only: the access token is dropped unused.
    await withPublicErrors(() =>
      app.authClient.getAccessToken(request.params.id, { tenantId: user.tenantId }),
    )
    return app.publish.quota.usage(request.params.id)
  })
}

/** Options of a `GET /connections/:id/…` route answering `ok` (200) or the shared error shape. */
function connectionRead<T extends TSchema>(ok: T) {
  return {
    schema: { params: ConnectionIdParams, response: { 200: ok, '4xx': ErrorResponse, '5xx': ErrorResponse } },
  }
}

export default connectionRoutes
