import type { FastifyPluginAsync } from 'fastify'
import { authenticate } from '../auth.js'
import type { SandboxContext } from '../context.js'
import {
  parseFields,
  pick,
  USER_FIELD_SCOPES,
  userObject,
  VIDEO_FIELDS,
  videoObject,
} from '../display-objects.js'
import { apiErrors, TikTokApiError } from '../errors.js'
import { sendData } from '../reply.js'

const MAX_COUNT = 20

function videoFields(raw: unknown): string[] {
  const fields = parseFields(raw)
  if (fields.length === 0) throw apiErrors.invalidParams('fields is required.')
  const unknown = fields.filter((f) => !VIDEO_FIELDS.includes(f))
  if (unknown.length) throw apiErrors.invalidParams(`Invalid fields: ${unknown.join(',')}`)
  return fields
}

/**
 * Display API (docs/tiktok-api.md §2): `GET /v2/user/info/`, `POST /v2/video/list/`, `POST /v2/video/query/`.
 * Only requested fields are returned; video ids are 19-digit strings; metrics grow with virtual time.
 */
export const displayRoutes: FastifyPluginAsync<{ ctx: SandboxContext }> = async (app, { ctx }) => {
  app.get<{ Querystring: { fields?: string } }>(
    '/v2/user/info/',
    { config: { endpoint: 'user.info' } },
    async (request, reply) => {
      const { user, grant } = authenticate(ctx, request, [])
      const fields = parseFields(request.query.fields)
      if (fields.length === 0) throw apiErrors.invalidParams('fields is required.')
      const unknown = fields.filter((f) => !(f in USER_FIELD_SCOPES))
      if (unknown.length) throw apiErrors.invalidParams(`Invalid fields: ${unknown.join(',')}`)
      const missing = [...new Set(fields.map((f) => USER_FIELD_SCOPES[f]!))].filter(
        (s) => !grant.scopes.includes(s),
      )
      if (missing.length) {
        const code = ctx.settings.userInfoScopeErrorCode
        throw new TikTokApiError(
          code === 'scope_not_authorized' ? 401 : 400,
          code,
          `The user did not authorize the scope required for completing this request: ${missing.join(',')}.`,
        )
      }
      return sendData(reply, ctx, { user: pick(userObject(ctx, user), fields) })
    },
  )

  app.post<{ Querystring: { fields?: string }; Body: { cursor?: number; max_count?: number } | undefined }>(
    '/v2/video/list/',
    { config: { endpoint: 'video.list' } },
    async (request, reply) => {
      const { user } = authenticate(ctx, request, ['video.list'])
      const fields = videoFields(request.query.fields)
      const body = request.body ?? {}
      const maxCount = body.max_count ?? 10
      if (!Number.isInteger(maxCount) || maxCount < 1 || maxCount > MAX_COUNT) {
        throw apiErrors.invalidParams(`max_count must be between 1 and ${MAX_COUNT}.`)
      }
      const cursor = body.cursor ?? ctx.clock.now()
      if (typeof cursor !== 'number' || !Number.isFinite(cursor))
        throw apiErrors.invalidParams('cursor is invalid.')
      const older = ctx.posts.videosOf(user.openId).filter((v) => v.public && v.createTimeMs < cursor)
      const page = older.slice(0, maxCount)
      const last = page[page.length - 1]
      return sendData(reply, ctx, {
        videos: page.map((v) => pick(videoObject(ctx, v), fields)),
        cursor: last ? last.createTimeMs : cursor,
        has_more: older.length > page.length,
      })
    },
  )

  app.post<{ Querystring: { fields?: string }; Body: { filters?: { video_ids?: unknown } } | undefined }>(
    '/v2/video/query/',
    { config: { endpoint: 'video.query' } },
    async (request, reply) => {
      const { user } = authenticate(ctx, request, ['video.list'])
      const fields = videoFields(request.query.fields)
      const ids = request.body?.filters?.video_ids
      if (
        !Array.isArray(ids) ||
        ids.length === 0 ||
        ids.some((id) => typeof id !== 'string' && typeof id !== 'number')
      ) {
        throw apiErrors.invalidParams('filters.video_ids must be a non-empty list of video ids.')
      }
      if (ids.length > MAX_COUNT)
        throw apiErrors.invalidParams(`video_ids must contain at most ${MAX_COUNT} ids.`)
      const wanted = new Set(ids.map(String))
      const videos = ctx.posts.videosOf(user.openId).filter((v) => v.public && wanted.has(v.id.toString()))
      return sendData(reply, ctx, {
        videos: videos.map((v) => pick(videoObject(ctx, v), fields)),
        cursor: 0,
        has_more: false,
      })
    },
  )
}
