import t from 'tap'
import { buildConnected, requestAccessToken } from '../../setup.js'

const user = { tenantId: 'tenant-a', userId: 'user-1' }

t.test('publish-service gets a valid access token for a connected account', async (t) => {
  const {
    app,
    creator: tiktokUser,
    connectionId,
  } = await buildConnected(t, {
    user,
    creator: { displayName: 'Creator' },
  })

  const res = await requestAccessToken(app, connectionId)
  t.equal(res.statusCode, 200)
  const handed = res.json()
  t.match(handed, { connectionId, tenantId: 'tenant-a', provider: 'tiktok', openId: tiktokUser.openId })
  t.match(handed.accessToken, /^act\./)
  const info = await app.tiktok.display.getUserInfo(handed.accessToken, ['open_id'])
  t.equal(info.openId, tiktokUser.openId, 'the token works at TikTok')
})
