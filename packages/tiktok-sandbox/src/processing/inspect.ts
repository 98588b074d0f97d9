import { open } from 'node:fs/promises'
import mediaInfoFactory, { type MediaInfo } from 'mediainfo.js'

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
  /** Frames per second. */
  frameRate?: number
}

let instance: Promise<MediaInfo<'object'>> | undefined
let queue: Promise<unknown> = Promise.resolve()

/**
 * Inspects a file on disk, reading it in chunks (files of several GB never sit in memory).
 * Calls are serialised because one MediaInfo instance analyses one file at a time.
 */
export function inspectFile(path: string): Promise<MediaSummary> {
  const run = queue.then(() => analyze(path))
  queue = run.catch(() => undefined)
  return run
}

async function analyze(path: string): Promise<MediaSummary> {
  instance ??= mediaInfoFactory({ format: 'object' })
  const mi = await instance
  const fh = await open(path, 'r')
  try {
    const { size } = await fh.stat()
    const result = await mi.analyzeData(size, async (length, offset) => {
      const buf = Buffer.alloc(Math.max(0, Math.min(length, size - offset)))
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset)
      return buf.subarray(0, bytesRead)
    })
    return summarize(result.media?.track ?? [])
  } finally {
    await fh.close()
  }
}

type Track = Record<string, unknown> & { '@type': string }

function num(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined
}

function summarize(tracks: readonly unknown[]): MediaSummary {
  const all = tracks as Track[]
  const general = all.find((t) => t['@type'] === 'General')
  const video = all.find((t) => t['@type'] === 'Video')
  const extra = (general?.extra ?? {}) as Record<string, unknown>
  return {
    container: typeof general?.Format === 'string' ? general.Format : null,
    containerProfile: typeof general?.Format_Profile === 'string' ? general.Format_Profile : undefined,
    truncated: extra.IsTruncated === 'Yes',
    hasVideo: Boolean(video),
    videoCodec: typeof video?.Format === 'string' ? video.Format : undefined,
    durationSec: num(general?.Duration) ?? num(video?.Duration),
    width: num(video?.Width),
    height: num(video?.Height),
    frameRate: num(video?.FrameRate) ?? num(video?.FrameRate_Nominal) ?? num(general?.FrameRate),
  }
}
