import t from 'tap'
import { asService, build, connectAccount, startSandbox } from '../../helper.js'

const user = { tenantId: 'tenant-a', userId: 'user-1' }

t.test('a connected account can be leased by publish-service with a valid access token', async (t) => {
  const sandbox = await startSandbox(t)
  const { app } = await build(t, { sandbox })
  const tiktokUser = sandbox.addUser({ displayName: 'Creator' })
  const { connectionId } = await connectAccount(app, user, tiktokUser.openId)

  const res = await app.inject({
    method: 'POST',
    url: `/internal/connections/${connectionId}/lease`,
    headers: await asService('publish-service'),
    payload: {},
  })
  t.equal(res.statusCode, 200)
  const lease = res.json()
  t.match(lease, { connectionId, tenantId: 'tenant-a', provider: 'tiktok', openId: tiktokUser.openId })
  t.match(lease.accessToken, /^act\./)
  const info = await app.tiktok.display.getUserInfo(lease.accessToken, ['open_id'])
  t.equal(info.openId, tiktokUser.openId, 'the leased token works at TikTok')
})
