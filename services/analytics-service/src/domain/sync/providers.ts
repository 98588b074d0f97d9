import type { SyncAdapter } from './adapter.js'
import { createInstagramSyncAdapter, type InstagramSyncDeps } from './instagram/adapter.js'
import { createTikTokSyncAdapter, type TikTokSyncDeps } from './tiktok/adapter.js'

/**
 * The providers whose accounts analytics-service tracks and syncs (contracts `Provider` literals).
 * Connection events and the start-up catch-up skip every other provider (TikTok Shop sellers).
 */
export const SYNCED_PROVIDERS: readonly string[] = ['tiktok', 'instagram']

/** True when analytics-service syncs accounts of `provider` (an absent provider reads as `tiktok`). */
export function isSyncedProvider(provider: string | undefined): boolean {
  return SYNCED_PROVIDERS.includes(provider ?? 'tiktok')
}

/**
 * The one place sync adapters are registered: one per provider in {@link SYNCED_PROVIDERS}, keyed
 * by it. Adding a provider = its adapter in `domain/sync/<provider>/` and one line here.
 */
export function createSyncAdapters(deps: {
  tiktok: TikTokSyncDeps
  instagram: InstagramSyncDeps
}): ReadonlyMap<string, SyncAdapter> {
  const adapters = [createTikTokSyncAdapter(deps.tiktok), createInstagramSyncAdapter(deps.instagram)]
  return new Map(adapters.map((a) => [a.provider, a]))
}
