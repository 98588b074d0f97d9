import { parseDateTime } from '@social-bridge/contracts'
import type { CommentPosition } from '../../repositories/comments-repository.js'

const BASE64URL = /^[A-Za-z0-9_-]+$/
/** IG Comment ids are numeric strings (docs/instagram-api.md "Comments"). */
const COMMENT_ID = /^[0-9]{1,32}$/

/** The opaque `nextCursor` of `GET /posts/:id/comments`: base64url of `<ISO commented_at>|<comment id>`. */
export function encodeCommentCursor(p: CommentPosition): string {
  return Buffer.from(`${p.commentedAt.toISOString()}|${p.commentId}`).toString('base64url')
}

/**
 * Reads a cursor made by {@link encodeCommentCursor}.
 * @returns null when `cursor` is not one (the route answers 400 `BAD_REQUEST`).
 */
export function decodeCommentCursor(cursor: string): CommentPosition | null {
  if (!BASE64URL.test(cursor)) return null
  const parts = Buffer.from(cursor, 'base64url').toString().split('|')
  const [iso, commentId] = parts
  if (parts.length !== 2 || !iso || !commentId || !COMMENT_ID.test(commentId)) return null
  const commentedAt = parseDateTime(iso)
  if (!commentedAt || commentedAt.toISOString() !== iso) return null
  return { commentedAt, commentId }
}
