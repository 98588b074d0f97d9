import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { PublicEventSchemas } from '@social-bridge/contracts'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * The OpenAPI document, generated from the route schemas (@fastify/swagger), and its UI at
 * `/docs` (@fastify/swagger-ui; the JSON at `/docs/json`).
 */
export const docsPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'Social Bridge API',
          version: '1.0.0',
          description:
            'Connect TikTok accounts, publish videos, follow their status and read engagement analytics.',
        },
        components: {
          securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
          // the public events (webhooks and `GET /v1/events`), one schema per type: `Event_post_published`…
          schemas: Object.fromEntries(
            Object.values(PublicEventSchemas).map((s) => [(s as { $id: string }).$id, s as object]),
          ),
        },
      },
    })
    await app.register(swaggerUi, { routePrefix: '/docs' })
  },
  { name: 'gateway-docs', fastify: '5.x' },
)
