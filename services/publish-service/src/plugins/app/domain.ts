import { createOutbox, type Outbox } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { PublishConfig } from '../../config.js'
import { outbox as outboxTable } from '../../db/schema.js'
import { createMediaIntake, type MediaIntake } from '../../domain/media-intake.js'
import { createPhotoUrlSigner, type PhotoUrlSigner } from '../../domain/photo-urls.js'
import { createPostState, type PostState } from '../../domain/post-state.js'
import { createUploadUrlVault, type UploadUrlVault } from '../../domain/upload-url-vault.js'
import { registerPublishMetrics } from '../../metrics.js'
import { createMediaRepository, type MediaRepository } from '../../repositories/media-repository.js'
import { createPostsRepository, type PostsRepository } from '../../repositories/posts-repository.js'
import { createQuota, type Quota } from '../../repositories/quota.js'

/** The domain services routes and workers share (plain factories, see each file). */
export interface PublishDomain {
  media: MediaRepository
  intake: MediaIntake
  posts: PostsRepository
  quota: Quota
  postState: PostState
  /** Seals and opens TikTok's upload URLs (stored only sealed). */
  uploadUrls: UploadUrlVault
  /** Signs and checks the public URLs of stored photos (`GET /media/public/:file`). */
  photoUrls: PhotoUrlSigner
  /** The post events' outbox (aggregate = post); the workers run its relay, commits nudge it. */
  outbox: Outbox
}

declare module 'fastify' {
  interface FastifyInstance {
    publish: PublishDomain
  }
}

/** Builds the domain services from `app.db`, `app.nats` and `app.mediaStore`; decorates `app.publish`. */
export function createDomain(app: FastifyInstance, config: PublishConfig): PublishDomain {
  const outbox = createOutbox({
    db: app.db,
    table: outboxTable,
    bus: app.nats.bus,
    log: app.log,
    metrics: app.metrics,
  })
  const nudge = () => outbox.nudge()
  const quota = createQuota({ db: app.db })
  return {
    media: createMediaRepository({ db: app.db }),
    intake: createMediaIntake({ store: app.mediaStore }),
    quota,
    posts: createPostsRepository({ db: app.db, quota, onCommitted: nudge }),
    postState: createPostState({ db: app.db, timing: config, onCommitted: nudge }),
    uploadUrls: createUploadUrlVault(config.INTERNAL_JWT_SECRET),
    photoUrls: createPhotoUrlSigner({
      secret: config.INTERNAL_JWT_SECRET,
      baseUrl: config.MEDIA_PUBLIC_BASE_URL,
      ttlMs: config.MEDIA_PUBLIC_URL_TTL_MS,
    }),
    outbox,
  }
}

/** Decorates `app.publish` (after db, nats, media store, auth client and TikTok client). */
export const domainPlugin = fp(
  async (app: FastifyInstance, opts: { config: PublishConfig }) => {
    registerPublishMetrics(app)
    app.decorate('publish', createDomain(app, opts.config))
  },
  {
    name: 'publish-domain',
    fastify: '5.x',
    dependencies: ['sb-db', 'sb-nats', 'publish-media-store'],
  },
)
