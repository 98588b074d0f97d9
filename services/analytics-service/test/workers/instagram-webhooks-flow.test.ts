import { createFastifyOptions, loadConfig } from '@social-bridge/service-kit'
import { TEST_NATS_URL } from '@social-bridge/service-kit/testing'
import { addIgComment } from '@social-bridge/tiktok-sandbox'
import ingestApp, { Config as IngestConfig, SERVICE_NAME } from '@social-bridge/webhook-ingest'
import Fastify from 'fastify'
import t from 'tap'
import { connectInstagram, publishInstagramPost, seedReel } from '../comments-helper.js'
import { asUser, build, newTenant, waitUntil } from '../helper.js'

// The whole path of a comment: the emulator's signed webhook → webhook-ingest (verify, store in
// JetStream) → analytics-service's consumer → GET /posts/:id/comments.

t.test(
  'comments sent by the emulator as Meta sends them reach the post’s comment list once each',
  async (t) => {
    const ctx = await build(t)
    const ingest = Fastify(createFastifyOptions({ service: SERVICE_NAME, logLevel: 'silent' }))
    await ingest.register(ingestApp, {
      config: loadConfig(IngestConfig, {
        PORT: '0',
        LOG_LEVEL: 'silent',
        NATS_URL: TEST_NATS_URL,
        NATS_NAMESPACE: ctx.namespace,
        TIKTOK_CLIENT_KEY: 'sbx_client_key',
        TIKTOK_CLIENT_SECRET: 'sbx_client_secret',
        INSTAGRAM_APP_SECRET: 'sbx_ig_app_secret',
        INSTAGRAM_WEBHOOK_VERIFY_TOKEN: 'flow-verify-token',
      }),
    })
    t.teardown(() => ingest.close())
    const address = await ingest.listen({ host: '127.0.0.1', port: 0 })

    const ig = ctx.sandbox.instagram
    t.ok(
      (
        await ig.webhooks.subscribe({
          callbackUrl: `${address}/webhooks/instagram`,
          verifyToken: 'flow-verify-token',
        })
      ).ok,
      'handshake passed',
    )
    const tenant = newTenant()
    const account = ig.addAccount()
    const connectionId = await connectInstagram(ctx, account.igUserId, tenant)
    const media = seedReel(ctx, account.igUserId)
    const postId = await publishInstagramPost(ctx, { tenantId: tenant, connectionId, mediaId: media.id })

    // the three comments leave in one batched notification: its first attempt carries a bad
    // signature (refused, retried at once), and Meta delivers it twice
    ig.webhooks.injectFault('duplicate')
    ig.webhooks.injectFault('bad_signature')
    const first = addIgComment(ig, { mediaId: media.id, text: 'so good', username: 'fan_a' })
    const second = addIgComment(ig, { mediaId: media.id, text: 'where is this?', username: 'fan_b' })
    const third = addIgComment(ig, {
      mediaId: media.id,
      parentId: first.id,
      text: 'a reply',
      username: 'fan_c',
    })
    t.ok(
      await waitUntil(
        () =>
          ig.webhooks.deliveries().length === 2 &&
          ig.webhooks.deliveries().every((d) => d.state === 'delivered'),
      ),
      'every notification answered 200 in the end',
    )
    t.ok(
      ig.webhooks.deliveries().some((d) => d.attempts[0]?.status === 401),
      'the forged attempt was refused with 401',
    )
    t.same(
      ig.webhooks.deliveries()[0]?.fields,
      ['comments', 'comments', 'comments'],
      'one batched notification',
    )

    const headers = await asUser(tenant)
    // biome-ignore lint/suspicious/noExplicitAny: the listing's JSON
    let items: any[] = []
    t.ok(
      await waitUntil(async () => {
        items = (await ctx.app.inject({ url: `/posts/${postId}/comments`, headers })).json().items ?? []
        return items.length === 3
      }),
      'the three comments are listed',
    )
    t.same(
      items.map((c) => c.id).sort(),
      [first.id, second.id, third.id].sort(),
      'each once, the duplicate delivery deduped',
    )
    t.same(
      items.find((c) => c.id === third.id),
      {
        id: third.id,
        mediaId: media.id,
        text: 'a reply',
        username: 'fan_c',
        likeCount: null,
        parentId: first.id,
        createdAt: items.find((c) => c.id === third.id)?.createdAt,
      },
    )
    const other = await ctx.app.inject({
      url: `/posts/${postId}/comments`,
      headers: await asUser(newTenant()),
    })
    t.equal(other.statusCode, 404, 'another tenant sees nothing')
  },
)
