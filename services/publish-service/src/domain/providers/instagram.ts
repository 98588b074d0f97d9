import type { ConnectionAccessToken, CreatePostRequest } from '@social-bridge/contracts'
import { InstagramGraphError, isProfessional } from '@social-bridge/instagram-client'
import { NotFoundError, ServiceUnavailableError, withDetails } from '@social-bridge/service-kit'
import {
  InstagramProfessionalAccountRequiredError,
  MediaNotVideoError,
  OptionNotSupportedError,
  PostingLimitReachedError,
  ReauthRequiredError,
  ReelSpecNotMetError,
  TitleTooLongError,
  UrlNotVerifiedError,
} from '../../errors.js'
import { checkReelSpecs, REEL_LIMITS } from '../reel-rules.js'
import { INSTAGRAM_TOKEN, withProviderToken } from '../token-call.js'
import type { CheckedPost, PostCheckDeps, PostRequestProvider } from './provider.js'

/** Request fields of TikTok posts that a Reel does not take. */
const TIKTOK_ONLY = [
  'privacyLevel',
  'title',
  'description',
  'disableComment',
  'disableDuet',
  'disableStitch',
  'coverTimestampMs',
  'brandContentToggle',
  'brandOrganicToggle',
  'isAigc',
  'autoAddMusic',
] as const

function notSupported(message: string, options: string[]): never {
  throw withDetails(new OptionNotSupportedError(message), { options })
}

/**
 * Instagram's synchronous checks of `POST /posts` (docs/instagram-api.md "Publishing"), before
 * Instagram is asked for anything: the post is `mode: 'reel'` of a stored video (`source.mediaId`,
 * served to Instagram at a signed `MEDIA_PUBLIC_BASE_URL` address) without TikTok's options
 * (422 `OPTION_NOT_SUPPORTED`), the media is the tenant's (404) and a video (422
 * `MEDIA_NOT_VIDEO`) meeting the Reels specs of `reel-rules.ts` (422 `REEL_SPEC_NOT_MET`), the
 * caption has at most 2,200 characters (422 `TITLE_TOO_LONG`, `details.field: 'caption'`), and
 * the account is a professional one now (`GET /me?fields=account_type`, docs/instagram-api.md
 * "Connect": else 422 `INSTAGRAM_PROFESSIONAL_ACCOUNT_REQUIRED`; Instagram down → 503, token dead
 * → 409 `REAUTH_REQUIRED`). The publishing limit is not checked here: it is read at publish
 * time, and a Reel waits for it.
 */
async function check(
  deps: PostCheckDeps,
  tenantId: string,
  body: CreatePostRequest,
  handed: ConnectionAccessToken,
): Promise<CheckedPost> {
  if (body.mode !== 'reel') notSupported("An Instagram account publishes Reels: use mode 'reel'", ['mode'])
  const tiktokOnly = TIKTOK_ONLY.filter((k) => body[k] !== undefined)
  if (tiktokOnly.length > 0)
    notSupported(`A Reel does not take TikTok's options (${tiktokOnly.join(', ')})`, [...tiktokOnly])
  if (!('mediaId' in body.source))
    notSupported('A Reel is published from a stored video: pass source.mediaId', ['source'])
  if (!deps.publicBaseUrl) {
    throw new UrlNotVerifiedError(
      'Reels need MEDIA_PUBLIC_BASE_URL: Instagram downloads the video from that public address',
    )
  }
  const media = await deps.media.get(tenantId, body.source.mediaId)
  if (!media) throw new NotFoundError('Media')
  if (media.contentType.startsWith('image/')) throw new MediaNotVideoError('A Reel takes a video')
  const violation = checkReelSpecs(media, deps.reelMaxBytes, body.thumbOffsetMs)
  if (violation) {
    throw withDetails(new ReelSpecNotMetError(violation.message), {
      rule: violation.rule,
      ...violation.details,
    })
  }
  const length = body.caption?.length ?? 0
  if (length > REEL_LIMITS.captionMax) {
    const message = `The caption is ${length} characters long; Instagram allows at most ${REEL_LIMITS.captionMax}`
    throw withDetails(new TitleTooLongError(message), {
      field: 'caption',
      length,
      max: REEL_LIMITS.captionMax,
    })
  }
  await requireProfessional(deps, tenantId, body.connectionId, handed)
  return { videoSize: media.sizeBytes, interactions: {} }
}

/** Reads the account's live `account_type`: only professional accounts publish (docs/instagram-api.md "Connect"). */
async function requireProfessional(
  deps: PostCheckDeps,
  tenantId: string,
  connectionId: string,
  handed: ConnectionAccessToken,
): Promise<void> {
  let accountType: string
  try {
    const profile = await withProviderToken(
      deps.authClient,
      { connectionId, tenantId },
      INSTAGRAM_TOKEN,
      (h) => deps.instagram.oauth.getProfile(h.accessToken),
      undefined,
      handed,
    )
    accountType = profile.accountType
  } catch (err) {
    if (!(err instanceof InstagramGraphError)) throw err
    if (err.category === 'grant_invalid')
      throw new ReauthRequiredError('The Instagram account must be reconnected before posting')
    if (err.category === 'rate_limited')
      throw withDetails(
        new PostingLimitReachedError('Instagram is limiting calls for this account; try again later'),
        {
          retryAfterSec: 60,
          limit: 'instagram_rate_limit',
        },
      )
    throw new ServiceUnavailableError('Instagram did not answer the account check; try again shortly')
  }
  if (!isProfessional(accountType)) {
    throw withDetails(
      new InstagramProfessionalAccountRequiredError(
        'Only Instagram professional accounts can publish: switch this account to a Business or Creator account in the Instagram app, then reconnect it',
      ),
      { accountType },
    )
  }
}

/** Instagram's request checks (Reels). */
export const instagramPosts: PostRequestProvider = { check }
