import { probeMedia, type ReadRange } from '@social-bridge/media-probe'

/** What intake learns about a file (mediainfo.js). Seconds, pixels, frames per second. */
export interface MediaInspection {
  /** A container with at least one video track. */
  isVideo: boolean
  /** MediaInfo General `Format`, e.g. `MPEG-4`, `WebM`; null when unrecognised. */
  container: string | null
  durationSec?: number
  width?: number
  height?: number
  frameRate?: number
  /** Video `Format`, e.g. `AVC`, `HEVC`, `VP9`. */
  codec?: string
}

const round = (n: number | undefined) => (n === undefined ? undefined : Math.round(n))

/**
 * Inspects `size` bytes of media through the shared mediainfo.js probe, which asks `read` only
 * for the ranges it needs (a 4 GB file is never read whole nor held in memory).
 * @throws only when `read` throws; an unreadable container gives `isVideo: false`.
 */
export async function inspectMedia(size: number, read: ReadRange): Promise<MediaInspection> {
  const probe = await probeMedia(size, read)
  return {
    isVideo: probe.hasVideo && probe.container !== null,
    container: probe.container,
    durationSec: probe.durationSec,
    width: round(probe.width),
    height: round(probe.height),
    frameRate: probe.frameRate,
    codec: probe.videoCodec,
  }
}
