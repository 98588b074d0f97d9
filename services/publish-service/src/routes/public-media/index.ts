import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { NotFoundError } from '@social-bridge/service-kit'
import { Type } from 'typebox'

/** The route pattern opened without an internal token (app.ts `publicPaths`). */
export const PUBLIC_MEDIA_ROUTE = '/media/public/:file'

const CONTENT_TYPE: Record<string, string> = {
  jpg: 'image/jpeg',
  webp: 'image/webp',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
}

/**
 * `GET /media/public/:file?expires=&signature=` — a stored photo for TikTok to pull (docs/tiktok-api.md
 * §3.4, §3.6) or a Reel's video for Instagram to fetch (docs/instagram-api.md "Publishing"), reached
 * through the gateway's public `/media/public/` path at `MEDIA_PUBLIC_BASE_URL`.
 * No identity: the signed URL is the credential (`photo-urls.ts`). Any unsigned, altered or expired
 * URL, or a photo deleted since, answers 404 (never telling which); a good one answers 200 with the
 * bytes, its content type and length, and `Cache-Control: private, no-store`.
 */
const publicMediaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    PUBLIC_MEDIA_ROUTE,
    {
      schema: {
        params: Type.Object({ file: Type.String({ maxLength: 64 }) }),
        querystring: Type.Object({
          expires: Type.Optional(Type.String({ maxLength: 16 })),
          signature: Type.Optional(Type.String({ maxLength: 64 })),
        }),
      },
    },
    async (request, reply) => {
      const { expires, signature } = request.query
      const photo = app.publish.photoUrls.verify(request.params.file, expires, signature)
      const size = photo ? await app.mediaStore.size(photo.mediaId) : null
      if (!photo || !size) throw new NotFoundError('Media')
      const reader = await app.mediaStore.openRangeReader(photo.mediaId)
      const bytes = reader.read(0, size - 1)
      bytes.once('close', () => void reader.close().catch(() => undefined))
      return reply
        .header('content-type', CONTENT_TYPE[photo.extension])
        .header('content-length', String(size))
        .header('cache-control', 'private, no-store')
        .send(bytes)
    },
  )
}

export default publicMediaRoutes
