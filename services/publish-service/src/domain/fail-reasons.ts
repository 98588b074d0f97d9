/**
 * TikTok's `fail_reason` values (docs/tiktok-api.md §3.8, status and webhooks), the init/upload error
 * codes of §3.2–§3.5, and this service's own reasons, each as a sentence a CRM user understands.
 */
const MESSAGES: Record<string, string> = {
  // §3.8 file checks
  file_format_check_failed:
    'TikTok could not read the video file. Use an MP4, MOV or WebM video encoded with H.264, H.265, VP8 or VP9.',
  duration_check_failed:
    'The video is longer than this TikTok account is allowed to post. Shorten it and try again.',
  frame_rate_check_failed:
    'TikTok only accepts videos between 23 and 60 frames per second. Re-export the video and try again.',
  picture_size_check_failed:
    'The video picture size is outside what TikTok accepts (each side 360 to 4096 pixels). Resize it and try again.',
  // §3.8 retryable
  internal: 'TikTok had an internal problem while processing the video. Please try posting it again.',
  video_pull_failed:
    'TikTok could not download the video from its URL within the time allowed. Check that the link works and try again.',
  photo_pull_failed: 'TikTok could not download the photos from their URLs. Check the links and try again.',
  // §3.8 other
  publish_cancelled: 'The post was cancelled before TikTok finished it.',
  auth_removed:
    'The TikTok account removed its permission for this app. Reconnect the account to post again.',
  spam_risk_too_many_posts: 'This TikTok account has reached its daily posting limit. Try again tomorrow.',
  spam_risk_user_banned_from_posting:
    'TikTok has blocked this account from posting. The account owner should check the TikTok app.',
  spam_risk_text: 'TikTok flagged the caption as spam. Change the title and try again.',
  spam_risk: 'TikTok flagged this post as spam and did not publish it.',
  // §3.2–§3.3 init errors
  invalid_params:
    'TikTok rejected the post as invalid (video size, chunk layout or post settings). Check the video and the settings, then post again.',
  reached_active_user_cap:
    'This app has reached the number of TikTok accounts it may post for today. Try again tomorrow.',
  unaudited_client_can_only_post_to_private_accounts:
    'Until this app passes TikTok’s audit it can only post to private TikTok accounts. Make the account private or wait for the audit.',
  url_ownership_unverified: 'TikTok refused the video URL because its domain is not verified for this app.',
  privacy_level_option_mismatch:
    'The chosen privacy level is not available for this TikTok account any more. Pick another one.',
  spam_risk_too_many_pending_share:
    'This TikTok account already has 5 drafts waiting in its inbox from the last 24 hours. Post or delete some first.',
  scope_not_authorized:
    'The TikTok account did not grant permission to post. Reconnect it and allow posting.',
  access_token_invalid: 'TikTok no longer accepts this account’s login. Reconnect the TikTok account.',
  app_version_check_failed:
    'The TikTok app on the creator’s phone is too old for this kind of post. Update it and try again.',
  // §3.8 status errors
  invalid_publish_id:
    'TikTok no longer recognises this upload, so its outcome cannot be followed. Check the TikTok account to see whether the video was posted before posting it again.',
  token_not_authorized_for_specified_publish_id:
    'This upload belongs to another TikTok login, so its outcome cannot be followed. Check the TikTok account to see whether the video was posted.',
  // §3.5 upload
  upload_url_expired: 'The upload took longer than TikTok allows and had to be restarted too many times.',
  upload_url_unreadable:
    'The upload had to be restarted too many times because its stored TikTok upload link could not be read back.',
  upload_rejected: 'TikTok rejected the uploaded video bytes.',
  // ours
  init_outcome_unknown:
    'TikTok did not confirm whether it accepted this post, so it was not sent again to avoid a duplicate. Check the TikTok account before retrying.',
  status_timeout:
    'TikTok did not finish processing the video in time. Check the TikTok app to see whether it was posted.',
  tiktok_unavailable: 'TikTok was unavailable for too long. Please try posting again later.',
  reauth_required: 'The TikTok account must be reconnected before posting.',
  connection_not_active: 'The TikTok account is no longer connected.',
  connection_not_found: 'The TikTok account of this post no longer exists.',
  media_missing: 'The video file of this post is no longer stored. Upload it again.',
  PRIVACY_LEVEL_NOT_ALLOWED:
    'The chosen privacy level is not available for this TikTok account any more. Pick another one.',
  INTERACTION_DISABLED_BY_CREATOR:
    'The creator has turned off comments, duets or stitches, so they cannot be enabled on this post.',
  VIDEO_TOO_LONG: 'The video is longer than this TikTok account is allowed to post.',
  TITLE_TOO_LONG: 'The title is longer than TikTok’s limit of 2,200 characters.',
  URL_NOT_VERIFIED: 'The video URL is not under a verified address for this app.',
}

/**
 * An Instagram post's reasons (docs/instagram-api.md "Publishing"): the container's `ERROR` (with
 * Graph's subcode where known) and `EXPIRED`, our polling bound, and the shared reasons told as
 * an Instagram account's. Graph refusals are stored as `instagram_<code>[_<subcode>]`.
 */
const INSTAGRAM_MESSAGES: Record<string, string> = {
  container_error:
    'Instagram could not process the video for this Reel. Use an MP4 or MOV (H.264 or HEVC, 23–60 fps, 3 seconds to 15 minutes) and post it again.',
  container_error_2207026:
    'Instagram does not support this video’s format for Reels. Use an MP4 or MOV with H.264 or HEVC video, 23–60 fps, 3 seconds to 15 minutes.',
  container_error_2207052:
    'Instagram could not download the video from Social Bridge. Check that the public media address (MEDIA_PUBLIC_BASE_URL) is reachable from the internet, then post again.',
  container_error_2207003: 'Instagram took too long to download the video. Please post it again.',
  container_error_2207001:
    'Instagram had an internal problem while processing the video. Please post it again.',
  container_expired:
    'Instagram discards an uploaded Reel that is not published within 24 hours, and this one was not (it waited too long, e.g. for the publishing limit). Post it again.',
  container_timeout:
    'Instagram did not finish processing the video within the time allowed, so nothing was published. Post it again later.',
  instagram_unavailable: 'Instagram was unavailable for too long. Please try posting again later.',
  instagram_10:
    'Instagram does not let this account publish through apps. Only professional accounts can: switch it to a Business or Creator account in the Instagram app (Settings → Account type and tools), then reconnect it.',
  reauth_required: 'The Instagram account must be reconnected before posting.',
  connection_not_active: 'The Instagram account is no longer connected.',
  connection_not_found: 'The Instagram account of this post no longer exists.',
}

/** Every `fail_reason` of docs/tiktok-api.md §3.8 (tests check each has its own sentence). */
export const TIKTOK_FAIL_REASONS = [
  'file_format_check_failed',
  'duration_check_failed',
  'frame_rate_check_failed',
  'picture_size_check_failed',
  'internal',
  'video_pull_failed',
  'photo_pull_failed',
  'publish_cancelled',
  'auth_removed',
  'spam_risk_too_many_posts',
  'spam_risk_user_banned_from_posting',
  'spam_risk_text',
  'spam_risk',
] as const

/**
 * The CRM-facing sentence for a fail reason (the network's or ours) of a post on `provider`
 * (default `tiktok`); a generic one for unknown codes.
 */
export function failMessage(reason: string, provider = 'tiktok'): string {
  if (provider === 'instagram') {
    const own =
      INSTAGRAM_MESSAGES[reason] ??
      (reason.startsWith('container_error') ? INSTAGRAM_MESSAGES.container_error : undefined)
    return own ?? MESSAGES[reason] ?? `Instagram could not publish the Reel (${reason}).`
  }
  const key = reason === 'invalid_param' ? 'invalid_params' : reason
  return MESSAGES[key] ?? `TikTok could not publish the video (${reason}).`
}

/** `reason` when it is one this service has a sentence for, else `other`: a bounded metric label. */
export function failReasonLabel(reason: string | null | undefined): string {
  return reason && (reason in MESSAGES || reason in INSTAGRAM_MESSAGES) ? reason : 'other'
}
