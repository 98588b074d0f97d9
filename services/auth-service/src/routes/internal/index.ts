import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ConnectionIdParams,
  ConnectionStatus,
  ErrorResponse,
  InternalConnectionList,
  TokenLease,
  TokenLeaseRequest,
  Uuid,
} from '@social-bridge/contracts'
import { requireService } from '@social-bridge/service-kit'
import { Type } from 'typebox'
import { toInternalDto } from '../../plugins/app/connections-repository.js'

/** Services allowed to lease tokens and list connections. */
export const LEASE_CALLERS = ['publish-service', 'analytics-service', 'gateway']

const ListQuery = Type.Object({
  status: Type.Optional(ConnectionStatus),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  cursor: Type.Optional(Uuid),
})

/**
 * Service-to-service API (contracts `rest/internal.ts`), service identity only:
 * `POST /internal/connections/:id/lease` and `GET /internal/connections`.
 */
export const internalRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse }

  app.post(
    '/internal/connections/:id/lease',
    {
      schema: {
        params: ConnectionIdParams,
        body: TokenLeaseRequest,
        response: { 200: TokenLease, ...errors },
      },
      // a lease without a body (no JSON at all) means `{}`
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {}
      },
    },
    async (request, reply) => {
      requireService(request, LEASE_CALLERS)
      reply.header('cache-control', 'no-store')
      const body = request.body ?? {}
      return app.auth.tokens.lease(request.params.id, {
        ...(body.tenantId !== undefined ? { tenantId: body.tenantId } : {}),
        forceRefresh: body.forceRefresh === true,
      })
    },
  )

  app.get(
    '/internal/connections',
    { schema: { querystring: ListQuery, response: { 200: InternalConnectionList, ...errors } } },
    async (request) => {
      requireService(request, LEASE_CALLERS)
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
