import type { SandboxContext } from '../context.js'

/**
 * Picks up publish tasks of a restored state (persistence/README.md): a FILE_UPLOAD still in
 * PROCESSING_UPLOAD fails with `internal` (its upload session and received bytes were not kept,
 * so the client must init again); a PULL_FROM_URL still in PROCESSING_DOWNLOAD downloads again
 * from the first byte; a public post still waiting for its `publicaly_available_post_id` gets it
 * after `publiclyAvailableDelayMs`. Each transition sends its webhook (docs/tiktok-api.md §3.8, 4.4).
 */
export function resumeProcessing(ctx: SandboxContext): void {
  const videos = ctx.posts.videos()
  for (const p of ctx.posts.publishes()) {
    if (p.status === 'PROCESSING_UPLOAD') {
      ctx.processor.fail(p, 'internal')
    } else if (p.status === 'PROCESSING_DOWNLOAD') {
      p.downloadedBytes = 0
      ctx.processor.startPull(p)
    } else if (p.status === 'PUBLISH_COMPLETE' && p.postIds.length === 0) {
      const video = videos.find((v) => v.publishId === p.publishId && v.public)
      if (video) ctx.processor.announcePublic(p, video)
    }
  }
}
