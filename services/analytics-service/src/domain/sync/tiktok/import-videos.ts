import { type DisplayApi, MAX_VIDEOS_PER_CALL, type VideoField } from '@social-bridge/tiktok-client'
import type { Queryable } from '../../../repositories/db-types.js'
import type { VideoOwner, VideosRepository } from '../../../repositories/videos-repository.js'
import type { TokenSession } from './token-session.js'

/** Fields the import asks of video list: identity and post time only; metrics come from video query. */
export const LIST_FIELDS: readonly VideoField[] = ['id', 'create_time', 'title', 'share_url']

/** Safety stop: 500 pages × 20 = 10,000 videos per import. */
const MAX_PAGES = 500

/**
 * Imports an account's public videos with `POST /v2/video/list/` (docs/tiktok-api.md §2.3): pages of
 * 20, newest first, following the returned millisecond `cursor` while `has_more`. With
 * `untilKnown` (a re-list) it stops at the first page holding a video we already track, since
 * everything older is known. Each page is upserted as it arrives (idempotent), then the cursor
 * of the next page is saved with `saveCursor`, so an import stopped by TikTok's rate limit
 * (or anything else) resumes there when `startCursor` is passed back.
 * @returns videos newly tracked, list calls made, and whether the listing reached its end
 *   (false after the 500-page safety stop: the saved cursor continues it).
 * @throws what `session.call` throws (TikTokRateLimitedError, RateBudgetExhaustedError, …).
 */
export async function importVideos(deps: {
  q: Queryable
  display: DisplayApi
  session: TokenSession
  videos: VideosRepository
  owner: VideoOwner
  now: Date
  untilKnown: boolean
  /** Resume point (Unix ms) of an interrupted import; null/undefined = from now. */
  startCursor?: number | null
  saveCursor: (cursor: number) => Promise<void>
}): Promise<{ added: number; pages: number; complete: boolean }> {
  let cursor = deps.startCursor ?? undefined
  let added = 0
  let pages = 0
  for (; pages < MAX_PAGES; ) {
    const page = await deps.session.call('video.list', (token) =>
      deps.display.listVideos(token, { fields: LIST_FIELDS, cursor, maxCount: MAX_VIDEOS_PER_CALL }),
    )
    pages++
    const facts = page.videos
      .filter((v) => v.id)
      .map((v) => ({
        videoId: v.id!,
        createdAt: v.createTime === undefined ? null : new Date(v.createTime * 1000),
        title: v.title ?? null,
        shareUrl: v.shareUrl ?? null,
      }))
    const known = deps.untilKnown
      ? await deps.videos.knownVideoIds(
          deps.owner.connectionId,
          facts.map((f) => f.videoId),
        )
      : new Set<string>()
    added += await deps.videos.upsertVideos(deps.q, deps.owner, facts, deps.now)
    if (!page.hasMore || page.videos.length === 0 || known.size > 0) return { added, pages, complete: true }
    cursor = page.cursor
    await deps.saveCursor(cursor)
  }
  return { added, pages, complete: false }
}
