import { open } from 'node:fs/promises'
import mediaInfoFactory, { type MediaInfo } from 'mediainfo.js'

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

let instance: Promise<MediaInfo<'object'>> | undefined
let queue: Promise<unknown> = Promise.resolve()

/**
 * Inspects a file on disk with mediainfo.js, reading only the ranges it asks for (a 4 GB file
 * never sits in memory). Calls are serialised: one MediaInfo instance analyses one file at a time.
 * @throws only on I/O errors; an unreadable container gives `isVideo: false`.
 */
export function inspectMediaFile(path: string): Promise<MediaInspection> {
  const run = queue.then(() => analyze(path))
  queue = run.catch(() => undefined)
  return run
}

async function analyze(path: string): Promise<MediaInspection> {
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
    return summarize((result.media?.track ?? []) as unknown as Track[])
  } finally {
    await fh.close()
  }
}

type Track = Record<string, unknown> & { '@type': string }

function num(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined
}

function summarize(tracks: Track[]): MediaInspection {
  const general = tracks.find((t) => t['@type'] === 'General')
  const video = tracks.find((t) => t['@type'] === 'Video')
  const width = num(video?.Width)
  const height = num(video?.Height)
  return {
    isVideo: Boolean(video) && typeof general?.Format === 'string',
    container: typeof general?.Format === 'string' ? general.Format : null,
    durationSec: num(general?.Duration) ?? num(video?.Duration),
    width: width === undefined ? undefined : Math.round(width),
    height: height === undefined ? undefined : Math.round(height),
    frameRate: num(video?.FrameRate) ?? num(video?.FrameRate_Nominal),
    codec: typeof video?.Format === 'string' ? video.Format : undefined,
  }
}
