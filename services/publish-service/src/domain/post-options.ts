import type { CreatePostRequest } from '@social-bridge/contracts'
import type { PhotoPostParams, PostInfo } from '@social-bridge/tiktok-client'
import type { PostOptions, PostRow } from '../db/schema.js'
import { sentPrivacyLevel } from './creator-rules.js'

/** The interaction flags of a post after creator_info (see `effectiveInteractions`). */
export type Interactions = Pick<PostOptions, 'disableComment' | 'disableDuet' | 'disableStitch'>

/** Request fields stored as the CRM sent them: TikTok takes them in `post_info` unchanged (docs/tiktok-api.md §3.2). */
const AS_SENT = [
  'coverTimestampMs',
  'brandContentToggle',
  'brandOrganicToggle',
  'isAigc',
  'description',
  'autoAddMusic',
  'caption',
  'shareToFeed',
  'coverUrl',
  'thumbOffsetMs',
] as const

/**
 * The `options` stored with a new post: `interactions` (creator_info's verdict, not the request's
 * flags) and the request's cover timestamp (ms), brand toggles, AI-generated flag and a Reel's
 * caption, `shareToFeed`, cover URL and thumb offset (ms) as sent.
 * Fields the request leaves out are undefined (not stored in the JSON).
 */
export function storedPostOptions(request: CreatePostRequest, interactions: Interactions): PostOptions {
  const asSent: PostOptions = Object.fromEntries(AS_SENT.map((key) => [key, request[key]]))
  return { ...interactions, ...asSent }
}

/**
 * TikTok's `post_info` of a stored direct post (docs/tiktok-api.md §3.2): its sent privacy level (see
 * `sentPrivacyLevel`), its title when it has one, and its options, the cover timestamp as
 * `videoCoverTimestampMs`. The client sends the brand toggles as `false` when they are absent.
 */
export function directPostInfo(post: PostRow): PostInfo {
  const {
    coverTimestampMs,
    description: _photoOnly,
    autoAddMusic: _photoToo,
    caption: _reel,
    shareToFeed: _reel2,
    coverUrl: _reel3,
    thumbOffsetMs: _reel4,
    ...flags
  } = post.options
  return {
    privacyLevel: sentPrivacyLevel(post) as PostInfo['privacyLevel'],
    ...(post.title ? { title: post.title } : {}),
    ...flags,
    videoCoverTimestampMs: coverTimestampMs,
  }
}

/**
 * TikTok's `post_info` of a stored photo post (docs/tiktok-api.md §3.4): title and description; for a
 * direct post also the privacy level, comments, `auto_add_music` and the brand toggles (they apply
 * to DIRECT_POST only).
 */
export function photoPostInfo(post: PostRow): PhotoPostParams['postInfo'] {
  const { description, disableComment, autoAddMusic, brandContentToggle, brandOrganicToggle } = post.options
  const text = { ...(post.title ? { title: post.title } : {}), ...(description ? { description } : {}) }
  if (post.mode !== 'direct') return text
  return {
    ...text,
    privacyLevel: sentPrivacyLevel(post) as PostInfo['privacyLevel'],
    disableComment,
    autoAddMusic,
    brandContentToggle: brandContentToggle ?? false,
    brandOrganicToggle: brandOrganicToggle ?? false,
  }
}
