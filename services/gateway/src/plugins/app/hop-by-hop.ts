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
 * headers and without those the message's own `Connection` names. Used both ways: on the
 * client's request before it goes upstream, and on the upstream's answer before it goes back.
 */
export function withoutHopByHop<H extends Headers>(headers: H): H {
  const drop = new Set<string>([...HOP_BY_HOP_HEADERS, ...namedByConnection(headers.connection)])
  const out: Headers = {}
  for (const [name, value] of Object.entries(headers)) {
    if (!drop.has(name.toLowerCase())) out[name] = value
  }
  return out as H
}
