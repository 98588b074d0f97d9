import t from 'tap'
import { asService, build, connectAccount, startSandbox } from '../../helper.js'

const user = { tenantId: 'tenant-a', userId: 'user-1' }

t.test('publish-service gets a valid access token for a connected account', async (t) => {
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
  const handed = res.json()
  t.match(handed, { connectionId, tenantId: 'tenant-a', provider: 'tiktok', openId: tiktokUser.openId })
  t.match(handed.accessToken, /^act\./)
  const info = await app.tiktok.display.getUserInfo(handed.accessToken, ['open_id'])
  t.equal(info.openId, tiktokUser.openId, 'the token works at TikTok')
})
