import { type TikTokWebhookAnyVersion, tiktokWebhookData } from '@social-bridge/contracts'
import { createEnvelope } from '@social-bridge/service-kit'
import t from 'tap'
import { checkPullUrl } from '../../src/domain/creator-rules.js'
import { failMessage, TIKTOK_FAIL_REASONS } from '../../src/domain/fail-reasons.js'
import { canMove } from '../../src/domain/post-state.js'
import { observationFromWebhook } from '../../src/workers/webhook-consumer.js'

t.test(
  'every fail_reason of docs/tiktok-api.md §3.8 has its own sentence, not the generic one',
  async (t) => {
    const sentences = TIKTOK_FAIL_REASONS.map((r) => failMessage(r))
    for (const [i, reason] of TIKTOK_FAIL_REASONS.entries()) {
      t.notMatch(sentences[i], /could not publish the video \(/, reason)
      t.match(sentences[i], /^[A-Z].*\.$/, `${reason} is a sentence`)
    }
    t.equal(new Set(sentences).size, sentences.length, 'all different')
    t.match(failMessage('something_new'), /something_new/, 'an unknown reason still says which')
  },
)

t.test('statuses only move forward; published and failed are final', async (t) => {
  t.ok(canMove('queued', 'uploading'))
  t.ok(canMove('processing', 'published'), 'a webhook may skip steps')
  t.ok(canMove('sent_to_inbox', 'published'))
  t.notOk(canMove('published', 'processing'))
  t.notOk(canMove('published', 'failed'))
  t.notOk(canMove('failed', 'published'))
  t.notOk(canMove('processing', 'uploading'))
  t.ok(canMove('uploading', 'failed'))
})

t.test('PULL_FROM_URL accepts only https under a verified prefix with a named host', async (t) => {
  const prefixes = ['https://media.example.com/videos/']
  t.equal(checkPullUrl('https://media.example.com/videos/a.mp4', prefixes), null)
  t.equal(checkPullUrl('https://media.example.com/other/a.mp4', prefixes)?.code, 'URL_NOT_VERIFIED')
  t.equal(checkPullUrl('http://media.example.com/videos/a.mp4', prefixes)?.code, 'URL_NOT_VERIFIED')
  t.equal(checkPullUrl('https://[::1]/videos/a.mp4', ['https://[::1]/'])?.code, 'URL_NOT_VERIFIED')
  t.equal(checkPullUrl('https://10.0.0.1/videos/a.mp4', ['https://10.0.0.1/'])?.code, 'URL_NOT_VERIFIED')
})

t.test('webhook post ids arrive as strings intact, or as small numbers in a v1 event', async (t) => {
  const base = { clientKey: 'k', createTime: 1, receivedAt: new Date().toISOString() }
  const big = observationFromWebhook({
    ...base,
    event: 'post.publish.publicly_available',
    content: { publishId: 'p', postId: '7160214075629686153', raw: {} },
  })
  t.same(big, { status: 'PUBLISH_COMPLETE', postIds: ['7160214075629686153'] })
  const v1 = createEnvelope({
    type: 'tiktok.webhook.post.publish.publicly_available',
    tenantId: null,
    version: 1,
    data: {
      ...base,
      event: 'post.publish.publicly_available',
      content: { publish_id: 'p', post_id: 12345 },
    } as TikTokWebhookAnyVersion,
  })
  t.same(observationFromWebhook(tiktokWebhookData(v1))?.postIds, ['12345'], 'a v1 event still in the stream')
  const failed = observationFromWebhook({
    ...base,
    event: 'post.publish.failed',
    content: { publishId: 'p', reason: 'spam_risk_text', raw: {} },
  })
  t.same(failed, { status: 'FAILED', failReason: 'spam_risk_text' })
  t.equal(
    observationFromWebhook({
      ...base,
      event: 'post.publish.no_longer_publicaly_available',
      content: { raw: {} },
    }),
    null,
  )
})
