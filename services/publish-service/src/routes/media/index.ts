import { randomUUID } from 'node:crypto'
import type { Readable } from 'node:stream'
import {
  ErrorResponse,
  MAX_MEDIA_BYTES,
  MAX_PHOTO_BYTES,
  Media,
  type MediaContentType,
  PHOTO_CONTENT_TYPES,
} from '@social-bridge/contracts'
import { requireUser, withDetails } from '@social-bridge/service-kit'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { toMediaDto } from '../../domain/media-dto.js'
import { intakePhoto } from '../../domain/photo-intake.js'
import {
  BadRequestError,
  LengthRequiredError,
  MediaNotVideoError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../../errors.js'

/** Content types accepted by `POST /media` (docs/tiktok-api.md §3.9 formats). */
export const VIDEO_CONTENT_TYPES: MediaContentType[] = ['video/mp4', 'video/quicktime', 'video/webm']
const isPhoto = (type: string) => (PHOTO_CONTENT_TYPES as readonly string[]).includes(type)
const ROLES = ['admin', 'social_marketing']

function contentTypeOf(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

/**
 * Checks the headers before a byte is read: 415 for another Content-Type, 411 without
 * Content-Length, 400 for a Content-Length that is not a whole number of bytes, 413 above 4 GiB
 * (`MAX_MEDIA_BYTES`), 422 for an empty body.
 * @returns the declared length in bytes.
 */
function checkHeaders(request: FastifyRequest): number {
  const type = contentTypeOf(request)
  if (!VIDEO_CONTENT_TYPES.includes(type as MediaContentType) && !isPhoto(type)) {
    throw new UnsupportedMediaTypeError()
  }
  const raw = request.headers['content-length']
  if (raw === undefined || raw === '') throw new LengthRequiredError()
  if (!/^\d+$/.test(raw)) {
    throw withDetails(
      new BadRequestError('Content-Length must be the size of the video as a whole number of bytes'),
      { contentLength: raw.slice(0, 64) },
    )
  }
  const length = Number(raw)
  if (isPhoto(type) && length > MAX_PHOTO_BYTES) {
    throw withDetails(
      new PayloadTooLargeError(`The photo is ${length} bytes; TikTok takes at most ${MAX_PHOTO_BYTES} bytes`),
      { declaredBytes: length, maxBytes: MAX_PHOTO_BYTES },
    )
  }
  if (length > MAX_MEDIA_BYTES) {
    throw withDetails(
      new PayloadTooLargeError(`The video is ${length} bytes; the limit is ${MAX_MEDIA_BYTES} bytes (4 GiB)`),
      {
        declaredBytes: length,
        maxBytes: MAX_MEDIA_BYTES,
      },
    )
  }
  if (length === 0) throw new MediaNotVideoError('The body is empty')
  return length
}

/**
 * `POST /media` (gateway `POST /v1/media`): streams a video into the media store (SHA-256 while
 * streaming, never whole in memory), inspects it with mediainfo.js and answers 201 `Media`.
 * A file with no video track is refused with 422 `MEDIA_NOT_VIDEO` and its bytes deleted.
 * `image/jpeg` and `image/webp` (photo posts, ≤ 20 MB) are read whole, checked by their header
 * (`photo-intake.ts`: the declared format, ≤ 1080p; else 422 `MEDIA_NOT_PHOTO`) and stored.
 */
const mediaRoutes: FastifyPluginAsync = async (app) => {
  // Hand the raw request stream to the handler (no buffering, no fastify body limit applies).
  app.addContentTypeParser([...VIDEO_CONTENT_TYPES, ...PHOTO_CONTENT_TYPES], (_request, payload, done) =>
    done(null, payload),
  )

  app.post(
    '/media',
    {
      bodyLimit: MAX_MEDIA_BYTES,
      schema: {
        response: { 201: Media, '4xx': ErrorResponse, '5xx': ErrorResponse },
      },
      onRequest: async (request) => {
        requireUser(request, ROLES)
        checkHeaders(request)
      },
    },
    async (request, reply) => {
      const user = requireUser(request, ROLES)
      const declared = checkHeaders(request)
      const id = randomUUID()
      const contentType = contentTypeOf(request) as MediaContentType
      const body = request.body as Readable
      const { size, sha256, inspection } = isPhoto(contentType)
        ? await intakePhoto(app.mediaStore, id, body, declared, contentType).then((p) => ({
            ...p,
            inspection: { width: p.width, height: p.height },
          }))
        : await app.publish.intake.intake(id, body, declared)
      const row = await app.publish.media
        .insert({
          id,
          tenantId: user.tenantId,
          objectName: id,
          contentType,
          sizeBytes: size,
          sha256,
          durationSec: 'durationSec' in inspection ? (inspection.durationSec ?? null) : null,
          width: inspection.width ?? null,
          height: inspection.height ?? null,
          frameRate: 'frameRate' in inspection ? (inspection.frameRate ?? null) : null,
          codec: 'codec' in inspection ? (inspection.codec ?? null) : null,
          createdBy: user.userId,
        })
        .catch(async (err) => {
          await app.mediaStore.delete(id).catch(() => undefined) // no row, no bytes
          throw err
        })
      return reply.status(201).send(toMediaDto(row))
    },
  )
}

export default mediaRoutes
