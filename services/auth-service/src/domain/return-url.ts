/**
 * Decides where the callback may send the browser (no open redirect). `RETURN_URL_ALLOWLIST`
 * entries are origins (`https://crm.example.com` — any path on it) or URL prefixes
 * (`https://crm.example.com/settings/` — the URL must start with it).
 */
export interface ReturnUrlPolicy {
  /** The URL to use: `requested` when allowed, the default when absent; `null` when not allowed. */
  resolve(requested: string | undefined): string | null
}

function parse(value: string): URL | null {
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : null
  } catch {
    return null
  }
}

/** Builds the policy; malformed allowlist entries are ignored. */
export function createReturnUrlPolicy(opts: { allowlist: string; defaultUrl: string }): ReturnUrlPolicy {
  const entries = opts.allowlist
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((e) => ({ raw: e, url: parse(e) }))
    .filter((e): e is { raw: string; url: URL } => e.url !== null)
  const allowed = (candidate: URL) =>
    entries.some(({ raw, url }) => {
      if (url.origin !== candidate.origin) return false
      const isOriginOnly = url.pathname === '/' && !raw.endsWith('/') && !url.search
      return isOriginOnly || candidate.href.startsWith(url.href)
    })
  return {
    resolve(requested) {
      if (requested === undefined || requested === '') return opts.defaultUrl
      const url = parse(requested)
      if (!url || url.username || url.password) return null
      return allowed(url) ? url.href : null
    },
  }
}

/** `base` with the callback outcome added to its query (existing parameters kept). */
export function withOutcome(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(base)
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v)
  return url.href
}
