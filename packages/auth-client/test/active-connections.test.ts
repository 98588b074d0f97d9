import t from 'tap'
import { startAuth } from './helper.js'

t.test('the active connections are read page after page, without inactive ones or tokens', async (t) => {
  const stack = await startAuth(t)
  const a = await stack.connect('tenant-a')
  const b = await stack.connect('tenant-b')
  const c = await stack.connect('tenant-a')
  const gone = await stack.connect('tenant-b')
  t.equal(await stack.disconnect('tenant-b', gone.connectionId), 200)

  const listed = await stack.client({ service: 'analytics-service', pageSize: 2 }).listActiveConnections()

  t.same(
    listed.map((x) => x.id).sort(),
    [a.connectionId, b.connectionId, c.connectionId].sort(),
    'two pages of two and one, the disconnected one left out',
  )
  t.match(
    listed.find((x) => x.id === b.connectionId),
    { tenantId: 'tenant-b', openId: b.openId, status: 'active' },
  )
  t.notOk(JSON.stringify(listed).includes('accessToken'), 'no token in the list')
})

t.test('a list auth-service refuses is SERVICE_UNAVAILABLE with its status', async (t) => {
  const stack = await startAuth(t)
  const err = await stack
    .client({ service: 'webhook-ingest' })
    .listActiveConnections()
    .catch((e: unknown) => e)
  t.match(err, { name: 'AuthClientError', code: 'SERVICE_UNAVAILABLE', httpStatus: 403, retryable: true })
})
