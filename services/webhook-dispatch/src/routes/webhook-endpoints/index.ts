import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  CreateWebhookEndpointRequest,
  ErrorResponse,
  UpdateWebhookEndpointRequest,
  WebhookEndpoint,
  WebhookEndpointIdParams,
  WebhookEndpointList,
  WebhookEndpointWithSecret,
} from '@social-bridge/contracts'
import { NotFoundError, requireUser } from '@social-bridge/service-kit'
import { Type } from 'typebox'
import { UrlRefusedError } from '../../domain/url-guard.js'
import { WebhookUrlRefusedError } from '../../errors.js'
import { endpointDto, type WithSecret } from '../../repositories/endpoints-repository.js'
import deliveryRoutes from './deliveries.js'

/** Managing webhook endpoints is for admins only (ARCHITECTURE.md roles). */
export const ADMIN = ['admin']

const errors = { 400: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse }
const withSecret = ({ endpoint, secret }: WithSecret) => ({ ...endpointDto(endpoint), secret })

/**
 * `/webhook-endpoints/**` (gateway `/v1/webhook-endpoints/**`), admin only, scoped by the caller's
 * tenant (another tenant's id answers 404). The signing secret is shown on creation and rotation only.
 */
const webhookEndpointRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { endpoints, guard } = app.dispatch

  async function checkUrl(url: string) {
    try {
      await guard.check(url)
    } catch (err) {
      if (err instanceof UrlRefusedError) throw new WebhookUrlRefusedError(err.message)
      throw err
    }
  }
  const found = <T>(value: T | null | false): T => {
    if (!value) throw new NotFoundError('Webhook endpoint')
    return value
  }

  app.post(
    '/webhook-endpoints',
    {
      schema: { body: CreateWebhookEndpointRequest, response: { 201: WebhookEndpointWithSecret, ...errors } },
    },
    async (request, reply) => {
      const user = requireUser(request, ADMIN)
      await checkUrl(request.body.url)
      return reply.status(201).send(withSecret(await endpoints.create(user.tenantId, request.body)))
    },
  )

  app.get(
    '/webhook-endpoints',
    {
      schema: {
        querystring: Type.Object({
          cursor: Type.Optional(Type.String({ format: 'uuid' })),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
        }),
        response: { 200: WebhookEndpointList, ...errors },
      },
    },
    async (request) => {
      const user = requireUser(request, ADMIN)
      const { limit, cursor } = request.query
      const rows = await endpoints.list(user.tenantId, { cursor, limit: limit + 1 })
      const page = rows.slice(0, limit)
      return {
        items: page.map(endpointDto),
        nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
      }
    },
  )

  const byId = { params: WebhookEndpointIdParams }
  app.get(
    '/webhook-endpoints/:id',
    { schema: { ...byId, response: { 200: WebhookEndpoint, ...errors } } },
    async (request) => {
      const user = requireUser(request, ADMIN)
      return endpointDto(found(await endpoints.get(user.tenantId, request.params.id)))
    },
  )

  app.patch(
    '/webhook-endpoints/:id',
    {
      schema: { ...byId, body: UpdateWebhookEndpointRequest, response: { 200: WebhookEndpoint, ...errors } },
    },
    async (request) => {
      const user = requireUser(request, ADMIN)
      if (request.body.url !== undefined) await checkUrl(request.body.url)
      return endpointDto(found(await endpoints.update(user.tenantId, request.params.id, request.body)))
    },
  )

  app.delete(
    '/webhook-endpoints/:id',
    { schema: { ...byId, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const user = requireUser(request, ADMIN)
      found(await endpoints.remove(user.tenantId, request.params.id))
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/webhook-endpoints/:id/rotate-secret',
    { schema: { ...byId, response: { 200: WebhookEndpointWithSecret, ...errors } } },
    async (request) => {
      const user = requireUser(request, ADMIN)
      return withSecret(found(await endpoints.rotate(user.tenantId, request.params.id)))
    },
  )

  await app.register(deliveryRoutes)
}

export default webhookEndpointRoutes
