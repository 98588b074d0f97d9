import { call, DEV_TIKTOK, pollUntil } from '@social-bridge/stack'
import { openSse, startReceiver } from '@social-bridge/webhook-dispatch/testing'
import t from 'tap'
import { startJourney } from './journey-context.js'

// The CRM's events through the whole stack: a full publish through the gateway reaches a real
// receiver as signed webhooks (verified with the `standardwebhooks` library), each event once
// per webhook-id, and the same post events reach a live `GET /v1/events` stream.

const j = await startJourney(t)
const { stack, admin } = j

t.test(
  'a full publish yields each expected event once per webhook-id, signed, and on the live stream',
  async (t) => {
    const receiver = await startReceiver(t)
    const created = await call('POST', `${stack.gateway}/webhook-endpoints`, {
      token: admin,
      json: { url: receiver.url, events: ['*'], description: 'e2e' },
    })
    t.equal(created.status, 201)
    receiver.secrets = [created.body.secret]
    const live = await openSse(`${stack.gateway}/events?types=post.*`, { authorization: `Bearer ${admin}` })
    t.equal(live.status, 200)

    const post = await j.createPost({
      mode: 'direct',
      source: { url: `${DEV_TIKTOK.verifiedPrefix}clip-15s-vertical.mp4` },
    })
    t.equal(post.status, 202)
    const done = await j.followPost(
      post.body.id,
      (p) => p.status === 'published' && p.tiktokPostIds.length > 0,
    )
    t.equal(done.status, 'published')
    j.rememberPublished(done)

    const mine = () =>
      receiver.received.filter((r) => (r.body.data as { postId?: string }).postId === done.id)
    const hasPublished = () =>
      mine().some(
        (r) => r.type === 'post.status_changed' && (r.body.data as { status: string }).status === 'published',
      )
    await pollUntil(
      async () => hasPublished() && receiver.received.some((r) => r.type === 'quota.changed'),
      Boolean,
    )
    t.ok(
      receiver.received.every((r) => r.verifiedBy.length === 1),
      'every delivery verifies with the secret',
    )
    const ids = receiver.received.map((r) => r.id)
    t.equal(new Set(ids).size, ids.length, 'each webhook-id once')
    const types = new Set(mine().map((r) => r.type))
    t.ok(types.has('post.status_changed') && types.has('post.published'), [...types].join(', '))
    t.ok(
      receiver.received.some(
        (r) =>
          r.type === 'quota.changed' &&
          (r.body.data as { connectionId: string }).connectionId === j.connectionId,
      ),
      'quota.changed for the connection',
    )
    const statuses = mine()
      .filter((r) => r.type === 'post.status_changed')
      .map((r) => (r.body.data as { status: string }).status)
    t.equal(statuses.at(-1), 'published')
    t.notMatch(JSON.stringify(receiver.received.map((r) => r.body)), /access_token|refresh_token|whsec_/)

    await pollUntil(
      async () => live.events.filter((e) => e.data.id && mine().some((r) => r.id === e.data.id)).length,
      (n) => n === mine().length,
    )
    t.same(
      live.events
        .filter((e) => mine().some((r) => r.id === e.data.id))
        .map((e) => e.data.id)
        .sort(),
      mine()
        .map((r) => r.id)
        .sort(),
      'the live stream carried the same post events',
    )
    live.close()
  },
)
