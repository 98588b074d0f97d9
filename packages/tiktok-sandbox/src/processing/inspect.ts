import { type MediaProbe, probeMediaFile } from '@social-bridge/media-probe'

/**
 * What the checks need from a media file (docs/tiktok-api.md §3.9): the shared probe's fields, with
 * `frameRate` the video track's, else the container's.
 */
export type MediaSummary = Omit<MediaProbe, 'generalFrameRate'>

/**
 * Inspects a file on disk as TikTok's processing would, through the shared mediainfo.js probe,
 * which reads it in ranges (files of several GB never sit in memory).
 */
export async function inspectFile(path: string): Promise<MediaSummary> {
  const { generalFrameRate, ...probe } = await probeMediaFile(path)
  return { ...probe, frameRate: probe.frameRate ?? generalFrameRate }
}
