import {
  AuthorizeQuery,
  AuthorizeResponse,
  CallbackQuery,
  CallbackResult,
  ConnectionDetail,
  ConnectionIdParams,
  ConnectionList,
  CreatorInfo,
  ErrorResponse,
} from '@social-bridge/contracts'
import type { FastifyInstance } from 'fastify'
import { ADMINS, bearerSecurity, errorResponses, READERS } from './common.js'

const tags = ['connections']

/** `/v1/connections/**`: OAuth connect and the tenant's TikTok accounts (auth-service; creator info from publish-service). */
export default async function connectionRoutes(app: FastifyInstance) {
  app.get('/connections/tiktok/authorize', {
    schema: {
      tags,
      summary: 'Start connecting a TikTok account (302 to TikTok, or JSON with Accept: application/json)',
      security: bearerSecurity,
      querystring: AuthorizeQuery,
      response: { 200: AuthorizeResponse, ...errorResponses },
    },
    onRequest: app.authenticate(READERS),
    handler: (_req, reply) => reply.proxyTo('auth', { withCookies: true }),
  })

  app.get('/connections/tiktok/callback', {
    schema: {
      tags,
      summary: "TikTok's redirect back: checks the state cookie, stores the account, redirects to the CRM",
      querystring: CallbackQuery,
      response: { 200: CallbackResult, 403: ErrorResponse, 503: ErrorResponse },
    },
    config: { rateLimit: false },
    handler: (_req, reply) => reply.proxyTo('auth', { withCookies: true }),
  })

  app.get('/connections', {
    schema: {
      tags,
      summary: "The tenant's TikTok accounts",
      security: bearerSecurity,
      response: { 200: ConnectionList, ...errorResponses },
    },
    onRequest: app.authenticate(READERS),
    handler: (_req, reply) => reply.proxyTo('auth'),
  })

  app.get('/connections/:id', {
    schema: {
      tags,
      summary: 'One account, with its posting quota usage',
      security: bearerSecurity,
      params: ConnectionIdParams,
      response: { 200: ConnectionDetail, ...errorResponses },
    },
    onRequest: app.authenticate(READERS),
    handler: async (request, reply) => {
      const { id } = request.params as { id: string }
      const [connection, quota] = await Promise.all([
        app.upstreamGet('auth', `/connections/${id}`, request),
        app.upstreamGet('publish', `/connections/${id}/quota`, request).catch(() => null),
      ])
      if (connection.status !== 200) return reply.status(connection.status).send(connection.body)
      const postingQuota = quota?.status === 200 ? quota.body : undefined
      return { ...(connection.body as object), ...(postingQuota ? { postingQuota } : {}) }
    },
  })

  app.post('/connections/:id/refresh', {
    schema: {
      tags,
      summary: 'Refresh the access token now',
      security: bearerSecurity,
      params: ConnectionIdParams,
      response: errorResponses,
    },
    onRequest: app.authenticate(ADMINS),
    handler: (_req, reply) => reply.proxyTo('auth'),
  })

  app.delete('/connections/:id', {
    schema: {
      tags,
      summary: 'Revoke at TikTok, delete the tokens, mark disconnected',
      security: bearerSecurity,
      params: ConnectionIdParams,
      response: errorResponses,
    },
    onRequest: app.authenticate(ADMINS),
    handler: (_req, reply) => reply.proxyTo('auth'),
  })

  app.get('/connections/:id/creator-info', {
    schema: {
      tags,
      summary: 'TikTok creator info: nickname, privacy options, interaction flags, max duration',
      security: bearerSecurity,
      params: ConnectionIdParams,
      response: { 200: CreatorInfo, ...errorResponses },
    },
    onRequest: app.authenticate(READERS),
    handler: (_req, reply) => reply.proxyTo('publish'),
  })
}
