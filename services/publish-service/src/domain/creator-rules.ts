import { isIP } from 'node:net'
import type { CreatePostRequest } from '@social-bridge/contracts'
import type { CreatorInfo } from '@social-bridge/tiktok-client'

/** TikTok's caption limit in UTF-16 code units (docs/tiktok-api.md §3.2). */
export const TITLE_MAX_UTF16 = 2200

/** A rule a post breaks, with the public error code and a sentence for the CRM. */
export interface RuleViolation {
  code:
    | 'PRIVACY_LEVEL_NOT_ALLOWED'
    | 'INTERACTION_DISABLED_BY_CREATOR'
    | 'VIDEO_TOO_LONG'
    | 'TITLE_TOO_LONG'
    | 'URL_NOT_VERIFIED'
  message: string
  details?: Record<string, unknown>
}

type PostRequest = Pick<
  CreatePostRequest,
  'title' | 'privacyLevel' | 'disableComment' | 'disableDuet' | 'disableStitch'
>

/** Title rule alone (no creator_info needed): ≤ 2,200 UTF-16 units (JS `length` counts those). */
export function checkTitle(title: string | null | undefined): RuleViolation | null {
  const length = title?.length ?? 0
  if (length <= TITLE_MAX_UTF16) return null
  return {
    code: 'TITLE_TOO_LONG',
    message: `The title is ${length} UTF-16 characters long; TikTok allows at most ${TITLE_MAX_UTF16}`,
    details: { length, max: TITLE_MAX_UTF16 },
  }
}

/**
 * The privacy level a post sends to TikTok: a direct post's; none for an inbox draft, whose init
 * takes no `post_info` (docs/tiktok-api.md §3.3) — one the CRM sent anyway is ignored.
 */
export function sentPrivacyLevel(post: {
  mode: CreatePostRequest['mode']
  privacyLevel?: CreatePostRequest['privacyLevel'] | string | null
}): CreatePostRequest['privacyLevel'] {
  return post.mode === 'direct' && post.privacyLevel
    ? (post.privacyLevel as CreatePostRequest['privacyLevel'])
    : undefined
}

/**
 * Checks a post against the account's live creator_info (docs/tiktok-api.md §3.1, §3.2, §3.11): the
 * privacy level, when one is sent (direct posts: see {@link sentPrivacyLevel}), is one of
 * `privacy_level_options` (it has no default: the request must name it),
 * an interaction the creator disabled is not explicitly enabled (`false`), the video's duration
 * (seconds, when known) is ≤ `max_video_post_duration_sec`, and the title fits.
 * @returns the first violation, or null.
 */
export function checkAgainstCreatorInfo(
  post: PostRequest,
  info: CreatorInfo,
  durationSec: number | null | undefined,
): RuleViolation | null {
  if (post.privacyLevel !== undefined && !info.privacyLevelOptions.includes(post.privacyLevel)) {
    return {
      code: 'PRIVACY_LEVEL_NOT_ALLOWED',
      message: `Privacy level ${post.privacyLevel} is not available for this account; choose one of ${info.privacyLevelOptions.join(', ')}`,
      details: { privacyLevel: post.privacyLevel, privacyLevelOptions: info.privacyLevelOptions },
    }
  }
  const interactions = [
    ['comment', 'comments', info.commentDisabled, post.disableComment],
    ['duet', 'duets', info.duetDisabled, post.disableDuet],
    ['stitch', 'stitches', info.stitchDisabled, post.disableStitch],
  ] as const
  for (const [name, plural, disabledByCreator, disableRequested] of interactions) {
    if (disabledByCreator && disableRequested === false) {
      return {
        code: 'INTERACTION_DISABLED_BY_CREATOR',
        message: `The creator has turned off ${plural} on TikTok; this post cannot enable them`,
        details: { interaction: name },
      }
    }
  }
  const max = info.maxVideoPostDurationSec
  if (durationSec != null && max !== undefined && durationSec > max) {
    return {
      code: 'VIDEO_TOO_LONG',
      message: `The video lasts ${Math.round(durationSec * 10) / 10} s; this account may post at most ${max} s`,
      details: { durationSec, maxVideoPostDurationSec: max },
    }
  }
  return checkTitle(post.title)
}

/**
 * PULL_FROM_URL source rules (docs/tiktok-api.md §3.6): `https`, a host that is not an IP address, and
 * an exact string prefix match with one of the verified prefixes (`PULL_FROM_URL_PREFIXES`).
 */
export function checkPullUrl(url: string, prefixes: string[]): RuleViolation | null {
  const refuse = (why: string): RuleViolation => ({
    code: 'URL_NOT_VERIFIED',
    message: `The video URL cannot be used: ${why}`,
    details: { url },
  })
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return refuse('it is not a valid URL')
  }
  if (parsed.protocol !== 'https:') return refuse('TikTok only downloads over https')
  const host = parsed.hostname.replace(/^\[|\]$/g, '')
  if (isIP(host) !== 0) return refuse('the host must be a domain name, not an IP address')
  if (!prefixes.some((p) => url.startsWith(p))) {
    return refuse('it is not under a verified URL prefix of this app')
  }
  return null
}

/** Interaction flags to send: a flag the creator disabled is always sent as disabled. */
export function effectiveInteractions(
  post: PostRequest,
  info: CreatorInfo | null,
): { disableComment?: boolean; disableDuet?: boolean; disableStitch?: boolean } {
  return {
    disableComment: info?.commentDisabled ? true : post.disableComment,
    disableDuet: info?.duetDisabled ? true : post.disableDuet,
    disableStitch: info?.stitchDisabled ? true : post.disableStitch,
  }
}
