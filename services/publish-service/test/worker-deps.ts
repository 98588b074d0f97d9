import type { FastifyInstance } from 'fastify'
import type { PublishConfig } from '../src/config.js'
import type { WorkerDeps } from '../src/workers/deps.js'
import { createJobQueue } from '../src/workers/job-queue.js'

/** A worker's dependencies from a built app, as the workers plugin wires them; `over` replaces any. */
export function workerDeps(
  app: FastifyInstance,
  config: PublishConfig,
  over: Partial<WorkerDeps> = {},
): WorkerDeps {
  return {
    db: app.db,
    config,
    tiktok: app.tiktok,
    instagram: app.instagram,
    authClient: app.authClient,
    mediaStore: app.mediaStore,
    domain: app.publish,
    queue: createJobQueue({ db: app.db }),
    log: app.log,
    ...over,
  }
}
