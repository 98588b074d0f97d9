import { statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sampleClip } from '@social-bridge/service-kit/testing'
import t, { type Test } from 'tap'
import { parseWebhookEvent, verifyWebhookSignature, type WebhookEvent } from '../../src/index.js'
import { APP, login, startHarness, waitForPublish } from '../helpers/sandbox.js'

const CLIP_15 = await sampleClip('clip-15s-vertical.mp4')

/** A receiver that verifies every delivery with the client and records the parsed events. */
async function receiver(t: Test) {
  const events: WebhookEvent[] = []
  const refused: string[] = []
  const server = createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (c: Buffer) => parts.push(c))
    req.on('end', () => {
      const rawBody = Buffer.concat(parts)
      const v = verifyWebhookSignature({
        header: req.headers['tiktok-signature'],
        rawBody,
        secrets: ['old-secret', APP.clientSecret],
      })
      if (!v.ok) {
        refused.push(v.reason)
        res.writeHead(401).end()
        return
      }
      events.push(parseWebhookEvent(rawBody))
      res.writeHead(200).end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  t.teardown(() => {
    server.closeAllConnections()
    server.close()
  })
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/tiktok`,
    events,
    refused,
  }
}

async function until(cond: () => boolean, ms = 10_000) {
  const end = Date.now() + ms
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 25))
}

for (const postIdAs of ['number', 'string'] as const) {
  t.test(
    `sandbox webhooks verify and parse; post_id sent as a ${postIdAs} stays an exact string`,
    async (t) => {
      const r = await receiver(t)
      const h = await startHarness(t, { webhookUrl: r.url, settings: { webhookPostIdAs: postIdAs } })
      const { tokens, user } = await login(h, ['video.publish'], h.sandbox.addUser({ private: false }))
      const init = await h.client.posting.initDirectPost(tokens.accessToken, {
        postInfo: { privacyLevel: 'PUBLIC_TO_EVERYONE' },
        source: { source: 'FILE_UPLOAD', videoSize: statSync(CLIP_15).size },
      })
      await h.client.transfer.uploadVideo({
        uploadUrl: init.uploadUrl!,
        chunkPlan: init.chunkPlan!,
        source: CLIP_15,
      })
      await waitForPublish(h.sandbox, init.publishId, (p) => p.postIds.length > 0 || p.status === 'FAILED')
      await until(() => r.events.some((e) => e.event === 'post.publish.publicly_available'))
      t.same(r.refused, [])
      const complete = r.events.find((e) => e.event === 'post.publish.complete')
      t.equal(complete?.content.publishId, init.publishId)
      t.equal(complete?.content.publishType, 'DIRECT_POST')
      t.equal(complete?.userOpenId, user.openId)
      const available = r.events.find((e) => e.event === 'post.publish.publicly_available')
      const status = await h.client.posting.fetchStatus(tokens.accessToken, init.publishId)
      t.match(available?.content.postId, /^\d{19}$/)
      t.equal(available?.content.postId, status.publicalyAvailablePostId[0])
      if (postIdAs === 'number') t.match(h.sandbox.webhookDeliveries().at(-1)?.body, /post_id\\":\d{19}[,}]/)
    },
  )
}

t.test('revoking from the app produces a verified authorization.removed with reason 5', async (t) => {
  const r = await receiver(t)
  const h = await startHarness(t, { webhookUrl: r.url })
  const { tokens, user } = await login(h, ['user.info.basic'])
  await h.client.oauth.revokeAccessToken(tokens.accessToken)
  await until(() => r.events.length > 0)
  t.equal(r.events[0]?.event, 'authorization.removed')
  t.equal(r.events[0]?.content.reason, 5)
  t.equal(r.events[0]?.userOpenId, user.openId)
})
