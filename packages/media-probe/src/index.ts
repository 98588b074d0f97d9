import { open } from 'node:fs/promises'
import mediaInfoFactory, { type MediaInfo } from 'mediainfo.js'

/**
 * What mediainfo.js reports about a media file, reduced to the fields Social Bridge checks
 * (docs/tiktok-api.md §3.9 media limits). Seconds, pixels, frames per second.
 */
export interface MediaProbe {
  /** MediaInfo General `Format`, e.g. `MPEG-4`, `WebM`, `Matroska`; null when unrecognised. */
  container: string | null
  /** General `Format_Profile`, e.g. `QuickTime` for MOV. */
  containerProfile?: string
  /** MediaInfo flagged the file as truncated (bytes missing). */
  truncated: boolean
  /** At least one video track. */
  hasVideo: boolean
  /** Video `Format`, e.g. `AVC`, `HEVC`, `VP8`, `VP9`. */
  videoCodec?: string
  durationSec?: number
  width?: number
  height?: number
  /** The video track's frame rate (or its nominal one); absent when the container gives none. */
  frameRate?: number
  /** The General track's frame rate, which some containers report instead of the video track's. */
  generalFrameRate?: number
}

let instance: Promise<MediaInfo<'object'>> | undefined
let queue: Promise<unknown> = Promise.resolve()

/**
 * Reads `length` bytes at `offset` of the media being probed (fewer only at its end). Bytes,
 * zero-based offset.
 */
export type ReadRange = (length: number, offset: number) => Promise<Uint8Array>

/**
 * Probes media of `size` bytes with mediainfo.js through `read`, which is asked only for the
 * byte ranges MediaInfo needs (headers, indexes; a 4 GB file is never read whole). Calls are
 * serialised: one MediaInfo instance analyses one file at a time.
 * @throws only when `read` throws; an unrecognised container gives `container: null, hasVideo: false`.
 */
export function probeMedia(size: number, read: ReadRange): Promise<MediaProbe> {
  const run = queue.then(() => analyze(size, read))
  queue = run.catch(() => undefined)
  return run
}

/**
 * Probes a file on disk with {@link probeMedia}.
 * @throws only on I/O errors (missing file, unreadable); an unrecognised container gives
 *   `container: null, hasVideo: false`.
 */
export async function probeMediaFile(path: string): Promise<MediaProbe> {
  const fh = await open(path, 'r')
  try {
    const { size } = await fh.stat()
    return await probeMedia(size, async (length, offset) => {
      const buf = Buffer.alloc(Math.max(0, Math.min(length, size - offset)))
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset)
      return buf.subarray(0, bytesRead)
    })
  } finally {
    await fh.close()
  }
}

async function analyze(size: number, read: ReadRange): Promise<MediaProbe> {
  instance ??= mediaInfoFactory({ format: 'object' })
  const mi = await instance
  const result = await mi.analyzeData(size, read)
  return summarize((result.media?.track ?? []) as unknown as Track[])
}

type Track = Record<string, unknown> & { '@type': string }

function num(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

function summarize(tracks: Track[]): MediaProbe {
  const general = tracks.find((t) => t['@type'] === 'General')
  const video = tracks.find((t) => t['@type'] === 'Video')
  const extra = (general?.extra ?? {}) as Record<string, unknown>
  return {
    container: str(general?.Format) ?? null,
    containerProfile: str(general?.Format_Profile),
    truncated: extra.IsTruncated === 'Yes',
    hasVideo: Boolean(video),
    videoCodec: str(video?.Format),
    durationSec: num(general?.Duration) ?? num(video?.Duration),
    width: num(video?.Width),
    height: num(video?.Height),
    frameRate: num(video?.FrameRate) ?? num(video?.FrameRate_Nominal),
    generalFrameRate: num(general?.FrameRate),
  }
}
