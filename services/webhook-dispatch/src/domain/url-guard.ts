import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import ipaddr from 'ipaddr.js'

/** Why a webhook URL is refused (the message is shown to the CRM admin and logged). */
export class UrlRefusedError extends Error {
  override name = 'UrlRefusedError'
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void
/** `dns.lookup`'s shape, as `net.connect({ lookup })` and undici's `connect.lookup` call it. */
export type Lookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => void

/** The SSRF guard of webhook URLs (docs/webhooks-to-the-crm.md "SSRF"). */
export interface UrlGuard {
  /**
   * Checks a URL before it is stored and before each delivery: `https` only, unless its host is
   * allowlisted; an IP literal or every address the host resolves to must be public unicast
   * (not loopback, private, link-local — 169.254.169.254 —, unique-local, CGNAT, reserved…)
   * unless allowlisted. @returns the parsed URL. @throws UrlRefusedError with the reason.
   */
  check(url: string): Promise<URL>
  /** A `lookup` for the HTTP client: refuses a private address at connection time (DNS rebinding). */
  lookup: Lookup
}

/** An address is acceptable when ipaddr.js ranges it `unicast` (IPv4-mapped IPv6 judged as IPv4). */
function isPublic(address: string): boolean {
  if (!ipaddr.isValid(address)) return false
  const parsed = ipaddr.process(address)
  return parsed.range() === 'unicast'
}

/**
 * Builds the guard. `allowedHosts`: hostnames or IP literals (lower case) that may be plain http
 * and private (development: `localhost`). `resolve`: the DNS lookup (default `node:dns` lookup).
 */
export function createUrlGuard(opts: { allowedHosts: string[]; resolve?: Lookup }): UrlGuard {
  const allowed = new Set(opts.allowedHosts.map((h) => h.trim().toLowerCase()).filter(Boolean))
  const resolve: Lookup = opts.resolve ?? (dnsLookup as unknown as Lookup)
  const bare = (host: string) => host.replace(/^\[|\]$/g, '').toLowerCase()

  const resolveAll = (host: string) =>
    new Promise<string[]>((ok, fail) =>
      resolve(host, { all: true }, (err, addrs) =>
        err ? fail(err) : ok((addrs as LookupAddress[]).map((a) => a.address)),
      ),
    )

  return {
    async check(raw) {
      let url: URL
      try {
        url = new URL(raw)
      } catch {
        throw new UrlRefusedError('not a URL')
      }
      const host = bare(url.hostname)
      if (url.username || url.password) throw new UrlRefusedError('credentials in the URL are not allowed')
      const listed = allowed.has(host)
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && listed))
        throw new UrlRefusedError(`only https URLs are allowed (${host} is not in the allowlist)`)
      if (listed) return url
      let addresses: string[]
      try {
        addresses = ipaddr.isValid(host) ? [host] : await resolveAll(host)
      } catch {
        throw new UrlRefusedError(`${host} does not resolve`)
      }
      const bad = addresses.find((a) => !isPublic(a))
      if (bad !== undefined || addresses.length === 0)
        throw new UrlRefusedError(`${host} resolves to a private, loopback, link-local or reserved address`)
      return url
    },
    lookup(hostname, options, callback) {
      resolve(hostname, { ...options, all: true }, (err, addrs) => {
        if (err) return callback(err, [])
        const list = addrs as LookupAddress[]
        if (!allowed.has(bare(hostname)) && list.some((a) => !isPublic(a.address)))
          return callback(
            Object.assign(new UrlRefusedError(`${hostname} resolves to a private address`), {
              code: 'EREFUSED',
            }),
            [],
          )
        if (options.all) return callback(null, list)
        const first = list[0]
        if (!first)
          return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), [])
        callback(null, first.address, first.family)
      })
    },
  }
}
