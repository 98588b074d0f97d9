import { randomUUID } from 'node:crypto'
import t from 'tap'
import { buildTracked } from '../../accounts.js'
import { asUser, type TestContext } from '../../helper.js'

/** `POST /analytics/connections/:id/sync` as a social_marketing user of `tenantId`. */
const requestSync = async (ctx: TestContext, connectionId: string, tenantId = 'tenant-a') =>
  ctx.app.inject({
    method: 'POST',
    url: `/analytics/connections/${connectionId}/sync`,
    headers: await asUser(tenantId),
  })

t.test(
  'an on-demand sync is accepted once per 5 minutes per account, then answers 429 with Retry-After',
  async (t) => {
    const { ctx, connectionId } = await buildTracked(t)
    const first = await requestSync(ctx, connectionId)
    t.equal(first.statusCode, 202)
    t.match(first.json(), { connectionId, queuedAt: String })
    const second = await requestSync(ctx, connectionId)
    t.equal(second.statusCode, 429)
    t.equal(second.json().error.code, 'SYNC_TOO_FREQUENT')
    const retryAfter = second.json().error.details.retryAfterSec
    t.ok(retryAfter > 0 && retryAfter <= 300, `retryAfterSec ${retryAfter}`)
    t.equal(second.headers['retry-after'], String(retryAfter))

    ctx.sandbox.advanceClock(301_000) // the app clock follows the sandbox's
    t.equal((await requestSync(ctx, connectionId)).statusCode, 202, 'accepted again after 5 minutes')
  },
)

t.test('an on-demand sync queries every tracked video, due or not', async (t) => {
  const { ctx, connectionId } = await buildTracked(t, { videos: 30 })
  await ctx.app.scheduler.drain()
  ctx.sandbox.clearRequestLog()
  t.same(await ctx.app.scheduler.drain(), [], 'nothing is due right after a sync')

  const res = await requestSync(ctx, connectionId)
  t.equal(res.statusCode, 202)
  t.match(await ctx.app.scheduler.drain(), [{ kind: 'synced', videos: 30, apiCalls: 3 }])
  t.equal(ctx.sandbox.requestLog().filter((e) => e.endpoint === 'video.query').length, 2)
})

t.test("another tenant's account answers 404 and a stale one 409", async (t) => {
  const { ctx, connectionId } = await buildTracked(t)
  const other = await requestSync(ctx, connectionId, 'tenant-b')
  t.equal(other.statusCode, 404)
  t.equal(other.json().error.code, 'NOT_FOUND')
  const unknown = await requestSync(ctx, randomUUID())
  t.equal(unknown.statusCode, 404)

  await ctx.app.analytics.connections.markStale(ctx.app.pg, {
    id: connectionId,
    tenantId: 'tenant-a',
    reason: 'revoked',
  })
  const stale = await requestSync(ctx, connectionId)
  t.equal(stale.statusCode, 409)
  t.equal(stale.json().error.code, 'CONNECTION_NOT_ACTIVE')
})
