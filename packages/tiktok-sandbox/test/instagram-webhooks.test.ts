import t, { type Test } from 'tap'
import { addIgComment, IG_WEBHOOK_RETRY_DELAYS_MS, seedPublishedReel } from '../src/index.js'
import { build, waitFor } from './helper.js'
import { igReceiver } from './instagram-helper.js'

const HOUR = 3_600_000

async function subscribed(
  t: Test,
  opts: { statuses?: number[]; webhookSettings?: Record<string, unknown> } = {},
) {
  const receiver = await igReceiver(t, {
    verifyToken: 'vt',
    ...(opts.statuses ? { statuses: opts.statuses } : {}),
  })
  const sandbox = await build(t, {
    instagram: {
      webhookUrl: receiver.url,
      webhookVerifyToken: 'vt',
      ...(opts.webhookSettings ? { webhookSettings: opts.webhookSettings } : {}),
    },
  })
  const ig = sandbox.instagram
  const account = ig.addAccount()
  const handshake = await ig.webhooks.subscribe()
  t.ok(handshake.ok, 'subscribed after the handshake')
  return { sandbox, ig, account, receiver, media: seedPublishedReel(ig.store, account.igUserId) }
}

t.test(
  'subscribing makes the handshake GET; a callback that answers another verify token is not subscribed',
  async (t) => {
    const receiver = await igReceiver(t, { verifyToken: 'right' })
    const sandbox = await build(t, { instagram: { webhookUrl: receiver.url, webhookVerifyToken: 'wrong' } })
    const ig = sandbox.instagram
    const refused = await ig.webhooks.subscribe()
    t.equal(refused.ok, false)
    t.equal(refused.status, 403)
    t.equal(ig.webhooks.subscription(), undefined)
    const media = seedPublishedReel(ig.store, ig.addAccount().igUserId)
    addIgComment(ig, { mediaId: media.id })
    t.same(ig.webhooks.deliveries(), [], 'no subscription, no delivery')

    const ok = await ig.webhooks.subscribe({ verifyToken: 'right' })
    t.equal(ok.ok, true)
    t.match(ok.body, /^\d+$/, 'the callback echoed the numeric challenge')
    t.same(ig.webhooks.subscription()?.fields, ['comments'])
  },
)

t.test(
  'a comment is delivered as Meta sends it: signed over the raw body, entry per account, the comments change',
  async (t) => {
    const { ig, account, receiver, media } = await subscribed(t)
    const comment = addIgComment(ig, { mediaId: media.id, text: 'Great reel', username: 'fan_9' })
    await waitFor(() => ig.webhooks.deliveries()[0]?.state === 'delivered')
    t.equal(receiver.received.length, 1)
    t.ok(receiver.received[0]?.valid, 'X-Hub-Signature-256 verifies with the app secret')
    const body = JSON.parse(receiver.received[0]!.raw)
    t.equal(body.object, 'instagram')
    t.equal(body.entry.length, 1)
    t.equal(body.entry[0].id, account.igUserId)
    t.ok(Number.isInteger(body.entry[0].time) && body.entry[0].time < 1e11, 'time in Unix seconds')
    t.same(body.entry[0].changes, [
      {
        field: 'comments',
        value: {
          id: comment.id,
          text: 'Great reel',
          from: { id: comment.from.id, username: 'fan_9' },
          media: { id: media.id, media_product_type: 'REELS' },
        },
      },
    ])
  },
)

t.test(
  'comments made together are batched into one notification, at most maxBatch changes each',
  async (t) => {
    const { ig, receiver, media } = await subscribed(t, { webhookSettings: { maxBatch: 2 } })
    for (let i = 0; i < 5; i++) addIgComment(ig, { mediaId: media.id, text: `c${i}` })
    await waitFor(
      () =>
        ig.webhooks.deliveries().length === 3 &&
        ig.webhooks.deliveries().every((d) => d.state === 'delivered'),
    )
    t.same(
      ig.webhooks.deliveries().map((d) => d.fields.length),
      [2, 2, 1],
    )
    const texts = receiver.received.flatMap((r) =>
      JSON.parse(r.raw).entry[0].changes.map((c: { value: { text: string } }) => c.value.text),
    )
    t.same(
      texts.sort(),
      ['c0', 'c1', 'c2', 'c3', 'c4'],
      'every comment once (notifications may arrive in any order)',
    )
  },
)

t.test(
  'a failed delivery is retried at once, then with growing gaps on the virtual clock, the same body each time',
  async (t) => {
    const { sandbox, ig, receiver, media } = await subscribed(t, { statuses: [500, 503, 500] })
    addIgComment(ig, { mediaId: media.id })
    await waitFor(() => ig.webhooks.deliveries().length === 1)
    const delivery = () => ig.webhooks.deliveries()[0]!
    await waitFor(() => delivery().attempts.length === 2 && delivery().attempts[1]?.retryAt !== undefined)
    sandbox.advanceClock(60_000)
    await waitFor(() => delivery().attempts.length === 3 && delivery().attempts[2]?.retryAt !== undefined)
    const gaps = delivery().attempts.map((a) => a.retryInMs)
    t.same(gaps, IG_WEBHOOK_RETRY_DELAYS_MS.slice(0, 3), 'at once, then 1 min, then 5 min')
    sandbox.advanceClock(5 * 60_000)
    await waitFor(() => delivery().state === 'delivered')
    t.equal(new Set(receiver.received.map((r) => r.raw)).size, 1, 'every retry sends the same bytes')
    t.ok(receiver.received.every((r) => r.valid))
  },
)

t.test('a delivery failing for 36 h is dropped, as Meta drops it', async (t) => {
  const { sandbox, ig, media } = await subscribed(t, { statuses: Array(20).fill(500) })
  addIgComment(ig, { mediaId: media.id })
  await waitFor(() => ig.webhooks.deliveries().length === 1)
  const delivery = () => ig.webhooks.deliveries()[0]!
  // move the clock to each retry as it comes due
  for (;;) {
    await waitFor(() => delivery().state === 'dropped' || delivery().attempts.at(-1)?.retryAt !== undefined)
    if (delivery().state === 'dropped') break
    const due = delivery().attempts.at(-1)!.retryAt!
    const attempts = delivery().attempts.length
    sandbox.advanceClock(Math.max(0, due - sandbox.now()))
    await waitFor(() => delivery().attempts.length > attempts)
  }
  t.equal(
    delivery().attempts.length,
    IG_WEBHOOK_RETRY_DELAYS_MS.length + 1,
    'the first attempt and each retry',
  )
  const span = delivery().attempts.at(-1)!.virtualAt - delivery().attempts[0]!.virtualAt
  t.ok(span <= 36 * HOUR, 'every attempt within 36 h of the first')
  t.ok(span >= 35 * HOUR, 'retries spread over the 36 h')
})

t.test(
  'faults: a bad signature on one attempt (the retry is signed right), and a duplicate delivery',
  async (t) => {
    const { ig, receiver, media } = await subscribed(t)
    ig.webhooks.injectFault('bad_signature')
    addIgComment(ig, { mediaId: media.id })
    await waitFor(() => ig.webhooks.deliveries()[0]?.state === 'delivered')
    t.same(
      receiver.received.map((r) => [r.valid, r.status]),
      [
        [false, 401],
        [true, 200],
      ],
      'the receiver refused the forged attempt; the retry at once went through',
    )

    ig.webhooks.injectFault('duplicate')
    addIgComment(ig, { mediaId: media.id })
    await waitFor(
      () =>
        ig.webhooks.deliveries().length === 3 &&
        ig.webhooks.deliveries().every((d) => d.state === 'delivered'),
    )
    const [, original, copy] = ig.webhooks.deliveries()
    t.equal(copy?.duplicateOf, original?.id)
    t.equal(copy?.body, original?.body, 'the same notification twice')
  },
)
