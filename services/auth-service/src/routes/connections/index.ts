import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  Connection,
  ConnectionDetail,
  ConnectionIdParams,
  ConnectionList,
  ConnectionListQuery,
  ErrorResponse,
} from '@social-bridge/contracts'
import { NotFoundError, requireUser } from '@social-bridge/service-kit'
import type { FastifyRequest } from 'fastify'
import type { TSchema } from 'typebox'
import type { AuthConfig } from '../../config.js'
import type { ConnectionRow } from '../../db/schema.js'
import { toConnectionDto } from '../../domain/connection-dto.js'
import oauthRoutes from './oauth.js'

const READERS = ['admin', 'social_marketing']
const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse }

/** Route options of `/connections/:id…`: the id in the path, `result` on 200, the shared errors. */
function onConnection<R extends TSchema>(result: R) {
  return { schema: { params: ConnectionIdParams, response: { 200: result, ...errors } } }
}

/**
 * The tenant's connections behind the gateway's `/v1/connections…` (ARCHITECTURE.md REST table):
 * list (`?provider=`), detail, refresh now (admin), disconnect (admin), plus the OAuth routes of
 * every provider. Tenant-scoped: another tenant's id answers 404. TikTok Shop connections carry
 * their shops (never the `shop_cipher`).
 */
const connectionsRoutes: FastifyPluginAsyncTypebox<{ config: AuthConfig }> = async (app, { config }) => {
  await app.register(oauthRoutes, { config })

  /** Connection `id` of the tenant of the request's user (who has one of `roles`), or 404. */
  async function ownConnection(request: FastifyRequest, id: string, roles: string[]) {
    const user = requireUser(request, roles)
    const row = await app.auth.connections.findForTenant(user.tenantId, id)
    if (!row) throw new NotFoundError('Connection')
    return row
  }

  /** DTOs of `rows`, with the shops of their `tiktok_shop` connections (one query). */
  async function dtos(rows: ConnectionRow[]) {
    const shopIds = rows.filter((r) => r.provider === 'tiktok_shop').map((r) => r.id)
    const shops = await app.auth.shops.forConnections(shopIds)
    return rows.map((row) => toConnectionDto(row, shops))
  }
  const dto = async (row: ConnectionRow) => (await dtos([row]))[0]!

  app.get(
    '/connections',
    { schema: { querystring: ConnectionListQuery, response: { 200: ConnectionList, ...errors } } },
    async (request) => {
      const user = requireUser(request, READERS)
      const rows = await app.auth.connections.listForTenant(user.tenantId, request.query.provider)
      return { items: await dtos(rows) }
    },
  )

  app.get('/connections/:id', onConnection(ConnectionDetail), async (request) =>
    dto(await ownConnection(request, request.params.id, READERS)),
  )

  app.post('/connections/:id/refresh', onConnection(Connection), async (request) => {
    const row = await ownConnection(request, request.params.id, ['admin'])
    const after = await app.auth.tokens.refresh(row.id, {
      trigger: 'manual',
      force: true,
      seenVersion: row.tokenVersion,
    })
    return dto(after)
  })

  app.delete('/connections/:id', onConnection(Connection), async (request) => {
    const user = requireUser(request, ['admin'])
    const row = await app.auth.disconnect.disconnect({
      tenantId: user.tenantId,
      id: request.params.id,
      userId: user.userId,
    })
    return dto(row)
  })
}

export default connectionsRoutes
