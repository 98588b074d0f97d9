import type { FailReason } from '../state/posts.js'
import type { MediaSummary } from './inspect.js'

/** Containers TikTok accepts: MP4, MOV (MediaInfo reports both as `MPEG-4`), WebM (docs/tiktok-api.md §3.9). */
const CONTAINERS = new Set(['MPEG-4', 'QuickTime', 'WebM'])
/** Codecs: H.264, H.265, VP8, VP9 (docs/tiktok-api.md §3.9). */
const CODECS = new Set(['AVC', 'HEVC', 'VP8', 'VP9'])

/** Video limits of docs/tiktok-api.md §3.9. */
export const MEDIA_LIMITS = { minSidePx: 360, maxSidePx: 4096, minFps: 23, maxFps: 60 } as const

/**
 * The `fail_reason` for a media file, or null when it passes (docs/tiktok-api.md §3.8/3.9). Order:
 * container/codec/truncation → `file_format_check_failed`; duration over the creator's
 * `max_video_post_duration_sec` → `duration_check_failed`; a side outside 360–4096 px →
 * `picture_size_check_failed`; frame rate outside 23–60 fps, **or not readable** →
 * `frame_rate_check_failed`. 3.9 requires 23–60 fps; a rate MediaInfo cannot report (e.g. a
 * variable-frame-rate WebM) cannot be shown to meet it, and passing it would let the sandbox
 * accept what TikTok may refuse — so the strict reading fails it, as a missing width fails the
 * picture-size check.
 */
export function checkMedia(media: MediaSummary, maxDurationSec: number): FailReason | null {
  if (!media.container || !CONTAINERS.has(media.container) || media.truncated)
    return 'file_format_check_failed'
  if (!media.hasVideo || !media.videoCodec || !CODECS.has(media.videoCodec)) return 'file_format_check_failed'
  if (media.durationSec === undefined || media.durationSec <= 0) return 'file_format_check_failed'
  if (media.durationSec > maxDurationSec) return 'duration_check_failed'
  const { width, height, frameRate } = media
  const sideOk = (v: number | undefined) =>
    v !== undefined && v >= MEDIA_LIMITS.minSidePx && v <= MEDIA_LIMITS.maxSidePx
  if (!sideOk(width) || !sideOk(height)) return 'picture_size_check_failed'
  if (frameRate === undefined || frameRate < MEDIA_LIMITS.minFps || frameRate > MEDIA_LIMITS.maxFps) {
    return 'frame_rate_check_failed'
  }
  return null
}
