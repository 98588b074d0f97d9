import { msg } from '@lit/localize'

/** The user-facing word for a connection status (README "Connection statuses"). */
export function connectionStatusLabel(status: string): string {
  switch (status) {
    case 'active':
      return msg('Active', { id: 'status.active' })
    case 'reauth_required':
      return msg('Reconnect needed', { id: 'status.reauth' })
    case 'revoked':
      return msg('Access removed in TikTok', { id: 'status.revoked' })
    case 'disconnected':
      return msg('Disconnected', { id: 'status.disconnected' })
    default:
      return status
  }
}

/** The user-facing word for a post status (README "Posts"). */
export function postStatusLabel(status: string): string {
  switch (status) {
    case 'queued':
      return msg('Queued', { id: 'post.queued' })
    case 'uploading':
      return msg('Uploading to TikTok', { id: 'post.uploading' })
    case 'processing':
      return msg('TikTok is processing', { id: 'post.processing' })
    case 'sent_to_inbox':
      return msg('Sent to the TikTok inbox', { id: 'post.inbox' })
    case 'published':
      return msg('Published', { id: 'post.published' })
    case 'failed':
      return msg('Failed', { id: 'post.failed' })
    default:
      return status
  }
}

/** TikTok's privacy levels as the composer names them (docs/tiktok-api.md §3.1). */
export function privacyLabel(level: string): string {
  switch (level) {
    case 'PUBLIC_TO_EVERYONE':
      return msg('Everyone', { id: 'privacy.public' })
    case 'MUTUAL_FOLLOW_FRIENDS':
      return msg('Friends', { id: 'privacy.friends' })
    case 'FOLLOWER_OF_CREATOR':
      return msg('Followers', { id: 'privacy.followers' })
    case 'SELF_ONLY':
      return msg('Only me', { id: 'privacy.self' })
    default:
      return level
  }
}

/** Bytes as B, kB, MB or GB with one decimal. */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB']
  let i = 0
  let v = n
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000
    i++
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`
}

/** `error` handler of an avatar: an image that cannot load leaves its grey circle, not a broken icon. */
export function hideBroken(e: Event): void {
  ;(e.target as HTMLImageElement).style.visibility = 'hidden'
}
