import { stringify } from 'lossless-json'

/**
 * Serialises a response body. `bigint` values (post ids above 2^53) are written as exact JSON
 * numbers, as TikTok does for `publicaly_available_post_id` (docs/tiktok-api.md §3.8).
 */
export function toJson(value: unknown): string {
  return stringify(value) ?? 'null'
}
