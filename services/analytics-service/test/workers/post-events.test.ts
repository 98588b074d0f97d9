import { randomUUID } from 'node:crypto'
import { Subjects, TikTokWebhookFilters } from '@social-bridge/contracts'
import t from 'tap'
import { buildTracked, waitSynced } from '../accounts.js'
import { asUser, waitUntil } from '../helper.js'
import { directPost, postPublishedEnvelope, publiclyAvailableEnvelope } from '../publish-helper.js'

t.test(
  'a post published through publish-service shows up in analytics after its events, without a manual step',
  async (t) => {
    const { ctx, connectionId } = await buildTracked(t, {
      overrides: { SCHEDULER_ENABLED: true, SCHEDULER_TICK_MS: 50 },
      sandboxSettings: { processingDelayMs: 10, publiclyAvailableDelayMs: 10 },
    })
    // The connect's own import has finished, so only the events can bring the new video in
    // (an import still running would list it and measure it once more).
    t.ok(await waitSynced(ctx, connectionId), 'the import after connect is done')
    const publishId = await directPost(ctx, connectionId)
    const postId = randomUUID()
    const bus = ctx.app.nats.bus
    // publish-service at PUBLISH_COMPLETE: no post id yet
    await bus.publish(
      Subjects.postPublished,
      postPublishedEnvelope('tenant-a', { postId, connectionId, publishId, tiktokPostIds: [] }),
    )
    // webhook-ingest: TikTok's publicly_available webhook carries the post id
    const webhook = await publiclyAvailableEnvelope(ctx.sandbox, publishId)
    await bus.publish(TikTokWebhookFilters.postPubliclyAvailable, webhook)
    const tiktokPostId = String(webhook.data.content.postId)
    t.match(tiktokPostId, /^[0-9]{19}$/, 'the 19-digit post id survived as a string')

    const headers = await asUser('tenant-a')
    let body: { latest: { views: number } | null; history: unknown[]; stale: boolean } | undefined
    t.ok(
      await waitUntil(async () => {
        const res = await ctx.app.inject({ url: `/analytics/posts/${postId}`, headers })
        body = res.statusCode === 200 ? res.json() : undefined
        return Boolean(body?.latest)
      }, 15_000),
      'the scheduler measured the new video on its own',
    )
    t.equal(body?.history.length, 1, 'measured once: after the events, by the scheduler')
    t.equal(body?.stale, false)
    const queried = ctx.sandbox.requestLog().filter((e) => e.endpoint === 'video.query' && e.status === 200)
    t.ok(queried.length >= 1, 'measured with video query')
  },
)
