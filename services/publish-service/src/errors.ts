import { defineError } from '@social-bridge/service-kit'

/** The upload's 411 and 413, shared with the gateway, which checks the same headers first. */
export { LengthRequiredError, PayloadTooLargeError } from '@social-bridge/service-kit'

/** Public errors of publish-service (codes from contracts `ErrorCodes`). Attach details with `withDetails`. */
export const UnsupportedMediaTypeError = defineError(
  'UNSUPPORTED_MEDIA_TYPE',
  415,
  'Content-Type must be video/mp4, video/quicktime, video/webm, image/jpeg or image/webp',
)
export const BadRequestError = defineError('BAD_REQUEST', 400, '%s')
export const MediaNotVideoError = defineError('MEDIA_NOT_VIDEO', 422, '%s')
export const PrivacyLevelNotAllowedError = defineError('PRIVACY_LEVEL_NOT_ALLOWED', 422, '%s')
export const InteractionDisabledError = defineError('INTERACTION_DISABLED_BY_CREATOR', 422, '%s')
export const VideoTooLongError = defineError('VIDEO_TOO_LONG', 422, '%s')
export const TitleTooLongError = defineError('TITLE_TOO_LONG', 422, '%s')
export const UrlNotVerifiedError = defineError('URL_NOT_VERIFIED', 422, '%s')
export const PostingLimitReachedError = defineError('POSTING_LIMIT_REACHED', 429, '%s')
export const IdempotencyKeyReusedError = defineError('IDEMPOTENCY_KEY_REUSED', 422, '%s')
export const TikTokRejectedError = defineError('TIKTOK_REJECTED', 422, '%s')
export const TikTokUnavailableError = defineError('TIKTOK_UNAVAILABLE', 503, '%s')
export const ReauthRequiredError = defineError('REAUTH_REQUIRED', 409, '%s')
export const ConnectionNotActiveError = defineError('CONNECTION_NOT_ACTIVE', 409, '%s')
export const ScheduledAtOutOfRangeError = defineError('SCHEDULED_AT_OUT_OF_RANGE', 422, '%s')
export const PostNotScheduledError = defineError('POST_NOT_SCHEDULED', 409, '%s')
export const ProviderNotSupportedError = defineError('PROVIDER_NOT_SUPPORTED', 422, '%s')
export const MediaNotPhotoError = defineError('MEDIA_NOT_PHOTO', 422, '%s')
export const ReelSpecNotMetError = defineError('REEL_SPEC_NOT_MET', 422, '%s')
export const OptionNotSupportedError = defineError('OPTION_NOT_SUPPORTED', 422, '%s')
export const InstagramProfessionalAccountRequiredError = defineError(
  'INSTAGRAM_PROFESSIONAL_ACCOUNT_REQUIRED',
  422,
  '%s',
)
