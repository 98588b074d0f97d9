import type { VideoMetricsSnapshot } from '@social-bridge/contracts'

/** The four engagement counts of a video or a sum of videos. */
export type EngagementCounts = Pick<VideoMetricsSnapshot, 'views' | 'likes' | 'comments' | 'shares'>

/**
 * Engagement rate = (likes + comments + shares) / views, a ratio (0.05 = 5 %), or `null` when
 * there are no views yet (undefined, not zero).
 */
export function engagementRate(c: EngagementCounts | null): number | null {
  if (!c || c.views <= 0) return null
  return (c.likes + c.comments + c.shares) / c.views
}

/**
 * Growth between two measurements of a series (`to − from`, per key). With fewer than two
 * measurements there is no growth to report: every key is 0.
 */
export function delta<K extends string>(
  from: Record<K, number> | null | undefined,
  to: Record<K, number> | null | undefined,
  keys: readonly K[],
): Record<K, number> {
  const out = {} as Record<K, number>
  for (const k of keys) out[k] = from && to ? to[k] - from[k] : 0
  return out
}
