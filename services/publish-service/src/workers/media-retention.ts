import type { FastifyBaseLogger } from 'fastify'
import type { MediaStore } from '../plugins/external/media-store.js'
import type { MediaRepository } from '../repositories/media-repository.js'

/** Media rows deleted per batch of a sweep. */
const BATCH = 100

/**
 * Deletes media past `MEDIA_RETENTION_DAYS` (`MediaRepository.pastRetention`: no post needs it
 * any more, last used more than that many days ago): the bytes first, then the row, so a sweep
 * that dies in between leaves a row whose bytes are gone (a post of it fails `media_missing`),
 * never bytes nobody can find. Safe on N replicas at once: deleting twice is a no-op.
 * @returns how many media were deleted. `days` 0 keeps everything.
 */
export async function sweepMedia(deps: {
  media: MediaRepository
  store: MediaStore
  days: number
}): Promise<number> {
  if (deps.days <= 0) return 0
  let deleted = 0
  for (;;) {
    const batch = await deps.media.pastRetention(deps.days, BATCH)
    for (const row of batch) {
      await deps.store.delete(row.objectName)
      await deps.media.remove(row.id)
      deleted++
    }
    if (batch.length < BATCH) return deleted
  }
}

/** Runs {@link sweepMedia} every `intervalMs` until stopped. */
export function startMediaRetention(
  deps: Parameters<typeof sweepMedia>[0] & { intervalMs: number; log: FastifyBaseLogger },
): { stop(): void } {
  const timer = setInterval(() => {
    sweepMedia(deps).then(
      (n) => n > 0 && deps.log.info({ deleted: n }, 'media past retention deleted'),
      (err) => deps.log.warn({ err }, 'media retention sweep failed; next sweep retries'),
    )
  }, deps.intervalMs)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
