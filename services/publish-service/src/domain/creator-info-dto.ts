import type { CreatorInfo as CreatorInfoDto } from '@social-bridge/contracts'
import type { CreatorInfo } from '@social-bridge/tiktok-client'

/**
 * The CRM's view of an account's creator_info (contracts `CreatorInfo`, docs/tiktok-api.md §3.1
 * camelCased): a text TikTok left out is `''`, a missing `max_video_post_duration_sec` is 0.
 */
export function toCreatorInfoDto(info: CreatorInfo): CreatorInfoDto {
  return {
    creatorAvatarUrl: info.creatorAvatarUrl ?? '',
    creatorUsername: info.creatorUsername ?? '',
    creatorNickname: info.creatorNickname ?? '',
    privacyLevelOptions: info.privacyLevelOptions,
    commentDisabled: info.commentDisabled,
    duetDisabled: info.duetDisabled,
    stitchDisabled: info.stitchDisabled,
    maxVideoPostDurationSec: info.maxVideoPostDurationSec ?? 0,
  }
}
