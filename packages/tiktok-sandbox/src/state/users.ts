import { openId as newOpenId } from '../ids.js'

/** Input of `sandbox.addUser()` / `POST /_sandbox/users`. Every field is optional. */
export interface AddUserInput {
  /** Fixed `open_id`; a UUID is generated otherwise. */
  openId?: string
  unionId?: string
  displayName?: string
  username?: string
  bioDescription?: string
  avatarUrl?: string
  isVerified?: boolean
  /** Private account: privacy options without PUBLIC_TO_EVERYONE, duet/stitch disabled (docs/tiktok-api.md §3.1). */
  private?: boolean
  /** `max_video_post_duration_sec` of creator_info, seconds (default 300). */
  maxVideoPostDurationSec?: number
  /** Counts at creation; they then grow with virtual time (see metrics.ts). */
  followerCount?: number
  followingCount?: number
  likesCount?: number
  /** Mean follower growth per hour (default 5). */
  followerGrowthPerHour?: number
  /** `comment_disabled` of creator_info. */
  commentDisabled?: boolean
  /** Makes posting fail with `spam_risk_user_banned_from_posting`. */
  bannedFromPosting?: boolean
}

/** A seeded TikTok account (docs/tiktok-api.md §2.2 fields in camelCase). */
export interface SandboxUser {
  openId: string
  unionId: string
  displayName: string
  username: string
  bioDescription: string
  avatarUrl: string
  isVerified: boolean
  private: boolean
  maxVideoPostDurationSec: number
  followerCount: number
  followingCount: number
  likesCount: number
  followerGrowthPerHour: number
  commentDisabled: boolean
  bannedFromPosting: boolean
  /** Virtual Unix ms of creation; metrics grow from here. */
  createdAt: number
}

/** In-memory user store. */
export interface UsersStore {
  add(input: AddUserInput, nowMs: number): SandboxUser
  get(openId: string): SandboxUser | undefined
  list(): SandboxUser[]
}

/** Creates the store, holding `initial` users (a restored state) at first. */
export function createUsersStore(initial: SandboxUser[] = []): UsersStore {
  const users = new Map<string, SandboxUser>(initial.map((u) => [u.openId, u]))
  return {
    add(input, nowMs) {
      const n = users.size + 1
      const openId = input.openId ?? newOpenId()
      if (users.has(openId)) throw new Error(`User ${openId} already exists`)
      const username = input.username ?? `sandbox.user${n}`
      const user: SandboxUser = {
        openId,
        unionId: input.unionId ?? newOpenId(),
        displayName: input.displayName ?? `Sandbox User ${n}`,
        username,
        bioDescription: input.bioDescription ?? '',
        avatarUrl: input.avatarUrl ?? `https://p16-sign.tiktokcdn-us.com/sandbox/${openId}.jpeg`,
        isVerified: input.isVerified ?? false,
        private: input.private ?? false,
        maxVideoPostDurationSec: input.maxVideoPostDurationSec ?? 300,
        followerCount: input.followerCount ?? 1000,
        followingCount: input.followingCount ?? 100,
        likesCount: input.likesCount ?? 5000,
        followerGrowthPerHour: input.followerGrowthPerHour ?? 5,
        commentDisabled: input.commentDisabled ?? false,
        bannedFromPosting: input.bannedFromPosting ?? false,
        createdAt: nowMs,
      }
      users.set(openId, user)
      return user
    },
    get: (openId) => users.get(openId),
    list: () => [...users.values()],
  }
}
