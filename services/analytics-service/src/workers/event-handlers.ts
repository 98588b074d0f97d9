import {
  type ConnectionConnectedV1,
  type ConnectionDisconnectedV1,
  type ConnectionReauthRequiredV1,
  type Envelope,
  type PostPublishedV1,
  Subjects,
  type TikTokWebhookEnvelope,
  TikTokWebhookFilters,
  tiktokWebhookData,
} from '@social-bridge/contracts'
import type { Sql } from 'postgres'
import { isSyncedProvider } from '../domain/sync/providers.js'
import type { AnalyticsDomain } from '../plugins/app/domain.js'
import type { Queryable } from '../repositories/db-types.js'
import { claimEvent } from '../repositories/processed-events.js'

/** Raised for an event that can never be applied (it ends in the dead-letter stream after the retries). */
export class UnusableEventError extends Error {
  override name = 'UnusableEventError'
}

function tenantOf(env: Envelope<unknown>): string {
  if (!env.tenantId) throw new UnusableEventError(`${env.type} ${env.id} has no tenantId`)
  return env.tenantId
}

/**
 * The provider's post ids a `social.post.published` names (`provider` absent = `tiktok`): TikTok's
 * public post ids, or the Instagram media id `media_publish` returned (docs/instagram-api.md "Publishing").
 */
function publishedMediaIds(data: PostPublishedV1): { provider: string; ids: string[] } {
  const provider = data.provider ?? 'tiktok'
  if (provider === 'instagram') return { provider, ids: data.instagramMediaId ? [data.instagramMediaId] : [] }
  return { provider, ids: data.tiktokPostIds ?? [] }
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
    /**
     * `social.connection.connected`: track the account (tenant from the envelope) and sync it now.
     * Only providers with a sync adapter have metrics here (TikTok, Instagram): others (TikTok
     * Shop) are skipped. An Instagram account's `openId` is its ig-user-id.
     */
    connected: (env: Envelope<ConnectionConnectedV1>) =>
      once(env, Subjects.connectionConnected, async (tx) => {
        if (!isSyncedProvider(env.data.provider)) return
        if (env.data.provider === 'instagram')
          await domain.comments.makeConnectionDue(tx, env.data.connectionId)
        await domain.connections.trackConnected(tx, {
          id: env.data.connectionId,
          tenantId: tenantOf(env),
          provider: env.data.provider,
          openId: env.data.openId,
          scopes: env.data.scopes,
          occurredAt: new Date(env.occurredAt),
          now: domain.clock(),
        })
      }),

    /** `social.connection.reauth_required`: stop syncing, show as stale. */
    reauthRequired: (env: Envelope<ConnectionReauthRequiredV1>) =>
      once(env, Subjects.connectionReauthRequired, (tx) =>
        domain.connections.markStale(tx, {
          id: env.data.connectionId,
          tenantId: tenantOf(env),
          reason: 'reauth_required',
          occurredAt: new Date(env.occurredAt),
        }),
      ),

    /** `social.connection.disconnected`: stop syncing, show as stale (reason = revoked/disconnected). */
    disconnected: (env: Envelope<ConnectionDisconnectedV1>) =>
      once(env, Subjects.connectionDisconnected, (tx) =>
        domain.connections.markStale(tx, {
          id: env.data.connectionId,
          tenantId: tenantOf(env),
          reason: env.data.status === 'active' ? 'disconnected' : env.data.status,
          occurredAt: new Date(env.occurredAt),
        }),
      ),

    /**
     * `social.post.published`: our post ↔ publish_id ↔ the provider's post ids — TikTok's (may be
     * empty now, filled by a later webhook) or the Instagram media id (`instagramMediaId`; the
     * post's `publishId` is its container id, or the media id when absent). The media becomes due.
     */
    postPublished: (env: Envelope<PostPublishedV1>) =>
      once(env, Subjects.postPublished, async (tx) => {
        const tenantId = tenantOf(env)
        const { postId, connectionId } = env.data
        const { provider, ids } = publishedMediaIds(env.data)
        if (!isSyncedProvider(provider)) return
        const publishId = env.data.publishId || ids[0]
        if (!publishId) throw new UnusableEventError(`${env.type} ${env.id} names no publishId or media id`)
        await domain.videos.upsertPost(tx, { postId, tenantId, connectionId, provider, publishId })
        await domain.videos.linkPublishVideos(tx, provider, publishId, ids)
        const now = domain.clock()
        const facts = ids.map((videoId) => ({ videoId }))
        if ((await domain.videos.upsertVideos(tx, { connectionId, tenantId, provider }, facts, now)) > 0) {
          await domain.connections.makeDue(tx, connectionId, now)
        }
      }),

    /**
     * `tiktok.webhook.post.publish.publicly_available` (docs/tiktok-api.md §4.4; contracts payload v2, or
     * v1 read through `tiktokWebhookData`): `content.publishId` and `content.postId` (19 digits, a
     * string) for the account `userOpenId`. Tracked under every active connection of that
     * open_id; an unknown account is ignored (its import will list the video once it is connected).
     */
    publiclyAvailable: (env: TikTokWebhookEnvelope) =>
      once(env, TikTokWebhookFilters.postPubliclyAvailable, async (tx) => {
        const event = tiktokWebhookData(env)
        const { publishId, postId } = event.content
        if (publishId === undefined || postId === undefined) {
          throw new UnusableEventError('publicly_available webhook without publishId/postId')
        }
        const provider = 'tiktok'
        await domain.videos.linkPublishVideos(tx, provider, publishId, [postId])
        if (!event.userOpenId) return
        const now = domain.clock()
        for (const c of await domain.connections.findByOpenId(tx, provider, event.userOpenId)) {
          const owner = { connectionId: c.id, tenantId: c.tenantId, provider }
          if ((await domain.videos.upsertVideos(tx, owner, [{ videoId: postId }], now)) > 0) {
            await domain.connections.makeDue(tx, c.id, now)
          }
        }
      }),
  }
}

export type EventHandlers = ReturnType<typeof createEventHandlers>
