import type { SandboxContext } from './context.js'
import { grow, unit } from './metrics.js'
import type { Video } from './state/posts.js'
import type { SandboxUser } from './state/users.js'

/** User fields and the scope each needs (REFERENCE 1.7, 2.2). */
export const USER_FIELD_SCOPES: Record<string, string> = {
  open_id: 'user.info.basic',
  union_id: 'user.info.basic',
  avatar_url: 'user.info.basic',
  avatar_url_100: 'user.info.basic',
  avatar_large_url: 'user.info.basic',
  display_name: 'user.info.basic',
  bio_description: 'user.info.profile',
  profile_deep_link: 'user.info.profile',
  is_verified: 'user.info.profile',
  username: 'user.info.profile',
  follower_count: 'user.info.stats',
  following_count: 'user.info.stats',
  likes_count: 'user.info.stats',
  video_count: 'user.info.stats',
}

/** Video object fields (REFERENCE 2.5). */
export const VIDEO_FIELDS = [
  'id',
  'create_time',
  'cover_image_url',
  'share_url',
  'video_description',
  'duration',
  'height',
  'width',
  'title',
  'embed_html',
  'embed_link',
  'like_count',
  'comment_count',
  'share_count',
  'view_count',
] as const

/** Splits `?fields=a,b` into a de-duplicated list. */
export function parseFields(raw: unknown): string[] {
  if (typeof raw !== 'string') return []
  return [
    ...new Set(
      raw
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean),
    ),
  ]
}

/** Every user field at virtual now; counts grow with time (metrics.ts). */
export function userObject(ctx: SandboxContext, u: SandboxUser): Record<string, unknown> {
  const elapsed = ctx.clock.now() - u.createdAt
  const seed = ctx.settings.metricsSeed
  const videos = ctx.posts.videosOf(u.openId).filter((v) => v.public).length
  return {
    open_id: u.openId,
    union_id: u.unionId,
    avatar_url: u.avatarUrl,
    avatar_url_100: u.avatarUrl.replace(/\.jpeg$/, '~100x100.jpeg'),
    avatar_large_url: u.avatarUrl.replace(/\.jpeg$/, '~1080x1080.jpeg'),
    display_name: u.displayName,
    bio_description: u.bioDescription,
    profile_deep_link: `https://vm.tiktok.com/sandbox/${u.username}`,
    is_verified: u.isVerified,
    username: u.username,
    follower_count: grow(seed, `${u.openId}:followers`, u.followerCount, u.followerGrowthPerHour, elapsed),
    following_count: grow(seed, `${u.openId}:following`, u.followingCount, 0.05, elapsed),
    likes_count: grow(seed, `${u.openId}:likes`, u.likesCount, u.followerGrowthPerHour * 4, elapsed),
    video_count: videos,
  }
}

/** Every video field at virtual now; counts grow with the video's age, reproducibly per seed. */
export function videoObject(ctx: SandboxContext, v: Video): Record<string, unknown> {
  const id = v.id.toString()
  const seed = ctx.settings.metricsSeed
  const age = ctx.clock.now() - v.createTimeMs
  const viewRate = 20 + Math.floor(unit(seed, `${id}:rate`) * 480)
  const share = `https://www.tiktok.com/@sandbox/video/${id}`
  const embedLink = `https://www.tiktok.com/static/profile-video?id=${id}&hide_author=1&utm_campaign=tt4d_open_api&utm_source=${ctx.config.clientKey}`
  const expires = Math.floor((ctx.clock.now() + 6 * 3600_000) / 1000)
  return {
    id,
    create_time: Math.floor(v.createTimeMs / 1000),
    cover_image_url: `https://p16-sign.tiktokcdn-us.com/sandbox/cover/${id}.jpeg?x-expires=${expires}`,
    share_url: share,
    video_description: v.description.slice(0, 150),
    duration: v.duration,
    height: v.height,
    width: v.width,
    title: v.title.slice(0, 150),
    embed_html: `<blockquote class="tiktok-embed" cite="${share}" data-video-id="${id}"></blockquote>`,
    embed_link: embedLink,
    like_count: grow(seed, `${id}:likes`, 0, viewRate * 0.08, age),
    comment_count: grow(seed, `${id}:comments`, 0, viewRate * 0.01, age),
    share_count: grow(seed, `${id}:shares`, 0, viewRate * 0.005, age),
    view_count: grow(seed, `${id}:views`, 0, viewRate, age),
  }
}

/** Keeps only the requested keys, in request order. */
export function pick(obj: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of fields) if (f in obj) out[f] = obj[f]
  return out
}
