import { randomUUID } from 'node:crypto'
import t from 'tap'
import { buildTracked } from '../../accounts.js'
import { asUser } from '../../helper.js'

/**
 * Input PostgreSQL cannot take must be refused before it reaches a query (issue 21 items 3, 4):
 * a `urn:uuid:` id passes the JSON-schema `uuid` format but not a `uuid` column, and a date-time
 * that is valid RFC 3339 may still be unparseable (leap second) or outside PostgreSQL's range
 * (year 0). Each answers 400 in the shared shape, never 500.
 */
t.test('every id route and every date-time query answer 400 for input PostgreSQL cannot store', async (t) => {
  const { ctx, connectionId } = await buildTracked(t)
  const postId = randomUUID()
  await ctx.app.pg`
    insert into analytics.posts (post_id, tenant_id, connection_id, publish_id)
    values (${postId}, 'tenant-a', ${connectionId}, 'v_pub_file~v2-1.edge')`
  const headers = await asUser('tenant-a')

  const idRoutes = [
    { method: 'GET' as const, url: (id: string) => `/analytics/posts/${id}` },
    { method: 'GET' as const, url: (id: string) => `/analytics/connections/${id}` },
    { method: 'POST' as const, url: (id: string) => `/analytics/connections/${id}/sync` },
  ]
  const ids = [postId, connectionId]
  for (const route of idRoutes) {
    for (const id of ids) {
      for (const odd of [`urn:uuid:${id}`, `URN:UUID:${id}`, `{${id}}`, id.replaceAll('-', '')]) {
        const res = await ctx.app.inject({ method: route.method, url: route.url(odd), headers })
        t.equal(res.statusCode, 400, `${route.method} ${route.url(odd)}`)
        t.match(res.json(), { error: { code: 'VALIDATION_FAILED', message: String }, requestId: String })
      }
    }
  }

  const rangeRoutes = [
    `/analytics/posts/${postId}`,
    `/analytics/connections/${connectionId}`,
    '/analytics/summary',
  ]
  const badDates = [
    '0000-01-01T00:00:00Z', // year 0: RFC 3339 allows it, PostgreSQL does not
    '2016-12-31T23:59:60Z', // a real leap second: JS Date cannot parse it
    '0001-01-01T00:00:00+01:00', // year 0 once in UTC
    '9999-12-31T23:30:00-01:00', // year 10000 once in UTC
  ]
  for (const url of rangeRoutes) {
    for (const param of ['from', 'to']) {
      for (const date of badDates) {
        const res = await ctx.app.inject({ url: `${url}?${param}=${encodeURIComponent(date)}`, headers })
        t.equal(res.statusCode, 400, `${url}?${param}=${date}`)
        t.match(res.json(), { error: { code: 'VALIDATION_FAILED', message: String }, requestId: String })
      }
    }
    const edges = await ctx.app.inject({
      url: `${url}?from=0001-01-01T00:00:00Z&to=${encodeURIComponent('9999-12-31T23:59:59.999Z')}`,
      headers,
    })
    t.equal(edges.statusCode, 200, `${url}: the first and last storable instants are accepted`)
    t.same(edges.json().range, { from: '0001-01-01T00:00:00.000Z', to: '9999-12-31T23:59:59.999Z' })
    const early = await ctx.app.inject({ url: `${url}?to=0001-01-02T00:00:00Z`, headers })
    t.equal(early.statusCode, 200, `${url}: the default 30 days before an early 'to' stop at year 1`)
    t.same(early.json().range, { from: '0001-01-01T00:00:00.000Z', to: '0001-01-02T00:00:00.000Z' })
  }
})
