import type { SandboxContext } from '../context.js'
import type { Publish, Video } from '../state/posts.js'
import type { TokensDump } from '../state/tokens.js'
import type { SandboxUser } from '../state/users.js'
import type { WebhookDelivery } from '../webhooks/sender.js'

/** Format version of the state file; a file of another version is refused. */
export const STATE_VERSION = 1

/** A publish task as saved: without its download abort handle and the path of its bytes. */
export type SavedPublish = Omit<Publish, 'abort' | 'filePath'>

/**
 * The durable part of a sandbox, as written to its state file (see README.md beside this file).
 * Times are virtual Unix ms; `videos[].id` and `publishes[].postIds` are bigints (19 digits).
 */
export interface StateSnapshot {
  version: typeof STATE_VERSION
  /** The app the tokens were issued to; a file of another client_key is refused. */
  clientKey: string
  /** The virtual clock's offset from wall time, ms, so virtual time resumes where it was. */
  clockOffsetMs: number
  users: SandboxUser[]
  tokens: TokensDump
  publishes: SavedPublish[]
  videos: Video[]
  /** Deliveries still `pending`; delivered and failed ones are history and are not kept. */
  webhooks: WebhookDelivery[]
}

/** The current durable state of `ctx` (live objects: serialise it before they change). */
export function takeSnapshot(ctx: SandboxContext): StateSnapshot {
  return {
    version: STATE_VERSION,
    clientKey: ctx.config.clientKey,
    clockOffsetMs: ctx.clock.offsetMs(),
    users: ctx.users.list(),
    tokens: ctx.tokens.dump(),
    publishes: ctx.posts.publishes().map(({ abort: _abort, filePath: _filePath, ...p }) => p),
    videos: ctx.posts.videos(),
    webhooks: ctx.webhooks.deliveries().filter((d) => d.state === 'pending'),
  }
}
