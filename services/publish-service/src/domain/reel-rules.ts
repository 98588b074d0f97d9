import type { MediaRow } from '../db/schema.js'

/**
 * What this service enforces of Instagram's Reels specs (docs/instagram-api.md "Publishing",
 * §7.5 of the reference) with what media intake measured (the shared media probe): container
 * MP4 or MOV, video H.264 (`AVC`) or HEVC, 23–60 fps, 3 s to 15 min, at most `maxBytes`. 9:16
 * and the 5–90 s Reels-tab eligibility are recommendations, not enforced. A value the probe could
 * not read (no codec or frame rate) is not held against the video: Instagram decides then.
 */
export const REEL_LIMITS = {
  contentTypes: ['video/mp4', 'video/quicktime'],
  codecs: ['AVC', 'HEVC'],
  minFps: 23,
  maxFps: 60,
  minDurationSec: 3,
  maxDurationSec: 15 * 60,
  /** Instagram's caption limit, characters (UTF-16 units, as `String.length` counts). */
  captionMax: 2200,
} as const

/** A spec a video breaks: `rule`, what it measured and what is allowed. */
export interface ReelSpecViolation {
  rule: 'container' | 'codec' | 'frame_rate' | 'duration' | 'size' | 'thumb_offset'
  message: string
  details: Record<string, unknown>
}

/** The first Reels spec `media` breaks (sizes in bytes, `thumbOffsetMs` in ms), or null. */
export function checkReelSpecs(
  media: Pick<MediaRow, 'contentType' | 'codec' | 'frameRate' | 'durationSec' | 'sizeBytes'>,
  maxBytes: number,
  thumbOffsetMs?: number,
): ReelSpecViolation | null {
  const L = REEL_LIMITS
  if (!(L.contentTypes as readonly string[]).includes(media.contentType))
    return {
      rule: 'container',
      message: `A Reel must be an MP4 or MOV video; this one is ${media.contentType}`,
      details: { contentType: media.contentType, allowed: L.contentTypes },
    }
  if (media.codec && !(L.codecs as readonly string[]).includes(media.codec))
    return {
      rule: 'codec',
      message: `A Reel's video must be H.264 or HEVC; this one is ${media.codec}`,
      details: { codec: media.codec, allowed: L.codecs },
    }
  const fps = media.frameRate
  if (fps != null && (fps < L.minFps || fps > L.maxFps))
    return {
      rule: 'frame_rate',
      message: `A Reel must have 23 to 60 frames per second; this one has ${fps}`,
      details: { frameRate: fps, min: L.minFps, max: L.maxFps },
    }
  const d = media.durationSec
  if (d != null && (d < L.minDurationSec || d > L.maxDurationSec))
    return {
      rule: 'duration',
      message: `A Reel must last 3 seconds to 15 minutes; this one lasts ${Math.round(d)} s`,
      details: { durationSec: d, min: L.minDurationSec, max: L.maxDurationSec },
    }
  if (media.sizeBytes > maxBytes)
    return {
      rule: 'size',
      message: `A Reel may be at most ${maxBytes} bytes; this one has ${media.sizeBytes}`,
      details: { sizeBytes: media.sizeBytes, max: maxBytes },
    }
  if (thumbOffsetMs !== undefined && d != null && thumbOffsetMs >= d * 1000)
    return {
      rule: 'thumb_offset',
      message: `thumbOffsetMs must lie within the video (under ${Math.floor(d * 1000)} ms)`,
      details: { thumbOffsetMs, durationMs: Math.floor(d * 1000) },
    }
  return null
}
