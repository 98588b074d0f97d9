import type { LeasedConnection } from '../../repositories/sync-leases.js'
import type { TrackedVideo } from '../../repositories/videos-repository.js'

/**
 * One video (TikTok) or media item (Instagram Reel) as a provider measured it: the four counts
 * every provider has, the facts it returned, and Instagram's two extra insights (null elsewhere).
 */
export interface MeasuredVideo {
  videoId: string
  /** When it was posted (TikTok `create_time`); undefined = not returned. */
  createdAt?: Date | null
  title?: string | null
  shareUrl?: string | null
  views: number
  likes: number
  comments: number
  shares: number
  /** Accounts that saw it (Instagram `reach`); null where the provider has none. */
  reach?: number | null
  /** Saves (Instagram `saved`); null where the provider has none. */
  saved?: number | null
}

/** An account as a provider measured it. A figure the provider does not have is 0 (`likes` on Instagram). */
export interface MeasuredAccount {
  followers: number
  following: number
  likes: number
  videoCount: number
  /** Accounts reached in the last day (Instagram account `reach`, period `day`); null elsewhere. */
  reach?: number | null
}

/** A rate limit (the provider's, or our own budget or usage gate) cut the measurement short. */
export interface RateLimitStop {
  error: Error
  /** When the account may be synced again (app clock). */
  retryAt: Date
}

/** What one sync of one account measured, whatever the provider. Times are the app clock. */
export interface Measurement {
  /** The tracked videos asked about (those not returned follow the cadence too). */
  queried: TrackedVideo[]
  returned: MeasuredVideo[]
  account: MeasuredAccount | null
  /** null = complete. */
  stoppedBy: RateLimitStop | null
  /** When the counts were read. */
  measuredAt: Date
  /** Set when a listing of the account's videos completed during this sync (TikTok video list). */
  listedAt?: Date
  /** Calls that measured (counted in `social.metrics.synced`). */
  apiCalls: number
  /** Calls that listed videos. */
  listCalls: number
}

/**
 * How analytics-service syncs one provider's accounts: the only provider-specific part of a sync
 * (services/README.md "Providers"). The lease, storing, rescheduling and `social.metrics.synced`
 * are shared (sync-service.ts, store-result.ts); adapters are registered in `providers.ts`.
 */
export interface SyncAdapter {
  /** contracts `Provider` literal of the connections it syncs. */
  readonly provider: string
  /**
   * Measures one leased account: its due videos (all tracked ones when `conn.fullSyncRequested`)
   * and its account figures. A rate limit met midway stops the measurement and is returned in
   * `stoppedBy` with what was measured so far.
   * @throws AuthClientError when auth-service refuses or is down; SyncLeaseLostError once `signal`
   *   aborts; the provider client's errors otherwise (the sync retries the account later).
   */
  measure(conn: LeasedConnection, run: { startedAt: Date; signal: AbortSignal }): Promise<Measurement>
  /**
   * For an error `measure` threw: the delay before the account is retried when it is this
   * provider's rate limit (ms), or null for any other error (retried with the failure backoff).
   */
  rateLimitDelayMs(err: unknown): number | null
}
