import { probeMediaFile } from '@social-bridge/media-probe'

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
 * Inspects a file on disk through the shared mediainfo.js probe, which reads only the ranges it
 * asks for (a 4 GB file never sits in memory).
 * @throws only on I/O errors; an unreadable container gives `isVideo: false`.
 */
export async function inspectMediaFile(path: string): Promise<MediaInspection> {
  const probe = await probeMediaFile(path)
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
