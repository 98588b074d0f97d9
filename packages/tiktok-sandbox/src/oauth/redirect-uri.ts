/**
 * Whether `candidate` matches a registered redirect URI (docs/tiktok-api.md §1.1): exact string match, or
 * a desktop-style registration with a `*` port (`http://127.0.0.1:*\/callback/`) matching any port
 * on localhost/127.0.0.1.
 */
export function redirectUriMatches(registered: readonly string[], candidate: string): boolean {
  return registered.some((r) => {
    if (r === candidate) return true
    const m = /^(https?):\/\/(localhost|127\.0\.0\.1):\*(\/.*)?$/.exec(r)
    if (!m) return false
    let url: URL
    try {
      url = new URL(candidate)
    } catch {
      return false
    }
    return (
      url.protocol === `${m[1]}:` &&
      url.hostname === m[2] &&
      url.port !== '' &&
      `${url.pathname}${url.search}` === (m[3] ?? '/')
    )
  })
}
