import type { AuthClient } from '@social-bridge/auth-client'
import type { InstagramClient } from '@social-bridge/instagram-client'
import type { Database } from '@social-bridge/service-kit'
import type { TikTokClient } from '@social-bridge/tiktok-client'
import type { FastifyBaseLogger } from 'fastify'
import type { PublishConfig } from '../config.js'
import type { PostRow } from '../db/schema.js'
import type { PublishDomain } from '../plugins/app/domain.js'
import type { MediaStore } from '../plugins/external/media-store.js'
import type { JobQueue } from './job-queue.js'

/** Observation points for operators and tests (e.g. crash-resume tests stop a worker here). */
export interface WorkerHooks {
  /** After chunk `chunkIndex` (0-based) of `totalChunks` was acknowledged by TikTok and recorded. */
  afterChunkRecorded?(postId: string, chunkIndex: number, totalChunks: number): void | Promise<void>
  /** After TikTok answered an init successfully, before its `publish_id` is recorded. */
  afterInitResponse?(postId: string): void | Promise<void>
  /** Right before an init request (TikTok) or a container creation (Instagram) is sent. */
  beforeInitRequest?(postId: string): void | Promise<void>
  /** Reels: right before `media_publish` is sent (the post is marked `publishing`). */
  beforeMediaPublish?(postId: string): void | Promise<void>
  /** Reels: after `media_publish` answered with the media id, before it is recorded. */
  afterMediaPublishResponse?(postId: string): void | Promise<void>
}

/** What the publish worker needs; built from the app's decorations (src/workers/index.ts). */
export interface WorkerDeps {
  db: Database
  config: PublishConfig
  tiktok: TikTokClient
  /** The Instagram client (Reels publishing). */
  instagram: InstagramClient
  /** auth-service's access-token hand-out. */
  authClient: AuthClient
  mediaStore: MediaStore
  domain: PublishDomain
  queue: JobQueue
  log: FastifyBaseLogger
  hooks?: WorkerHooks
}

/** One claimed job: the post as claimed, the lease owner and an abort signal (lease lost / shutdown). */
export interface Job {
  post: PostRow
  owner: string
  signal: AbortSignal
}

/**
 * A step's outcome: the updated post when the same job should go on at once with the lease still
 * held (e.g. init → upload), or null when the lease was released (or lost).
 */
export type StepResult = PostRow | null

/** `upload_url` lifetime (docs/tiktok-api.md §3.2: valid for 1 hour), ms. */
export const UPLOAD_URL_TTL_MS = 3600_000
/** Treat an upload URL this close to expiry as expired, ms. */
export const UPLOAD_URL_MARGIN_MS = 120_000
/** Inits per post (first + fresh inits after an expired URL / unknown outcome) before giving up. */
export const MAX_INITS_PER_POST = 5
/** Transient failures of one step before the post fails. */
export const MAX_STEP_ATTEMPTS = 12

/** Backoff before retrying a step: RETRY_BASE_DELAY_MS × 2^attempts, capped at 10 min. */
export function retryDelayMs(config: PublishConfig, attempts: number): number {
  return Math.min(600_000, config.RETRY_BASE_DELAY_MS * 2 ** attempts)
}
