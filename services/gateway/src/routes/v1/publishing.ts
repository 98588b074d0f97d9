import {
  CreatePostRequest,
  ErrorResponse,
  Media,
  Post,
  PostIdParams,
  PostList,
  PostListQuery,
} from '@social-bridge/contracts'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { bearerSecurity, errorResponses, READERS } from './common.js'
import { checkUploadLength } from './upload-length.js'

const VIDEO_TYPES = ['video/mp4', 'video/quicktime', 'video/webm']

/** `/v1/media` and `/v1/posts/**` (publish-service). */
export default async function publishingRoutes(app: FastifyInstance) {
  // Video bodies are not parsed here: the request stream goes through to publish-service as is.
  app.addContentTypeParser(VIDEO_TYPES, (_request, payload, done) => done(null, payload))

  app.post('/media', {
    schema: {
      tags: ['media'],
      summary:
        'Upload a video (streamed; Content-Type video/mp4, video/quicktime or video/webm; Content-Length required)',
      security: bearerSecurity,
      headers: Type.Object({ 'content-type': Type.String() }),
      response: {
        201: Media,
        411: ErrorResponse,
        413: ErrorResponse,
        415: ErrorResponse,
        422: ErrorResponse,
        ...errorResponses,
      },
    },
    // Who may upload first (401/403), then the declared size (411/413), before any body byte.
    onRequest: [app.authenticate(READERS), checkUploadLength],
    handler: (_req, reply) => reply.proxyTo('publish'),
  })

  app.post('/posts', {
    schema: {
      tags: ['posts'],
      summary: 'Publish a video (direct post or inbox draft); honours Idempotency-Key; answers 202',
      security: bearerSecurity,
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 255 })) }),
      body: CreatePostRequest,
      response: { 202: Post, 409: ErrorResponse, 422: ErrorResponse, ...errorResponses },
    },
    onRequest: app.authenticate(READERS),
    handler: (_req, reply) => reply.proxyTo('publish'),
  })

  app.get('/posts', {
    schema: {
      tags: ['posts'],
      summary: "The tenant's posts with their status",
      security: bearerSecurity,
      querystring: PostListQuery,
      response: { 200: PostList, ...errorResponses },
    },
    onRequest: app.authenticate(READERS),
    handler: (_req, reply) => reply.proxyTo('publish'),
  })

  app.get('/posts/:id', {
    schema: {
      tags: ['posts'],
      summary: 'One post: status, publish_id, post ids, upload progress, fail reason',
      security: bearerSecurity,
      params: PostIdParams,
      response: { 200: Post, ...errorResponses },
    },
    onRequest: app.authenticate(READERS),
    handler: (_req, reply) => reply.proxyTo('publish'),
  })
}
