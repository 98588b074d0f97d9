import t from 'tap'
import { catchUpConnections } from '../../src/workers/catch-up.js'
import { buildTracked } from '../accounts.js'

t.test(
  "the start-up catch-up tracks auth-service's active connections that no event announced",
  async (t) => {
    const { ctx, user, connectionId } = await buildTracked(t, { tenantId: 'tenant-c' })
    // as if this service had been down when the account was connected
    await ctx.app.pg`delete from analytics.connections where id = ${connectionId}`

    const tracked = await catchUpConnections({
      authClient: ctx.app.authClient,
      domain: ctx.app.analytics,
      signal: new AbortController().signal,
    })

    t.equal(tracked, 1)
    const [row] = await ctx.app.pg<{ tenantId: string; openId: string; status: string }[]>`
    select tenant_id as "tenantId", open_id as "openId", status from analytics.connections where id = ${connectionId}`
    t.same(row, { tenantId: 'tenant-c', openId: user.openId, status: 'active' })
    t.equal(
      await catchUpConnections({
        authClient: ctx.app.authClient,
        domain: ctx.app.analytics,
        signal: new AbortController().signal,
      }),
      0,
      'a second catch-up changes nothing',
    )
  },
)
