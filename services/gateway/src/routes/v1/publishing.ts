import {
  CreatePostRequest,
  Media,
  PHOTO_CONTENT_TYPES,
  PostIdParams,
  PostListQuery,
  UpdatePostRequest,
} from '@social-bridge/contracts'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { answer, bearerSecurity, errorAnswers, READERS } from './common.js'
import { PostDoc, PostListDoc } from './described.js'
import { checkUploadLength } from './upload-length.js'

const VIDEO_TYPES = ['video/mp4', 'video/quicktime', 'video/webm', ...PHOTO_CONTENT_TYPES]

/** `/v1/media` and `/v1/posts/**` (publish-service). */
export default async function publishingRoutes(app: FastifyInstance) {
  // Video and photo bodies are not parsed here: the request stream goes through to publish-service as is.
  app.addContentTypeParser(VIDEO_TYPES, (_request, payload, done) => done(null, payload))

  app.post('/media', {
    schema: {
      tags: ['media'],
      summary:
        'Upload a video (streamed; Content-Type video/mp4, video/quicktime or video/webm; Content-Length required)',
      description:
        'Roles: admin, social_marketing. The body is the video itself, up to 4 GiB, streamed to ' +
        'storage as it arrives (an upload may take as long as it needs, but one that stops sending ' +
        'is closed). Answers 201 with the stored media and what inspection found; use its `id` as ' +
        '`source.mediaId` of `POST /v1/posts`.',
      security: bearerSecurity,
      headers: Type.Object({ 'content-type': Type.String() }),
      response: {
        201: answer('The stored video and what inspection found', Media),
        ...errorAnswers({
          secured: true,
          body: true,
          replace: [413, 415],
          extra: {
            400: '`BAD_REQUEST`: a `Content-Length` that is not a whole number, or a body shorter or longer than it.',
            411: '`LENGTH_REQUIRED`: no `Content-Length` (e.g. a chunked upload): the size must be known.',
            413: '`PAYLOAD_TOO_LARGE`: a video declared over 4 GiB (`details.declaredBytes`, `details.maxBytes`).',
            415: '`UNSUPPORTED_MEDIA_TYPE`: a Content-Type other than `video/mp4`, `video/quicktime`, `video/webm`.',
            422: '`MEDIA_NOT_VIDEO`: an empty body, or a file with no video track TikTok can read.',
          },
        }),
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
      description:
        'Roles: admin, social_marketing. Answers 202 with the post at once (`queued`); publishing ' +
        'goes on in the background: follow it with `GET /v1/posts/{id}` (`status`, `waitingFor`, ' +
        '`history`, `failMessage`). The same `Idempotency-Key` with the same body answers the same ' +
        'post again, with another body 422 `IDEMPOTENCY_KEY_REUSED`.',
      security: bearerSecurity,
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 255 })) }),
      body: CreatePostRequest,
      response: {
        202: answer('The post, accepted (`queued`, or where an earlier request with this key got)', PostDoc),
        ...errorAnswers({
          secured: true,
          body: true,
          extra: {
            404: "`NOT_FOUND`: the connection or the media is not the caller's tenant's.",
            409:
              '`CONNECTION_NOT_ACTIVE`: the connection is `revoked` or `disconnected`. `REAUTH_REQUIRED`: ' +
              'it is `reauth_required`; a user must connect the account again.',
            422:
              'The post breaks a rule, checked before TikTok is called where possible: ' +
              '`PRIVACY_LEVEL_NOT_ALLOWED` (not in the creator info options), ' +
              '`INTERACTION_DISABLED_BY_CREATOR`, `VIDEO_TOO_LONG`, `TITLE_TOO_LONG` (over 2,200 ' +
              'UTF-16 units), `URL_NOT_VERIFIED` (a `source.url` outside the verified prefixes), ' +
              '`MEDIA_NOT_VIDEO`, `IDEMPOTENCY_KEY_REUSED`, or `TIKTOK_REJECTED` (`details.tiktokCode`).',
            429:
              "`POSTING_LIMIT_REACHED`: one of TikTok's per-account limits (6 post inits a minute, 5 " +
              'inbox drafts pending in 24 h, 20 creator-info queries a minute) or TikTok limiting the ' +
              'account; `details.retryAfterSec`.',
            503: '`TIKTOK_UNAVAILABLE`: TikTok is not answering; retry shortly.',
          },
        }),
      },
    },
    onRequest: app.authenticate(READERS),
    handler: (_req, reply) => reply.proxyTo('publish'),
  })

  app.get('/posts', {
    schema: {
      tags: ['posts'],
      summary: "The tenant's posts with their status",
      description:
        'Roles: admin, social_marketing. Newest first, `limit` per page (default 20); pass ' +
        '`nextCursor` as `cursor` for the next page. Items have no `history`.',
      security: bearerSecurity,
      querystring: PostListQuery,
      response: {
        200: answer('A page of posts', PostListDoc),
        ...errorAnswers({
          secured: true,
          extra: { 400: '`BAD_REQUEST`: a `cursor` that is not a `nextCursor` this API returned.' },
        }),
      },
    },
    onRequest: app.authenticate(READERS),
    handler: (_req, reply) => reply.proxyTo('publish'),
  })

  app.get('/posts/:id', {
    schema: {
      tags: ['posts'],
      summary: 'One post: status, publish_id, post ids, upload progress, fail reason, history',
      description:
        'Roles: admin, social_marketing. `status` says where the post is; `waitingFor` is set while ' +
        'it waits for a limit or an outage to pass (no action needed); `history` lists every step ' +
        'with its time and reason; a `failed` post has `failReason` and `failMessage` (a sentence ' +
        'for the CRM user).',
      security: bearerSecurity,
      params: PostIdParams,
      response: {
        200: answer('The post, with its history', PostDoc),
        ...errorAnswers({ secured: true, notFound: "no post with this id in the caller's tenant" }),
      },
    },
    onRequest: app.authenticate(READERS),
    handler: (_req, reply) => reply.proxyTo('publish'),
  })

  app.patch('/posts/:id', {
    schema: {
      tags: ['posts'],
      summary: 'Change a scheduled post before it starts (time, title, privacy level, options)',
      description:
        'Roles: admin, social_marketing. Only a `scheduled` post no worker has started; the checks of ' +
        '`POST /v1/posts` apply to the post as it becomes. Answers 200 with the post and its `capacity` ' +
        "(TikTok's caps at its time).",
      security: bearerSecurity,
      params: PostIdParams,
      body: UpdatePostRequest,
      response: {
        200: answer('The changed post', PostDoc),
        ...errorAnswers({
          secured: true,
          body: true,
          notFound: "no post with this id in the caller's tenant",
          extra: {
            409: '`POST_NOT_SCHEDULED`: the post started, ended or was cancelled.',
            422: '`SCHEDULED_AT_OUT_OF_RANGE` (past, or over 120 days ahead), or a rule of `POST /v1/posts`.',
          },
        }),
      },
    },
    onRequest: app.authenticate(READERS),
    handler: (_req, reply) => reply.proxyTo('publish'),
  })

  app.post('/posts/:id/cancel', {
    schema: {
      tags: ['posts'],
      summary: 'Cancel a scheduled post before it starts',
      description: 'Roles: admin, social_marketing. Answers 200 with the post, now `cancelled` (final).',
      security: bearerSecurity,
      params: PostIdParams,
      response: {
        200: answer('The cancelled post', PostDoc),
        ...errorAnswers({
          secured: true,
          body: true,
          notFound: "no post with this id in the caller's tenant",
          extra: { 409: '`POST_NOT_SCHEDULED`: the post started, ended or was cancelled already.' },
        }),
      },
    },
    onRequest: app.authenticate(READERS),
    handler: (_req, reply) => reply.proxyTo('publish'),
  })

  // Public: TikTok downloads photos and Instagram Reel videos here (MEDIA_PUBLIC_BASE_URL). No JWT: the signed URL is the credential.
  app.get('/media/public/:file', {
    schema: {
      tags: ['media'],
      summary:
        'A stored photo or Reel video behind a signed, expiring URL (for TikTok or Instagram to pull; no JWT)',
      description:
        "Answers the photo (image/jpeg or image/webp) or a Reel's video (video/mp4 or video/quicktime) for a URL " +
        'publish-service signed; 404 for an unsigned, altered or expired one.',
      params: Type.Object({ file: Type.String() }),
      response: {
        200: answer('The photo or video bytes', Type.String({ format: 'binary' })),
        ...errorAnswers({
          secured: false,
          notFound: 'an unsigned, altered or expired URL, or a photo deleted since',
        }),
      },
    },
    handler: (_req, reply) => reply.proxyTo('publish'),
  })
}
