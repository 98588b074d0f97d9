import { type TSchema, Type } from 'typebox'

export { IsoDateTime } from './date-time.js'
export { Uuid } from './uuid.js'

/**
 * Networks Social Bridge connects accounts of: `tiktok` (Login Kit, a creator account) and
 * `tiktok_shop` (TikTok Shop seller authorization, a seller and their shops), `instagram` (Business
 * Login for Instagram, an Instagram professional account; docs/instagram-api.md).
 */
export const Provider = Type.Union([
  Type.Literal('tiktok'),
  Type.Literal('tiktok_shop'),
  Type.Literal('instagram'),
])

const TIKTOK_POST_ID_PATTERN = '^[0-9]{1,20}$'

/** TikTok post/video ids are 19-digit integers above 2^53: always carried as decimal strings. */
export const TikTokPostId = Type.String({ pattern: TIKTOK_POST_ID_PATTERN })

const TIKTOK_POST_ID_RE = new RegExp(TIKTOK_POST_ID_PATTERN)

/** True when `value` is a {@link TikTokPostId} (decimal digits, at most 20). */
export const isTikTokPostId = (value: string): boolean => TIKTOK_POST_ID_RE.test(value)

/** Lifecycle of a connected account (ARCHITECTURE.md, `GET /v1/connections`). */
export const ConnectionStatus = Type.Union([
  Type.Literal('active'),
  Type.Literal('reauth_required'),
  Type.Literal('revoked'),
  Type.Literal('disconnected'),
])

/**
 * Lifecycle of a post (ARCHITECTURE.md, `GET /v1/posts`). `scheduled`: waits for its
 * `scheduledAt` (then `queued`); `cancelled`: a scheduled post cancelled before it started (final).
 */
export const PostStatus = Type.Union([
  Type.Literal('scheduled'),
  Type.Literal('queued'),
  Type.Literal('uploading'),
  Type.Literal('processing'),
  Type.Literal('sent_to_inbox'),
  Type.Literal('published'),
  Type.Literal('failed'),
  Type.Literal('cancelled'),
])

/**
 * TikTok: direct post (published on the account) or inbox (a draft the creator finishes in the
 * app). Instagram: `reel` (a video published as a Reel, docs/instagram-api.md "Publishing"); the
 * connection's provider decides which modes a post may use.
 */
export const PostMode = Type.Union([Type.Literal('direct'), Type.Literal('inbox'), Type.Literal('reel')])

/** TikTok privacy levels (docs/tiktok-api.md §3.2 `post_info.privacy_level`). */
export const PrivacyLevel = Type.Union([
  Type.Literal('PUBLIC_TO_EVERYONE'),
  Type.Literal('MUTUAL_FOLLOW_FRIENDS'),
  Type.Literal('FOLLOWER_OF_CREATOR'),
  Type.Literal('SELF_ONLY'),
])

/** `schema` or `null`: a member the API always sends, as null when it has no value. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

/**
 * One page of a cursor-paged list: `items`, and `nextCursor`, the opaque cursor of the next page
 * (pass it back as `cursor`), or null at the end.
 */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) })
