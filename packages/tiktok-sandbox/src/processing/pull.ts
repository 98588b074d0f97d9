import { createWriteStream } from 'node:fs'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { request } from 'undici'

/**
 * Where to download a PULL_FROM_URL video from: the longest `pullUrlRewrites` key that prefixes
 * `videoUrl` is replaced by its local base (tests cannot serve https); otherwise the URL itself.
 */
export function resolvePullUrl(videoUrl: string, rewrites: Record<string, string>): string {
  const key = Object.keys(rewrites)
    .filter((k) => videoUrl.startsWith(k))
    .sort((a, b) => b.length - a.length)[0]
  if (key === undefined) return videoUrl
  return rewrites[key] + videoUrl.slice(key.length)
}

/**
 * Downloads `url` to `filePath` without following redirects (any 3xx fails, docs/tiktok-api.md §3.6).
 * `onBytes` receives the running byte count. Throws on non-2xx, network error, abort or timeout.
 */
export async function download(
  url: string,
  filePath: string,
  opts: { signal: AbortSignal; onBytes: (total: number) => void },
): Promise<number> {
  const res = await request(url, { method: 'GET', signal: opts.signal })
  if (res.statusCode < 200 || res.statusCode >= 300) {
    await res.body.dump()
    throw new Error(`pull answered HTTP ${res.statusCode}`)
  }
  let total = 0
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      total += chunk.length
      opts.onBytes(total)
      cb(null, chunk)
    },
  })
  await pipeline(res.body, counter, createWriteStream(filePath), { signal: opts.signal })
  return total
}
