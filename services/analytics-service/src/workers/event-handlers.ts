import type {
  ConnectionConnectedV1,
  ConnectionDisconnectedV1,
  ConnectionReauthRequiredV1,
  Envelope,
  PostPublishedV1,
  TikTokWebhookV1,
} from '@social-bridge/contracts'
import type { Sql } from 'postgres'
import type { AnalyticsDomain } from '../plugins/app/domain.js'
import type { Queryable } from '../repositories/db-types.js'
import { claimEvent } from '../repositories/processed-events.js'

/** Raised for an event that can never be applied (it ends in the dead-letter stream after the retries). */
export class UnusableEventError extends Error {
  override name = 'UnusableEventError'
}

const TIKTOK_POST_ID = /^[0-9]{1,20}$/

function tenantOf(env: Envelope<unknown>): string {
  if (!env.tenantId) throw new UnusableEventError(`${env.type} ${env.id} has no tenantId`)
  return env.tenantId
}

/**
 * Handlers of the events analytics-service consumes. Each runs in one transaction that first
 * claims the envelope id (a replay changes nothing), then applies idempotent upserts keyed on
 * natural ids; status changes compare `occurredAt`, so any arrival order gives the same rows.
 */
export function createEventHandlers(deps: { sql: Sql; domain: AnalyticsDomain }) {
  const { sql, domain } = deps
  const once = (env: Envelope<unknown>, subject: string, apply: (tx: Queryable) => Promise<void>) =>
    sql.begin(async (tx) => {
      if (await claimEvent(tx, env.id, subject)) await apply(tx)
    })

  return {
    /** `social.connection.connected`: track the account (tenant from the envelope) and sync it now. */
    connected: (env: Envelope<ConnectionConnectedV1>) =>
      once(env, 'social.connection.connected', (tx) =>
        domain.connections.trackConnected(tx, {
          id: env.data.connectionId,
          tenantId: tenantOf(env),
          provider: env.data.provider,
          openId: env.data.openId,
          scopes: env.data.scopes,
          occurredAt: new Date(env.occurredAt),
          now: domain.clock(),
        }),
      ),

    /** `social.connection.reauth_required`: stop syncing, show as stale. */
    reauthRequired: (env: Envelope<ConnectionReauthRequiredV1>) =>
      once(env, 'social.connection.reauth_required', (tx) =>
        domain.connections.markStale(tx, {
          id: env.data.connectionId,
          tenantId: tenantOf(env),
          reason: 'reauth_required',
          occurredAt: new Date(env.occurredAt),
        }),
      ),

    /** `social.connection.disconnected`: stop syncing, show as stale (reason = revoked/disconnected). */
    disconnected: (env: Envelope<ConnectionDisconnectedV1>) =>
      once(env, 'social.connection.disconnected', (tx) =>
        domain.connections.markStale(tx, {
          id: env.data.connectionId,
          tenantId: tenantOf(env),
          reason: env.data.status === 'active' ? 'disconnected' : env.data.status,
          occurredAt: new Date(env.occurredAt),
        }),
      ),

    /** `social.post.published`: our post ↔ publish_id ↔ TikTok post ids (may be empty now, filled by a later event). */
    postPublished: (env: Envelope<PostPublishedV1>) =>
      once(env, 'social.post.published', async (tx) => {
        const tenantId = tenantOf(env)
        const { postId, connectionId, publishId, tiktokPostIds } = env.data
        const provider = 'tiktok'
        await domain.videos.upsertPost(tx, { postId, tenantId, connectionId, provider, publishId })
        await domain.videos.linkPublishVideos(tx, provider, publishId, tiktokPostIds)
        const now = domain.clock()
        const facts = tiktokPostIds.map((videoId) => ({ videoId }))
        if ((await domain.videos.upsertVideos(tx, { connectionId, tenantId, provider }, facts, now)) > 0) {
          await domain.connections.makeDue(tx, connectionId, now)
        }
      }),

    /**
     * `tiktok.webhook.post.publish.publicly_available` (REFERENCE.md §4.4): `content.publish_id`
     * and `content.post_id` (19 digits, kept as a string) for the account `userOpenId`. Tracked
     * under every active connection of that open_id; an unknown account is ignored (its
     * import will list the video once it is connected).
     */
    publiclyAvailable: (env: Envelope<TikTokWebhookV1>) =>
      once(env, 'tiktok.webhook.post.publish.publicly_available', async (tx) => {
        const publishId = env.data.content.publish_id
        const rawPostId = env.data.content.post_id
        const postId =
          typeof rawPostId === 'number' || typeof rawPostId === 'bigint' ? String(rawPostId) : rawPostId
        if (typeof publishId !== 'string' || typeof postId !== 'string' || !TIKTOK_POST_ID.test(postId)) {
          throw new UnusableEventError('publicly_available webhook without publish_id/post_id')
        }
        const provider = 'tiktok'
        await domain.videos.linkPublishVideos(tx, provider, publishId, [postId])
        if (!env.data.userOpenId) return
        const now = domain.clock()
        for (const c of await domain.connections.findByOpenId(tx, provider, env.data.userOpenId)) {
          const owner = { connectionId: c.id, tenantId: c.tenantId, provider }
          if ((await domain.videos.upsertVideos(tx, owner, [{ videoId: postId }], now)) > 0) {
            await domain.connections.makeDue(tx, c.id, now)
          }
        }
      }),
  }
}

export type EventHandlers = ReturnType<typeof createEventHandlers>
