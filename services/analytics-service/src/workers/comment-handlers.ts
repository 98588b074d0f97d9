import {
  type Envelope,
  InstagramWebhookFilters,
  type InstagramWebhookV1,
  type PostPublishedV1,
  Subjects,
} from '@social-bridge/contracts'
import type { Sql } from 'postgres'
import { commentMetrics } from '../metrics.js'
import type { AnalyticsDomain } from '../plugins/app/domain.js'
import type { Queryable } from '../repositories/db-types.js'
import { claimEvent } from '../repositories/processed-events.js'

/**
 * Handlers of the comment events (docs/instagram-api.md "Comments"). Each claims the envelope id
 * (prefixed `comments:`, so the claim is its own beside other consumers of the same subject) in
 * the transaction that applies it, then upserts on natural keys (connection, IG Comment id), so a
 * replay or a second copy of a comment changes nothing.
 */
export function createCommentHandlers(deps: { sql: Sql; domain: AnalyticsDomain }) {
  const { sql, domain } = deps
  const once = (env: Envelope<unknown>, subject: string, apply: (tx: Queryable) => Promise<void>) =>
    sql.begin(async (tx) => {
      if (await claimEvent(tx, `comments:${env.id}`, subject)) await apply(tx)
    })

  return {
    /**
     * `instagram.webhook.comments` (contracts `InstagramWebhookV1`): the comment is stored under
     * every active connection of the account `igUserId` (its tenant from the connection). Its time
     * is the notification's until a sync reads the real one. A comment of an account no tenant
     * connected, or a change without a comment, is dropped (counted).
     */
    instagramComment: (env: Envelope<InstagramWebhookV1>) =>
      once(env, InstagramWebhookFilters.comments, async (tx) => {
        const comment = env.data.comment
        if (!comment) {
          commentMetrics.webhookComments.inc({ outcome: 'no_comment' })
          return
        }
        const owners = await domain.connections.findByOpenId(tx, 'instagram', env.data.igUserId)
        if (owners.length === 0) {
          commentMetrics.webhookComments.inc({ outcome: 'account_not_connected' })
          return
        }
        for (const c of owners) {
          await domain.comments.upsertComments(
            tx,
            { connectionId: c.id, tenantId: c.tenantId, provider: 'instagram' },
            [
              {
                commentId: comment.id,
                mediaId: comment.mediaId,
                parentId: comment.parentId,
                text: comment.text,
                username: comment.username,
                commentedAt: new Date(env.data.time * 1000),
                timeExact: false,
                source: 'webhook',
              },
            ],
          )
        }
        commentMetrics.webhookComments.inc({ outcome: 'stored' })
      }),

    /**
     * `social.post.published` with `provider: 'instagram'` and `instagramMediaId`: our post ↔ the
     * IG media, whose comment sync is then due (comments made before the post was known).
     * Other providers' events are skipped here.
     */
    postPublished: async (env: Envelope<PostPublishedV1>) => {
      const data = env.data
      // other providers' events are not this consumer's: nothing to claim or apply
      if (data.provider !== 'instagram' || !data.instagramMediaId) return
      const mediaId = data.instagramMediaId
      await once(env, Subjects.postPublished, async (tx) => {
        if (!env.tenantId) throw new Error(`${env.type} ${env.id} has no tenantId`)
        await domain.comments.linkMedia(
          tx,
          { connectionId: data.connectionId, tenantId: env.tenantId, provider: 'instagram' },
          { mediaId, postId: data.postId },
        )
      })
    },
  }
}
