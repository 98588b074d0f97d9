import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ACCESS_TOKEN_ROUTE,
  AccessTokenRequest,
  ConnectionAccessToken,
  ConnectionIdParams,
  ConnectionStatus,
  ErrorResponse,
  InternalConnectionList,
  Uuid,
} from '@social-bridge/contracts'
import { requireService } from '@social-bridge/service-kit'
import { Type } from 'typebox'
import { toInternalDto } from '../../domain/connection-dto.js'

/** Services allowed to get access tokens and list connections. */
export const INTERNAL_CALLERS = ['publish-service', 'analytics-service', 'gateway']

const ListQuery = Type.Object({
  status: Type.Optional(ConnectionStatus),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  cursor: Type.Optional(Uuid),
})

/**
 * Service-to-service API (contracts `rest/internal.ts`), service identity only: the access-token
 * hand-out `POST /internal/connections/:id/lease` (path name kept) and `GET /internal/connections`.
 */
const internalRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse }

  app.post(
    ACCESS_TOKEN_ROUTE,
    {
      schema: {
        params: ConnectionIdParams,
        body: AccessTokenRequest,
        response: { 200: ConnectionAccessToken, ...errors },
      },
      // a request without a body (no JSON at all) means `{}`
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {}
      },
    },
    async (request, reply) => {
      requireService(request, INTERNAL_CALLERS)
      reply.header('cache-control', 'no-store')
      const body = request.body ?? {}
      return app.auth.tokens.getAccessToken(request.params.id, {
        ...(body.tenantId !== undefined ? { tenantId: body.tenantId } : {}),
        forceRefresh: body.forceRefresh === true,
      })
    },
  )

  app.get(
    '/internal/connections',
    { schema: { querystring: ListQuery, response: { 200: InternalConnectionList, ...errors } } },
    async (request) => {
      requireService(request, INTERNAL_CALLERS)
      const { status, limit, cursor } = request.query
      const rows = await app.auth.connections.listPage({
        limit: limit + 1,
        ...(status ? { status } : {}),
        ...(cursor ? { cursor } : {}),
      })
      const page = rows.slice(0, limit)
      return {
        items: page.map(toInternalDto),
        nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
      }
    },
  )
}

export default internalRoutes
