import { isUuid, parseDateTime } from '@social-bridge/contracts'

const BASE64URL = /^[A-Za-z0-9_-]+$/

/** Position of the last post of a page (newest-first order: `created_at`, then `id`). */
export interface PostCursor {
  createdAt: Date
  id: string
}

/** The opaque `nextCursor` of `GET /posts`: base64url of `<ISO created_at>|<id>`. */
export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url')
}

/**
 * Reads a cursor made by {@link encodeCursor}.
 * @returns null when `cursor` is not one (the route answers 400 `BAD_REQUEST`), including a forged
 *   one whose id is not a canonical UUID or whose time PostgreSQL cannot store (contracts
 *   `parseDateTime`, e.g. year 0000).
 */
export function decodeCursor(cursor: string): PostCursor | null {
  if (!BASE64URL.test(cursor)) return null
  const parts = Buffer.from(cursor, 'base64url').toString().split('|')
  const [iso, id] = parts
  if (parts.length !== 2 || !iso || !id || !isUuid(id)) return null
  const createdAt = parseDateTime(iso)
  if (!createdAt || createdAt.toISOString() !== iso) return null
  return { createdAt, id }
}
