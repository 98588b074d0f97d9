import Fastify from 'fastify'
import t from 'tap'
import type { Sandbox } from '../src/index.js'
import { api, authorizeUrl, build, connectUser, exchangeCode, postForm, waitFor } from './helper.js'

const secret = 'sbx_client_secret'

const revoke = (sandbox: Sandbox, token: string) =>
  postForm(`${sandbox.url}/v2/oauth/revoke/`, { client_key: sandbox.clientKey, client_secret: secret, token })
const refresh = (sandbox: Sandbox, token: string) =>
  postForm(`${sandbox.url}/v2/oauth/token/`, {
    client_key: sandbox.clientKey,
    client_secret: secret,
    grant_type: 'refresh_token',
    refresh_token: token,
  })
const userInfo = async (sandbox: Sandbox, token: string) =>
  (await api(sandbox, 'GET', '/v2/user/info/?fields=open_id', token)).status
const removals = (sandbox: Sandbox, openId: string) =>
  sandbox.webhookDeliveries().filter((d) => d.event === 'authorization.removed' && d.userOpenId === openId)

/** A second authorization of an existing user: new grant, new tokens (docs/tiktok-api.md §1.2–1.4). */
async function authorizeAgain(sandbox: Sandbox, openId: string) {
  const location = sandbox.approve(authorizeUrl(sandbox), { openId })
  const res = await exchangeCode(sandbox, new URL(location).searchParams.get('code')!)
  return { accessToken: res.json?.access_token as string, refreshToken: res.json?.refresh_token as string }
}

t.test(
  'revoke with a token that is not a live access token answers invalid_grant and revokes nothing (1.5, 1.6)',
  async (t) => {
    const sandbox = await build(t, { settings: { accessTokenTtlSec: 60 } })
    const { user, accessToken: expired } = await connectUser(sandbox, ['user.info.basic'])
    sandbox.advanceClock(61_000)
    // The first access token expired (its grant lives on); a second authorization gives a live pair.
    const second = await authorizeAgain(sandbox, user.openId)
    const gone = await connectUser(sandbox, ['user.info.basic'])
    sandbox.revokeAuthorization(gone.user.openId)
    const clientToken = (
      await postForm(`${sandbox.url}/v2/oauth/token/`, {
        client_key: sandbox.clientKey,
        client_secret: secret,
        grant_type: 'client_credentials',
      })
    ).json?.access_token as string
    const notLive: Record<string, string> = {
      'a refresh token': second.refreshToken,
      'an unknown string': 'not-a-token',
      'an unknown act. token': 'act.unknown0000000000000000000000',
      'a client token': clientToken,
      'an expired access token': expired,
      'an access token of a removed authorization': gone.accessToken,
    }
    sandbox.clearRequestLog()
    for (const [name, token] of Object.entries(notLive)) {
      const res = await revoke(sandbox, token)
      t.equal(res.status, 400, name)
      t.same(Object.keys(res.json ?? {}).sort(), ['error', 'error_description', 'log_id'], name)
      t.equal(res.json?.error, 'invalid_grant', name)
      t.notMatch(res.text, token, `${name}: the token is not echoed`)
    }
    t.same(
      sandbox
        .requestLog()
        .filter((e) => e.endpoint === 'oauth.revoke')
        .map((e) => [e.status, e.errorCode]),
      Object.keys(notLive).map(() => [400, 'invalid_grant']),
    )
    t.equal(await userInfo(sandbox, second.accessToken), 200, 'the live access token still works')
    t.equal(removals(sandbox, user.openId).length, 0, 'no authorization.removed for the user')
    t.equal(removals(sandbox, gone.user.openId).length, 1, 'only the removal the user made in the app')
    t.ok((await refresh(sandbox, second.refreshToken)).json?.access_token, 'the refresh token still works')

    sandbox.updateSettings({ oauthErrorHttpStatus: 200 })
    const asOk = await revoke(sandbox, 'not-a-token')
    t.equal(asOk.status, 200, 'with oauthErrorHttpStatus 200 the error comes with HTTP 200')
    t.equal(asOk.json?.error, 'invalid_grant')
  },
)

t.test(
  'revoke removes the app: every token of every authorization of the user dies, others keep theirs (1.5)',
  async (t) => {
    const sandbox = await build(t)
    const first = await connectUser(sandbox, ['user.info.basic'])
    const openId = first.user.openId
    const rotated = await refresh(sandbox, first.refreshToken)
    const second = await authorizeAgain(sandbox, openId)
    const pendingCode = new URL(sandbox.approve(authorizeUrl(sandbox), { openId })).searchParams.get('code')!
    const other = await connectUser(sandbox, ['user.info.basic'])

    const res = await revoke(sandbox, second.accessToken)
    t.equal(res.status, 200)
    t.equal(res.text, '', 'empty success body')

    const access = {
      'first authorization': first.accessToken,
      'first authorization, refreshed': rotated.json?.access_token as string,
      'second authorization (the one revoked)': second.accessToken,
    }
    for (const [name, token] of Object.entries(access)) t.equal(await userInfo(sandbox, token), 401, name)
    const refreshTokens = {
      'first authorization, rotated': rotated.json?.refresh_token as string,
      'second authorization': second.refreshToken,
    }
    for (const [name, token] of Object.entries(refreshTokens))
      t.equal((await refresh(sandbox, token)).json?.error, 'invalid_grant', name)
    t.equal((await exchangeCode(sandbox, pendingCode)).json?.error, 'invalid_grant', 'a pending code is void')
    t.equal(await userInfo(sandbox, other.accessToken), 200, "another user's token is untouched")
    t.equal((await revoke(sandbox, first.accessToken)).json?.error, 'invalid_grant', 'nothing left to revoke')

    const removed = removals(sandbox, openId)
    t.equal(removed.length, 1, 'one authorization.removed for the one removal')
    t.same(removed[0]?.content, { reason: 5 })
    t.equal(removals(sandbox, other.user.openId).length, 0)
  },
)

t.test('when authorization.removed arrives, every token of the user is already dead (4.4)', async (t) => {
  const seen: { event: string; statuses: number[] }[] = []
  let tokens: string[] = []
  let sandbox: Sandbox | undefined
  const hook = Fastify()
  hook.post('/webhooks/tiktok', async (request) => {
    const statuses: number[] = []
    for (const token of tokens) statuses.push(await userInfo(sandbox!, token))
    seen.push({ event: (request.body as { event: string }).event, statuses })
    return 'ok'
  })
  await hook.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => hook.close())
  const { port } = hook.server.address() as { port: number }
  sandbox = await build(t, { webhookUrl: `http://127.0.0.1:${port}/webhooks/tiktok` })

  const first = await connectUser(sandbox, ['user.info.basic'])
  const second = await authorizeAgain(sandbox, first.user.openId)
  tokens = [first.accessToken, second.accessToken]
  t.equal((await revoke(sandbox, first.accessToken)).status, 200)
  await waitFor(() => seen.length > 0)
  t.same(seen, [{ event: 'authorization.removed', statuses: [401, 401] }])
})

t.test('the user removing the app in TikTok also ends every authorization', async (t) => {
  const sandbox = await build(t)
  const first = await connectUser(sandbox, ['user.info.basic'])
  const second = await authorizeAgain(sandbox, first.user.openId)
  sandbox.revokeAuthorization(first.user.openId, { reason: 1 })
  t.equal(await userInfo(sandbox, first.accessToken), 401)
  t.equal(await userInfo(sandbox, second.accessToken), 401)
  t.same(
    removals(sandbox, first.user.openId).map((d) => d.content),
    [{ reason: 1 }],
  )
})
