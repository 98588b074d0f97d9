import type { ConnectionAccessToken, CreatePostRequest } from '@social-bridge/contracts'
import { NotFoundError, withDetails } from '@social-bridge/service-kit'
import { type CreatorInfo, TikTokError } from '@social-bridge/tiktok-client'
import {
  InteractionDisabledError,
  MediaNotVideoError,
  OptionNotSupportedError,
  PostingLimitReachedError,
  PrivacyLevelNotAllowedError,
  TitleTooLongError,
  UrlNotVerifiedError,
  VideoTooLongError,
} from '../../errors.js'
import type { Quota } from '../../repositories/quota.js'
import { queryCreatorInfo } from '../creator-info.js'
import {
  checkAgainstCreatorInfo,
  checkPullUrl,
  checkTitle,
  effectiveInteractions,
  type RuleViolation,
  sentPrivacyLevel,
} from '../creator-rules.js'
import { checkPhotoPost } from '../photo-rules.js'
import { toPublicError } from '../public-errors.js'
import type { CheckedPost, PostCheckDeps, PostRequestProvider } from './provider.js'

const ERRORS = {
  PRIVACY_LEVEL_NOT_ALLOWED: PrivacyLevelNotAllowedError,
  INTERACTION_DISABLED_BY_CREATOR: InteractionDisabledError,
  VIDEO_TOO_LONG: VideoTooLongError,
  TITLE_TOO_LONG: TitleTooLongError,
  URL_NOT_VERIFIED: UrlNotVerifiedError,
} as const

/** Throws the 422 of a rule violation, with its details. */
function throwViolation(v: RuleViolation): never {
  throw withDetails(new ERRORS[v.code](v.message), v.details ?? {})
}

/** Request fields only a Reel takes (docs/instagram-api.md "Publishing"). */
const REEL_ONLY = ['caption', 'shareToFeed', 'coverUrl', 'thumbOffsetMs'] as const

/** A TikTok post is `direct` or `inbox` and takes none of the Reel options: 422 `OPTION_NOT_SUPPORTED`. */
function refuseReelOptions(body: CreatePostRequest): void {
  const given = REEL_ONLY.filter((k) => body[k] !== undefined)
  if (body.mode === 'reel' || given.length > 0) {
    const what = body.mode === 'reel' ? "mode 'reel'" : given.join(', ')
    throw withDetails(
      new OptionNotSupportedError(
        `A TikTok account takes mode 'direct' or 'inbox' and no Reel options (${what})`,
      ),
      { options: body.mode === 'reel' ? ['mode', ...given] : given },
    )
  }
}

/**
 * The inbox pending-share cap (5 per 24 h, docs/tiktok-api.md §3.3) checked before TikTok is called;
 * the reservation itself is taken when the post is stored.
 * @throws PostingLimitReachedError (429) with `details.retryAfterSec`.
 */
async function refuseWhenInboxFull(quota: Quota, connectionId: string): Promise<void> {
  const free = await quota.peek(connectionId, 'inbox_share')
  if (!free.ok) throw inboxCapError(free.retryAfterSec)
}

/** 429 `POSTING_LIMIT_REACHED` for the inbox cap, with the wait in seconds. */
export function inboxCapError(retryAfterSec: number) {
  return withDetails(
    new PostingLimitReachedError(
      'This TikTok account already has 5 inbox drafts from the last 24 hours; TikTok allows no more for now',
    ),
    { retryAfterSec, limit: 'inbox_pending_shares', max: 5 },
  )
}

/**
 * TikTok's synchronous checks of `POST /posts`, all before TikTok is asked to post anything: the media
 * belongs to the tenant (404), a URL is https, not an IP and under `PULL_FROM_URL_PREFIXES`
 * (422 `URL_NOT_VERIFIED`), the title fits (422 `TITLE_TOO_LONG`), and the account's live
 * creator_info (docs/tiktok-api.md §3.1) allows the privacy level, interactions and duration (422).
 * creator_info counts against its 20 calls/min per token (shared with the worker, all replicas):
 * when they are used up the answer is 429 `POSTING_LIMIT_REACHED` with `retryAfterSec` and
 * Retry-After, and TikTok is not called. An inbox post on an account without the
 * `video.publish` scope skips creator_info (TikTok lets the creator choose in the app). Reel
 * options answer 422 `OPTION_NOT_SUPPORTED`.
 * @throws the public errors above, and auth-service/TikTok/limit failures via `toPublicError`.
 */
async function check(
  deps: PostCheckDeps,
  tenantId: string,
  body: CreatePostRequest,
  handed: ConnectionAccessToken,
): Promise<CheckedPost> {
  refuseReelOptions(body)
  let durationSec: number | null = null
  let videoSize: number | undefined
  if ('photos' in body.source) {
    await checkPhotoPost(deps, tenantId, body.source, body)
  } else if ('mediaId' in body.source) {
    const media = await deps.media.get(tenantId, body.source.mediaId)
    if (!media) throw new NotFoundError('Media')
    if (media.contentType.startsWith('image/')) {
      throw new MediaNotVideoError('A video post takes a video; put photos in source.photos')
    }
    durationSec = media.durationSec
    videoSize = media.sizeBytes
  } else {
    const bad = checkPullUrl(body.source.url, deps.pullPrefixes)
    if (bad) throwViolation(bad)
  }
  const titleViolation = checkTitle(body.title)
  if (titleViolation) throwViolation(titleViolation)

  let info: CreatorInfo | null = null
  try {
    // A scheduled draft takes its inbox slot when it starts; the answer's `capacity` tells about then.
    if (body.mode === 'inbox' && !body.scheduledAt) await refuseWhenInboxFull(deps.quota, body.connectionId)
    info = await queryCreatorInfo({
      quota: deps.quota,
      authClient: deps.authClient,
      tiktok: deps.tiktok,
      connection: { connectionId: body.connectionId, tenantId },
      handed,
    })
  } catch (err) {
    if (err instanceof PostingLimitReachedError) throw err
    const skippable =
      body.mode === 'inbox' && err instanceof TikTokError && err.tiktokCode === 'scope_not_authorized'
    if (!skippable) throw toPublicError(err)
  }
  if (info) {
    const violation = checkAgainstCreatorInfo(
      { ...body, privacyLevel: sentPrivacyLevel(body) },
      info,
      durationSec,
    )
    if (violation) throwViolation(violation)
  }
  return {
    videoSize,
    creatorUsername: info?.creatorUsername,
    interactions: effectiveInteractions(body, info),
  }
}

/** TikTok's request checks (docs/tiktok-api.md §3.1–§3.4). */
export const tiktokPosts: PostRequestProvider = { check }
