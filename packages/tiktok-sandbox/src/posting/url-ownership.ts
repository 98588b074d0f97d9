import { isIP } from 'node:net'

/**
 * Whether a PULL_FROM_URL `video_url` is owned (docs/tiktok-api.md §3.6): `https` only, host not an IP,
 * and either under a verified URL prefix (`https://host/path/`, exact string prefix) or on a
 * verified domain (`static.example.com` covers itself and its subdomains, not its parent).
 */
export function urlOwnershipVerified(videoUrl: string, verified: readonly string[]): boolean {
  let url: URL
  try {
    url = new URL(videoUrl)
  } catch {
    return false
  }
  if (url.protocol !== 'https:') return false
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (isIP(host)) return false
  return verified.some((entry) => {
    if (entry.includes('://')) return entry.startsWith('https://') && videoUrl.startsWith(entry)
    const domain = entry.toLowerCase().replace(/\.$/, '')
    return host === domain || host.endsWith(`.${domain}`)
  })
}
