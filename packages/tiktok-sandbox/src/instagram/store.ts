/**
 * In-memory state of the emulated Instagram API with Instagram Login (docs/instagram-api.md), shared
 * by the route modules: accounts, authorization codes and tokens (oauth.ts), containers and
 * published media with the publishing usage (media.ts), comments (comments.ts), insights counters
 * (insights.ts) and the per-account call usage behind the usage headers (http.ts). Not kept in the
 * sandbox's state file: a restarted sandbox starts empty. Times are virtual Unix **ms** (the
 * sandbox clock) unless a name says otherwise.
 */
import { randomBytes } from 'node:crypto'
import type { Clock } from '../state/clock.js'

/** `account_type` of `GET /me`: professional accounts are BUSINESS or MEDIA_CREATOR. */
export type IgAccountType = 'BUSINESS' | 'MEDIA_CREATOR' | 'PERSONAL'

/** An Instagram account the emulator knows. */
export interface IgAccount {
  /** The Instagram professional account id (`user_id` of `/me`, the `{ig-user-id}` of paths and webhooks). */
  igUserId: string
  /** The app-scoped id (`id` of `/me`); paths accept it too. */
  appScopedId: string
  username: string
  name: string
  accountType: IgAccountType
  followersCount: number
  followsCount: number
  profilePictureUrl: string
}

/** What {@link InstagramStore.addAccount} takes; every field has a default (a BUSINESS account). */
export interface AddIgAccountInput {
  igUserId?: string
  username?: string
  name?: string
  accountType?: IgAccountType
  followersCount?: number
}

/** An access token: short-lived (code exchange, ~1 h) or long-lived (~60 days). */
export interface IgToken {
  token: string
  igUserId: string
  kind: 'short' | 'long'
  /** Granted permissions, e.g. `instagram_business_basic`. */
  scopes: string[]
  /** When this token was issued (a refresh issues a new one), ms. */
  issuedAt: number
  expiresAt: number
  /** False once replaced by a refresh, revoked or the app removed. */
  live: boolean
}

/** An authorization code of the authorize redirect (single use). */
export interface IgCode {
  igUserId: string
  redirectUri: string
  scopes: string[]
  expiresAt: number
}

/** `status_code` of a container (docs/instagram-api.md "Publishing"). */
export type IgContainerStatus = 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED'

/** A media container of `POST /{ig-user-id}/media`. */
export interface IgContainer {
  id: string
  igUserId: string
  /** `media_type`, e.g. `REELS`. */
  mediaType: string
  /** The creation parameters as sent (video_url, caption, share_to_feed, cover_url, thumb_offset…). */
  params: Record<string, string>
  statusCode: IgContainerStatus
  /** `status`: the error subcode/text when `statusCode` is ERROR. */
  status?: string
  createdAt: number
  /** The IG media id once published. */
  mediaId?: string
}

/** A published IG media object. */
export interface IgMedia {
  id: string
  igUserId: string
  containerId: string
  /** `media_type` of the published object (`VIDEO` for a Reel). */
  mediaType: string
  /** `media_product_type`, e.g. `REELS`. */
  mediaProductType: string
  caption?: string
  shortcode: string
  permalink: string
  /** Publish time, ms. */
  timestamp: number
}

/** A comment (or a reply when `parentId` is set) on an IG media. */
export interface IgComment {
  id: string
  mediaId: string
  parentId?: string
  text: string
  /** The commenter. */
  from: { id: string; username: string }
  timestamp: number
  hidden: boolean
  likeCount: number
}

/** Lifetimes, limits and windows of the emulated app (seconds unless named otherwise). */
export interface InstagramSettings {
  /** Authorization code validity (default 3600). */
  codeTtlSec: number
  /** Short-lived token validity (default 3600, "about 1 h"). */
  shortLivedTtlSec: number
  /** Long-lived token validity from issue or refresh (default 5 184 000 = 60 days). */
  longLivedTtlSec: number
  /** A long-lived token can be refreshed only when at least this old (default 86 400 = 24 h). */
  refreshMinAgeSec: number
  /** Published posts per account in the moving window (default 100, docs "Publishing"). */
  publishingQuotaTotal: number
  /** The moving window of the publishing limit (default 86 400). */
  publishingQuotaDurationSec: number
  /** A container not published within this time is EXPIRED (default 86 400). */
  containerExpirySec: number
  /** Calls per account per rolling hour before Business Use Case throttling (code 80002; default 200). */
  accountCallsPerHour: number
  /** Calls of all accounts per rolling hour that make `X-App-Usage` 100 % (default 10 000; reported, not enforced). */
  appCallsPerHour: number
}

const rand = (n: number) => randomBytes(n).toString('base64url')
const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('')

/** A Graph-style numeric id (17 digits), e.g. `17841400000000000` for accounts. */
export function igId(prefix = '17'): string {
  return prefix + digits(17 - prefix.length)
}

/** The shared state; route modules read and change the maps directly and use the helpers. */
export interface InstagramStore {
  readonly clock: Clock
  settings: InstagramSettings
  readonly accounts: Map<string, IgAccount>
  readonly codes: Map<string, IgCode>
  readonly tokens: Map<string, IgToken>
  /** Containers by id. */
  readonly containers: Map<string, IgContainer>
  /** Published media by id. */
  readonly media: Map<string, IgMedia>
  /** Comments and replies by id. */
  readonly comments: Map<string, IgComment>
  /** Media insights counters by media id: `views`, `reach`, `likes`, `comments`, `shares`, `saved`… */
  readonly mediaInsights: Map<string, Record<string, number>>
  /** Account insights counters by ig-user-id: `reach`, `views`, `follower_count`… */
  readonly accountInsights: Map<string, Record<string, number>>
  /** Publish times (ms) per ig-user-id, for the publishing limit. */
  readonly publishes: Map<string, number[]>
  /** Call times (ms) per ig-user-id in the last hour, for the usage headers. */
  readonly calls: Map<string, number[]>

  addAccount(input?: AddIgAccountInput): IgAccount
  /** By ig-user-id or app-scoped id. */
  account(id: string): IgAccount | undefined
  /** A fresh single-use authorization code. */
  issueCode(igUserId: string, redirectUri: string, scopes: string[]): string
  /** Consumes a code (it stops working): the code, or undefined when unknown, used or expired. */
  takeCode(code: string): IgCode | undefined
  /** Issues a token of `kind` for the account, valid for the kind's lifetime from now. */
  issueToken(igUserId: string, kind: IgToken['kind'], scopes: string[]): IgToken
  /** A live, unexpired token, or undefined. */
  liveToken(token: string): IgToken | undefined
  /** Expires the account's live tokens now. @returns how many changed. */
  expireTokens(igUserId: string): number
  /** Kills the account's tokens (app removed or password changed). @returns how many changed. */
  revokeTokens(igUserId: string): number
  /** Publishes in the moving window of the publishing limit. */
  quotaUsage(igUserId: string): number
  /** Records one call of the account; returns its calls in the last hour. */
  recordCall(igUserId: string): number
}

/** Builds the store on the sandbox's virtual clock. */
export function createInstagramStore(
  clock: Clock,
  settings: Partial<InstagramSettings> = {},
): InstagramStore {
  const store: InstagramStore = {
    clock,
    settings: {
      codeTtlSec: 3600,
      shortLivedTtlSec: 3600,
      longLivedTtlSec: 60 * 86_400,
      refreshMinAgeSec: 86_400,
      publishingQuotaTotal: 100,
      publishingQuotaDurationSec: 86_400,
      containerExpirySec: 86_400,
      accountCallsPerHour: 200,
      appCallsPerHour: 10_000,
      ...settings,
    },
    accounts: new Map(),
    codes: new Map(),
    tokens: new Map(),
    containers: new Map(),
    media: new Map(),
    comments: new Map(),
    mediaInsights: new Map(),
    accountInsights: new Map(),
    publishes: new Map(),
    calls: new Map(),

    addAccount(input = {}) {
      const igUserId = input.igUserId ?? igId('178414')
      const username = input.username ?? `sbx_ig_${igUserId.slice(-6)}`
      const account: IgAccount = {
        igUserId,
        appScopedId: igId('26'),
        username,
        name: input.name ?? `Sandbox ${username}`,
        accountType: input.accountType ?? 'BUSINESS',
        followersCount: input.followersCount ?? 1200,
        followsCount: 150,
        profilePictureUrl: `https://scontent.cdninstagram.test/${igUserId}.jpg`,
      }
      store.accounts.set(igUserId, account)
      return account
    },
    account(id) {
      const direct = store.accounts.get(id)
      if (direct) return direct
      for (const a of store.accounts.values()) if (a.appScopedId === id) return a
      return undefined
    },
    issueCode(igUserId, redirectUri, scopes) {
      // Meta appends `#_` to the code in the redirect; the code itself is opaque.
      const code = `AQ${rand(32)}`
      store.codes.set(code, {
        igUserId,
        redirectUri,
        scopes,
        expiresAt: clock.now() + store.settings.codeTtlSec * 1000,
      })
      return code
    },
    takeCode(code) {
      const c = store.codes.get(code)
      store.codes.delete(code)
      return c && c.expiresAt > clock.now() ? c : undefined
    },
    issueToken(igUserId, kind, scopes) {
      const now = clock.now()
      const ttl = kind === 'short' ? store.settings.shortLivedTtlSec : store.settings.longLivedTtlSec
      const t: IgToken = {
        token: `IGAA${rand(48)}`,
        igUserId,
        kind,
        scopes,
        issuedAt: now,
        expiresAt: now + ttl * 1000,
        live: true,
      }
      store.tokens.set(t.token, t)
      return t
    },
    liveToken(token) {
      const t = store.tokens.get(token)
      return t?.live && t.expiresAt > clock.now() ? t : undefined
    },
    expireTokens(igUserId) {
      let n = 0
      for (const t of store.tokens.values()) {
        if (t.igUserId !== igUserId || !store.liveToken(t.token)) continue
        t.expiresAt = clock.now() - 1
        n++
      }
      return n
    },
    revokeTokens(igUserId) {
      let n = 0
      for (const t of store.tokens.values()) {
        if (t.igUserId !== igUserId || !t.live) continue
        t.live = false
        n++
      }
      return n
    },
    quotaUsage(igUserId) {
      const since = clock.now() - store.settings.publishingQuotaDurationSec * 1000
      return (store.publishes.get(igUserId) ?? []).filter((t) => t > since).length
    },
    recordCall(igUserId) {
      const now = clock.now()
      const recent = (store.calls.get(igUserId) ?? []).filter((t) => t > now - 3_600_000)
      recent.push(now)
      store.calls.set(igUserId, recent)
      return recent.length
    },
  }
  return store
}
