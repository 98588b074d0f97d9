import Fastify from 'fastify'
import t from 'tap'
import { tiktokClientPlugin } from '../src/fastify.js'
import { createPkcePair, TikTokConnectionError } from '../src/index.js'
import { CLIENT_KEY, CLIENT_SECRET, login, REDIRECT_URI, startHarness } from './helpers/sandbox.js'

t.test('the plugin decorates app.tiktok with a client configured from its options', async (t) => {
  const h = await startHarness(t)
  const { tokens } = await login(h, ['user.info.basic'])
  const app = Fastify()
  await app.register(tiktokClientPlugin, {
    clientKey: CLIENT_KEY,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    authBaseUrl: h.sandbox.url,
    apiBaseUrl: h.sandbox.url,
  })
  t.teardown(() => app.close())
  await app.ready()

  t.ok(app.hasPlugin('sb-tiktok'), 'other plugins can depend on sb-tiktok')
  const user = await app.tiktok.display.getUserInfo(tokens.accessToken, ['open_id', 'display_name'])
  t.equal(user.openId, tokens.openId, 'it reaches the configured API host')
  const authorize = app.tiktok.oauth.buildAuthorizeUrl({
    scopes: ['user.info.basic'],
    state: 's',
    codeChallenge: createPkcePair().codeChallenge,
  })
  t.equal(new URL(authorize).origin, new URL(h.sandbox.url).origin, 'and the configured authorization host')
  t.equal(new URL(authorize).searchParams.get('redirect_uri'), REDIRECT_URI)
})

t.test("closing the app closes the client's connections", async (t) => {
  const h = await startHarness(t)
  const { tokens } = await login(h, ['user.info.basic'])
  const app = Fastify()
  await app.register(tiktokClientPlugin, {
    clientKey: CLIENT_KEY,
    clientSecret: CLIENT_SECRET,
    apiBaseUrl: h.sandbox.url,
  })
  await app.ready()
  const { tiktok } = app

  await app.close()

  await t.rejects(tiktok.display.getUserInfo(tokens.accessToken, ['open_id']), TikTokConnectionError)
})
