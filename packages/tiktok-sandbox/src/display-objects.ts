import type { SandboxContext } from './context.js'
import { grow, unit } from './metrics.js'
import type { Video } from './state/posts.js'
import type { SandboxUser } from './state/users.js'

/** User fields and the scope each needs (docs/tiktok-api.md §1.7, 2.2). */
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

/** What a Video Object's fields are computed from, once per video and request. */
interface VideoFacts {
  video: Video
  /** The video id as a decimal string. */
  id: string
  /** `settings.metricsSeed`. */
  seed: number
  /** Virtual Unix ms now. */
  now: number
  /** The video's age in virtual ms. */
  age: number
  /** Mean views per hour, fixed per video and seed (20–499). */
  viewRate: number
  /** The app's client key (in `embed_link`). */
  clientKey: string
}

const shareUrl = (f: VideoFacts) => `https://www.tiktok.com/@sandbox/video/${f.id}`

/**
 * The Video Object (docs/tiktok-api.md §2.5), one entry per field: how the sandbox computes it at virtual
 * now. Counts grow with the video's age, reproducibly per seed (metrics.ts).
 */
const VIDEO_FIELD_VALUES = {
  id: (f) => f.id,
  create_time: (f) => Math.floor(f.video.createTimeMs / 1000),
  cover_image_url: (f) =>
    `https://p16-sign.tiktokcdn-us.com/sandbox/cover/${f.id}.jpeg?x-expires=${Math.floor((f.now + 6 * 3600_000) / 1000)}`,
  share_url: shareUrl,
  video_description: (f) => f.video.description.slice(0, 150),
  duration: (f) => f.video.duration,
  height: (f) => f.video.height,
  width: (f) => f.video.width,
  title: (f) => f.video.title.slice(0, 150),
  embed_html: (f) =>
    `<blockquote class="tiktok-embed" cite="${shareUrl(f)}" data-video-id="${f.id}"></blockquote>`,
  embed_link: (f) =>
    `https://www.tiktok.com/static/profile-video?id=${f.id}&hide_author=1&utm_campaign=tt4d_open_api&utm_source=${f.clientKey}`,
  like_count: (f) => grow(f.seed, `${f.id}:likes`, 0, f.viewRate * 0.08, f.age),
  comment_count: (f) => grow(f.seed, `${f.id}:comments`, 0, f.viewRate * 0.01, f.age),
  share_count: (f) => grow(f.seed, `${f.id}:shares`, 0, f.viewRate * 0.005, f.age),
  view_count: (f) => grow(f.seed, `${f.id}:views`, 0, f.viewRate, f.age),
} satisfies Record<string, (f: VideoFacts) => unknown>

/** Video Object field names (docs/tiktok-api.md §2.5): the keys of the table above. */
export const VIDEO_FIELDS: readonly string[] = Object.keys(VIDEO_FIELD_VALUES)

/** Every video field at virtual now (see the table above). */
export function videoObject(ctx: SandboxContext, video: Video): Record<string, unknown> {
  const id = video.id.toString()
  const seed = ctx.settings.metricsSeed
  const now = ctx.clock.now()
  const facts: VideoFacts = {
    video,
    id,
    seed,
    now,
    age: now - video.createTimeMs,
    viewRate: 20 + Math.floor(unit(seed, `${id}:rate`) * 480),
    clientKey: ctx.config.clientKey,
  }
  return Object.fromEntries(Object.entries(VIDEO_FIELD_VALUES).map(([field, value]) => [field, value(facts)]))
}

/** Keeps only the requested keys, in request order. */
export function pick(obj: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of fields) if (f in obj) out[f] = obj[f]
  return out
}
