import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  DeliveryAttemptList,
  DeliveryIdParams,
  DeliveryListQuery,
  ErrorResponse,
  PUBLIC_EVENT_CATALOGUE_VERSION,
  WebhookEndpointIdParams,
} from '@social-bridge/contracts'
import { NotFoundError, requireUser } from '@social-bridge/service-kit'
import { Type } from 'typebox'
import { ADMIN } from './index.js'

const errors = { 404: ErrorResponse }
const Queued = Type.Object({ deliveryId: Type.String(), eventId: Type.String() })

/**
 * `POST /webhook-endpoints/:id/test` (a `ping` event), `GET /webhook-endpoints/:id/deliveries`
 * (the attempt log, newest first, cursor-paged) and `POST …/deliveries/:deliveryId/retry`
 * (due now, with a fresh 3-day retry window). Admin only, tenant-scoped.
 */
const deliveryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { endpoints, deliveries } = app.dispatch

  async function endpointOf(tenantId: string, id: string) {
    const endpoint = await endpoints.get(tenantId, id)
    if (!endpoint) throw new NotFoundError('Webhook endpoint')
    return endpoint
  }

  app.post(
    '/webhook-endpoints/:id/test',
    { schema: { params: WebhookEndpointIdParams, response: { 202: Queued, ...errors } } },
    async (request, reply) => {
      const user = requireUser(request, ADMIN)
      const endpoint = await endpointOf(user.tenantId, request.params.id)
      const eventId = `ping_${randomUUID()}`
      const deliveryId = await deliveries.addDelivery(
        {
          id: eventId,
          type: 'ping',
          version: PUBLIC_EVENT_CATALOGUE_VERSION,
          occurredAt: new Date().toISOString(),
          tenantId: user.tenantId,
          data: { endpointId: endpoint.id, message: 'Test event from Social Bridge' },
        },
        endpoint.id,
      )
      app.dispatch.nudge()
      return reply.status(202).send({ deliveryId: deliveryId ?? '', eventId })
    },
  )

  app.get(
    '/webhook-endpoints/:id/deliveries',
    {
      schema: {
        params: WebhookEndpointIdParams,
        querystring: DeliveryListQuery,
        response: { 200: DeliveryAttemptList, ...errors },
      },
    },
    async (request) => {
      const user = requireUser(request, ADMIN)
      const endpoint = await endpointOf(user.tenantId, request.params.id)
      const limit = request.query.limit ?? 50
      const rows = await deliveries.listAttempts(endpoint.id, {
        cursor: request.query.cursor,
        limit: limit + 1,
      })
      const page = rows.slice(0, limit)
      return { items: page, nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null }
    },
  )

  app.post(
    '/webhook-endpoints/:id/deliveries/:deliveryId/retry',
    {
      schema: {
        params: DeliveryIdParams,
        response: { 202: Type.Object({ deliveryId: Type.String() }), ...errors },
      },
    },
    async (request, reply) => {
      const user = requireUser(request, ADMIN)
      const endpoint = await endpointOf(user.tenantId, request.params.id)
      if (!(await deliveries.retry(endpoint.id, request.params.deliveryId)))
        throw new NotFoundError('Delivery')
      app.dispatch.nudge()
      return reply.status(202).send({ deliveryId: request.params.deliveryId })
    },
  )
}

export default deliveryRoutes
