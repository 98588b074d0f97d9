import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { tiktokClientPlugin } from '../src/fastify.js'
import { createPkcePair, TikTokConnectionError } from '../src/index.js'
import { APP, login, startHarness } from './helpers/sandbox.js'

/** A sandbox with a logged-in user, and a ready Fastify app with the plugin pointed at the sandbox. */
async function setup(t: Test) {
  const h = await startHarness(t)
  const { tokens } = await login(h, ['user.info.basic'])
  const app = Fastify()
  await app.register(tiktokClientPlugin, {
    ...APP,
    authBaseUrl: h.sandbox.url,
    apiBaseUrl: h.sandbox.url,
  })
  await app.ready()
  return { app, tokens, sandboxUrl: h.sandbox.url }
}

t.test('the plugin decorates app.tiktok with a client configured from its options', async (t) => {
  const { app, tokens, sandboxUrl } = await setup(t)
  t.teardown(() => app.close())

  t.ok(app.hasPlugin('sb-tiktok'), 'other plugins can depend on sb-tiktok')
  const user = await app.tiktok.display.getUserInfo(tokens.accessToken, ['open_id', 'display_name'])
  t.equal(user.openId, tokens.openId, 'it reaches the configured API host')
  const authorize = new URL(
    app.tiktok.oauth.buildAuthorizeUrl({
      scopes: ['user.info.basic'],
      state: 's',
      codeChallenge: createPkcePair().codeChallenge,
    }),
  )
  t.equal(authorize.origin, new URL(sandboxUrl).origin, 'and the configured authorization host')
  t.equal(authorize.searchParams.get('redirect_uri'), APP.redirectUri)
})

t.test("closing the app closes the client's connections", async (t) => {
  const { app, tokens } = await setup(t)
  const { tiktok } = app

  await app.close()

  await t.rejects(tiktok.display.getUserInfo(tokens.accessToken, ['open_id']), TikTokConnectionError)
})
