import { randomBytes, randomUUID } from 'node:crypto'

/**
 * A TikTok-style `log_id`: UTC `YYYYMMDDHHMMSS` then 20 uppercase hex characters (34 chars),
 * e.g. `202206221854370101130062072500FFA2` (docs/tiktok-api.md §1.6, 2.1).
 */
export function logId(nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:T]/g, '').slice(0, 14)
  return stamp + randomBytes(10).toString('hex').toUpperCase()
}

/** An opaque token with TikTok's prefix: `act.`, `rft.` or `clt.` (docs/tiktok-api.md §1.4). */
export function token(prefix: 'act' | 'rft' | 'clt'): string {
  return `${prefix}.${randomBytes(24).toString('base64url')}`
}

/** An authorization code shaped like TikTok's, including `*` and `!` so callers must encode it (1.3). */
export function authCode(): string {
  return `${randomBytes(24).toString('base64url')}*0!${randomBytes(2).readUInt16BE() % 10000}`
}

/** A UUID-like `open_id` / `union_id` (docs/tiktok-api.md §2.2). */
export function openId(): string {
  return randomUUID()
}

/** A random decimal string of exactly `digits` digits, not starting with 0. */
export function digits(count: number): string {
  let out = String(1 + (randomBytes(1)[0]! % 9))
  while (out.length < count) out += String(randomBytes(1)[0]! % 10)
  return out
}

/** A 19-digit video / post id above 2^53, starting with 7 like real ids (docs/tiktok-api.md §2.5, 3.8). */
export function videoId(): bigint {
  return BigInt(`7${digits(18)}`)
}

/**
 * A `publish_id` (max 64 chars, docs/tiktok-api.md §3.2/3.3): `v_pub_file~v2-1.<n>`, `v_pub_url~v2.<n>`,
 * `v_inbox_file~v2.<n>` or `v_inbox_url~v2.<n>`, `<n>` an 18-digit number.
 */
/** A photo post's publish_id, e.g. `p_pub_url~v2.123…` (docs/tiktok-api.md §3.4). */
export function photoPublishId(mode: 'DIRECT_POST' | 'INBOX_SHARE'): string {
  return mode === 'DIRECT_POST' ? `p_pub_url~v2.${digits(18)}` : `p_inbox_url~v2.${digits(18)}`
}

export function publishId(
  mode: 'DIRECT_POST' | 'INBOX_SHARE',
  source: 'FILE_UPLOAD' | 'PULL_FROM_URL',
): string {
  const n = digits(18)
  if (mode === 'DIRECT_POST') return source === 'FILE_UPLOAD' ? `v_pub_file~v2-1.${n}` : `v_pub_url~v2.${n}`
  return source === 'FILE_UPLOAD' ? `v_inbox_file~v2.${n}` : `v_inbox_url~v2.${n}`
}
