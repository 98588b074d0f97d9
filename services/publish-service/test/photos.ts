/**
 * Real JPEG, WebP and PNG photos made by ffmpeg (a still of its test pattern), cached in the OS temp
 * folder by name, and the steps of a photo-post test.
 */
import { tmpdir } from 'node:os'
import path from 'node:path'
import { samplePhoto, type Teardownable } from '@social-bridge/service-kit/testing'
import type { FastifyInstance } from 'fastify'
import { PUBLIC_MEDIA_BASE, type Stack, VERIFIED_PREFIX } from './helper.js'
import { serveMedia, uploadMedia } from './post-steps.js'

/** Where the photos are made; the URL photos of `servePhotos` come from here too. */
const dir = path.join(tmpdir(), 'social-bridge-test-photos')

/** A `width`×`height` photo in `format` (testing kit `samplePhoto`, made on first use). @returns its path. */
export const makePhoto = (width: number, height: number, format: 'jpg' | 'webp' | 'png') =>
  samplePhoto(width, height, format, dir)

/** Uploads a photo (`contentType` as declared) and returns the response. */
export function uploadPhoto(app: FastifyInstance, file: string, contentType: string) {
  return uploadMedia(app, file, contentType)
}

/**
 * Lets the sandbox download photos as TikTok would: the app listens on port 0 and
 * `PUBLIC_MEDIA_BASE` (its signed URLs) is rewritten to it; `${VERIFIED_PREFIX}<name>` is served
 * from the photo folder. @returns the folder the URL photos come from.
 */
export async function servePhotos(t: Teardownable, stack: Stack): Promise<string> {
  const address = await stack.app.listen({ port: 0, host: '127.0.0.1' })
  stack.sandbox.updateSettings({
    pullUrlRewrites: {
      [PUBLIC_MEDIA_BASE]: `${address}/media/public/`,
      [VERIFIED_PREFIX]: await serveMedia(t, dir),
    },
  })
  return dir
}

/** The body of a photo post of `photos` on `connectionId` (`overrides` merged over it). */
export function photoPost(
  connectionId: string,
  photos: ({ mediaId: string } | { url: string })[],
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    connectionId,
    mode: 'direct',
    privacyLevel: 'PUBLIC_TO_EVERYONE',
    source: { photos, coverIndex: photos.length - 1 },
    title: 'carousel',
    description: 'three #photos',
    ...overrides,
  }
}
