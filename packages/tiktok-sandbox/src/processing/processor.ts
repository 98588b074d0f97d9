import { join } from 'node:path'
import type { SandboxContext } from '../context.js'
import { videoId } from '../ids.js'
import type { FailReason, Publish, Video } from '../state/posts.js'
import { checkMedia } from './checks.js'
import { inspectFile } from './inspect.js'
import { checkPhotoFile } from './photos.js'
import { download, resolvePullUrl } from './pull.js'

/** Options of "the user posted the inbox draft" (test hook). */
export interface PostDraftOptions {
  /** Privacy the user picked in the app; default PUBLIC_TO_EVERYONE (FOLLOWER_OF_CREATOR for private accounts). */
  privacyLevel?: 'PUBLIC_TO_EVERYONE' | 'MUTUAL_FOLLOW_FRIENDS' | 'FOLLOWER_OF_CREATOR' | 'SELF_ONLY'
  title?: string
}

/**
 * Drives publish tasks through docs/tiktok-api.md §3.8's state machine:
 * PROCESSING_UPLOAD|PROCESSING_DOWNLOAD → (processingDelayMs, mediainfo checks) →
 * PUBLISH_COMPLETE (direct) | SEND_TO_USER_INBOX (inbox) | FAILED; public posts then get a
 * `publicaly_available_post_id` after `publiclyAvailableDelayMs`. Emits a webhook per transition.
 */
export interface Processor {
  /** The last chunk arrived: inspect and finish in the background. */
  uploadComplete(p: Publish): void
  /** Start a PULL_FROM_URL download in the background. */
  startPull(p: Publish): void
  /**
   * Start downloading a photo post's `photo_images` in order (docs/tiktok-api.md §3.4): a download
   * that fails → FAILED `photo_pull_failed`; a photo that is not JPEG/WebP, over 20 MB or 1080p →
   * `file_format_check_failed` / `picture_size_check_failed`; else on as a video would.
   */
  startPhotoPull(p: Publish): void
  /** Cancel an in-progress download → FAILED `publish_cancelled`. Returns false if not cancellable. */
  cancel(p: Publish): boolean
  /** Test hook: the user posted the draft → PUBLISH_COMPLETE (+ public id later). Throws if not in the inbox. */
  postDraft(p: Publish, opts?: PostDraftOptions): void
  /** FAILED with `reason` and a `post.publish.failed` webhook. */
  fail(p: Publish, reason: FailReason): void
  /**
   * A completed public post gets its `publicaly_available_post_id` (`video.id`) after
   * `publiclyAvailableDelayMs`, with a `post.publish.publicly_available` webhook.
   */
  announcePublic(p: Publish, video: Video): void
  /** Resolves when no processing is in flight (tests). */
  idle(): Promise<void>
  close(): void
}

export function createProcessor(ctx: () => SandboxContext): Processor {
  const timers = new Set<NodeJS.Timeout>()
  const inflight = new Set<Promise<unknown>>()
  let closed = false

  const later = (ms: number, fn: () => void) => {
    if (closed) return
    const t = setTimeout(() => {
      timers.delete(t)
      if (closed) return
      fn()
      ctx().changed()
    }, ms)
    timers.add(t)
  }
  const track = (p: Promise<unknown>) => {
    inflight.add(p)
    void p.finally(() => {
      inflight.delete(p)
      ctx().changed()
    })
  }
  const publishType = (p: Publish) => p.mode

  function fail(p: Publish, reason: FailReason) {
    if (p.status === 'FAILED') return
    p.status = 'FAILED'
    p.failReason = reason
    ctx().webhooks.emit('post.publish.failed', p.openId, {
      publish_id: p.publishId,
      reason,
      publish_type: publishType(p),
    })
  }

  function complete(
    p: Publish,
    privacy: string,
    title: string,
    media: { duration: number; width: number; height: number },
  ) {
    const c = ctx()
    p.status = 'PUBLISH_COMPLETE'
    c.webhooks.emit('post.publish.complete', p.openId, {
      publish_id: p.publishId,
      publish_type: publishType(p),
    })
    const isPublic = privacy === 'PUBLIC_TO_EVERYONE'
    const video = c.posts.addVideo({
      id: videoId(),
      openId: p.openId,
      createTimeMs: c.clock.now(),
      title,
      description: title,
      duration: media.duration,
      width: media.width,
      height: media.height,
      public: isPublic,
      publishId: p.publishId,
    })
    if (isPublic) announcePublic(p, video)
  }

  function announcePublic(p: Publish, video: Video) {
    const c = ctx()
    later(c.settings.publiclyAvailableDelayMs, () => {
      p.postIds.push(video.id)
      const postId = c.settings.webhookPostIdAs === 'number' ? video.id : video.id.toString()
      c.webhooks.emit('post.publish.publicly_available', p.openId, {
        publish_id: p.publishId,
        post_id: postId,
        publish_type: publishType(p),
      })
    })
  }

  async function process(p: Publish) {
    const c = ctx()
    const user = c.users.get(p.openId)
    if (!p.filePath || !user) return fail(p, 'internal')
    let media: Awaited<ReturnType<typeof inspectFile>>
    try {
      media = await inspectFile(p.filePath)
    } catch {
      return fail(p, 'file_format_check_failed')
    }
    if (p.status === 'FAILED') return
    const reason = checkMedia(media, user.maxVideoPostDurationSec)
    if (reason) return fail(p, reason)
    p.media = {
      duration: Math.round(media.durationSec ?? 0),
      width: media.width ?? 0,
      height: media.height ?? 0,
    }
    deliver(p)
  }

  /** Processing passed: to the inbox (an inbox share) or published (a direct post). */
  function deliver(p: Publish) {
    const c = ctx()
    if (p.mode === 'INBOX_SHARE') {
      p.status = 'SEND_TO_USER_INBOX'
      c.webhooks.emit('post.publish.inbox_delivered', p.openId, {
        publish_id: p.publishId,
        publish_type: 'INBOX_SHARE',
      })
      return
    }
    complete(p, p.privacyLevel ?? 'SELF_ONLY', p.title ?? '', p.media ?? { duration: 0, width: 0, height: 0 })
  }

  async function pullPhotos(p: Publish, signal: AbortSignal) {
    const c = ctx()
    const urls = p.photos?.urls ?? []
    const sizes: { width: number; height: number }[] = []
    for (const [i, url] of urls.entries()) {
      const file = join(c.dataDir, `${p.publishId.replace(/[^\w.-]/g, '_')}-${i}.photo`)
      const before = p.downloadedBytes
      try {
        await download(resolvePullUrl(url, c.settings.pullUrlRewrites), file, {
          signal,
          onBytes: (n) => {
            p.downloadedBytes = before + n
          },
        })
      } catch {
        return p.status === 'PROCESSING_DOWNLOAD' ? fail(p, 'photo_pull_failed') : undefined
      }
      const checked = await checkPhotoFile(file)
      if ('failReason' in checked) return fail(p, checked.failReason)
      sizes.push(checked)
    }
    const cover = sizes[p.photos?.coverIndex ?? 0] ?? { width: 0, height: 0 }
    p.media = { duration: 0, ...cover }
    if (p.status === 'PROCESSING_DOWNLOAD') later(c.settings.processingDelayMs, () => deliver(p))
  }

  function afterDelay(p: Publish) {
    later(ctx().settings.processingDelayMs, () => track(process(p)))
  }

  return {
    uploadComplete: afterDelay,
    startPull(p) {
      const c = ctx()
      const abort = new AbortController()
      p.abort = abort
      p.filePath = join(c.dataDir, `${p.publishId.replace(/[^\w.-]/g, '_')}.pull`)
      const timeout = setTimeout(() => abort.abort(new Error('pull timeout')), c.settings.pullTimeoutMs)
      const job = download(resolvePullUrl(p.videoUrl ?? '', c.settings.pullUrlRewrites), p.filePath, {
        signal: abort.signal,
        onBytes: (n) => {
          p.downloadedBytes = n
        },
      })
        .then(() => {
          if (p.status === 'PROCESSING_DOWNLOAD') afterDelay(p)
        })
        .catch(() => {
          if (p.status === 'PROCESSING_DOWNLOAD') fail(p, 'video_pull_failed')
        })
        .finally(() => {
          clearTimeout(timeout)
          p.abort = undefined
        })
      track(job)
    },
    startPhotoPull(p) {
      const abort = new AbortController()
      p.abort = abort
      const timeout = setTimeout(() => abort.abort(new Error('pull timeout')), ctx().settings.pullTimeoutMs)
      track(
        pullPhotos(p, abort.signal).finally(() => {
          clearTimeout(timeout)
          p.abort = undefined
        }),
      )
    },
    cancel(p) {
      if (p.source !== 'PULL_FROM_URL' || p.status !== 'PROCESSING_DOWNLOAD') return false
      fail(p, 'publish_cancelled')
      p.abort?.abort(new Error('cancelled'))
      return true
    },
    postDraft(p, opts = {}) {
      if (p.mode !== 'INBOX_SHARE' || p.status !== 'SEND_TO_USER_INBOX') {
        throw new Error(`Publish ${p.publishId} is not a draft in the inbox (status ${p.status})`)
      }
      const user = ctx().users.get(p.openId)
      const privacy = opts.privacyLevel ?? (user?.private ? 'FOLLOWER_OF_CREATOR' : 'PUBLIC_TO_EVERYONE')
      complete(p, privacy, opts.title ?? p.title ?? '', p.media ?? { duration: 0, width: 0, height: 0 })
    },
    fail,
    announcePublic,
    async idle() {
      while (inflight.size) await Promise.allSettled([...inflight])
    },
    close() {
      closed = true
      for (const t of timers) clearTimeout(t)
      timers.clear()
    },
  }
}
