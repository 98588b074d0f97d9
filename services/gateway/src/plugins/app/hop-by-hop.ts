/**
 * Headers meaningful only for one connection (RFC 9110 §7.6.1): a proxy must not forward them,
 * nor any header the `Connection` field names. `Proxy-Connection` and `Keep-Alive` are the
 * legacy ones the RFC lists; `Transfer-Encoding` framing is redone by each hop.
 */
export const HOP_BY_HOP_HEADERS = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
] as const

type Headers = Record<string, string | string[] | number | undefined>

const HOP_BY_HOP: ReadonlySet<string> = new Set(HOP_BY_HOP_HEADERS)
const NONE: ReadonlySet<string> = new Set()

/** Names listed in a `Connection` field (comma-separated, case-insensitive), lower-cased. */
function namedByConnection(value: Headers[string]): string[] {
  const list = Array.isArray(value) ? value.join(',') : String(value ?? '')
  return list
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean)
}

/**
 * A copy of `headers` (names lower-case, as Node and undici give them) without the hop-by-hop
 * headers, without those the message's own `Connection` names, and without those in `alsoDrop`
 * (lower-case names). Used both ways: on the client's request before it goes upstream, and on
 * the upstream's answer before it goes back. One pass over the headers; the `Connection` field is
 * parsed only when the message has one.
 */
export function withoutHopByHop<H extends Headers>(headers: H, alsoDrop: ReadonlySet<string> = NONE): H {
  const named = headers.connection === undefined ? undefined : namedByConnection(headers.connection)
  const out: Headers = {}
  for (const name in headers) {
    const lower = name.toLowerCase()
    if (HOP_BY_HOP.has(lower) || alsoDrop.has(lower) || named?.includes(lower)) continue
    out[name] = headers[name]
  }
  return out as H
}
