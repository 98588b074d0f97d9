import { type Static, Type } from 'typebox'
import { Uuid } from '../common.js'

/** Content types `POST /v1/media` accepts (docs/tiktok-api.md §3.9 formats): videos, and photos for photo posts. */
export const MediaContentType = Type.Union([
  Type.Literal('video/mp4'),
  Type.Literal('video/quicktime'),
  Type.Literal('video/webm'),
  Type.Literal('image/jpeg'),
  Type.Literal('image/webp'),
])
export type MediaContentType = Static<typeof MediaContentType>

/** Largest upload accepted, in bytes: TikTok's 4 GB video limit. */
export const MAX_MEDIA_BYTES = 4 * 1024 ** 3

/** Photo content types (docs/tiktok-api.md §3.9: JPEG or WebP, no PNG). */
export const PHOTO_CONTENT_TYPES = ['image/jpeg', 'image/webp'] as const

/** Largest photo accepted, in bytes: TikTok's 20 MB per photo, read as 20,000,000 bytes (docs/tiktok-api.md §3.9). */
export const MAX_PHOTO_BYTES = 20_000_000

/** `POST /v1/media` 201 answer: the stored video and what inspection found. */
export const Media = Type.Object({
  id: Uuid,
  sizeBytes: Type.Integer({ minimum: 1 }),
  /** Hex SHA-256 of the stored bytes. */
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  contentType: MediaContentType,
  durationSec: Type.Optional(Type.Number()),
  width: Type.Optional(Type.Integer()),
  height: Type.Optional(Type.Integer()),
  frameRate: Type.Optional(Type.Number()),
  codec: Type.Optional(Type.String()),
})
export type Media = Static<typeof Media>
