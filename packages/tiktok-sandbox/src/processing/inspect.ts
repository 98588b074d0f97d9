import { probeMediaFile } from '@social-bridge/media-probe'

/** What the checks need from a media file, read with mediainfo.js (no hand-written parsing). */
export interface MediaSummary {
  /** MediaInfo General `Format`, e.g. `MPEG-4`, `WebM`, `Matroska`; null when unrecognised. */
  container: string | null
  /** General `Format_Profile`, e.g. `QuickTime` for MOV. */
  containerProfile?: string
  /** MediaInfo flagged the file as truncated (bytes missing). */
  truncated: boolean
  hasVideo: boolean
  /** Video `Format`, e.g. `AVC`, `HEVC`, `VP8`, `VP9`. */
  videoCodec?: string
  /** Seconds. */
  durationSec?: number
  /** Pixels. */
  width?: number
  height?: number
  /** Frames per second: the video track's, else the container's. */
  frameRate?: number
}

/**
 * Inspects a file on disk as TikTok's processing would (REFERENCE.md §3.9), through the shared
 * mediainfo.js probe, which reads it in ranges (files of several GB never sit in memory).
 */
export async function inspectFile(path: string): Promise<MediaSummary> {
  const { generalFrameRate, ...probe } = await probeMediaFile(path)
  return { ...probe, frameRate: probe.frameRate ?? generalFrameRate }
}
