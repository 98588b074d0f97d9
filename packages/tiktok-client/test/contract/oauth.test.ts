import t from 'tap'
import { createPkcePair, createTikTokClient, TikTokApiError, TikTokOAuthError } from '../../src/index.js'
import { rejectionOf } from '../helpers/rejection.js'
import { APP, login, startHarness } from '../helpers/sandbox.js'

t.test('authorize → consent → code exchange yields a TokenSet with the granted scopes', async (t) => {
  const h = await startHarness(t)
  const user = h.sandbox.addUser({ displayName: 'Ann' })
  const pkce = createPkcePair()
  const url = h.client.oauth.buildAuthorizeUrl({
    scopes: ['user.info.basic', 'video.list'],
    state: 'csrf-1',
    codeChallenge: pkce.codeChallenge,
  })
  const cb = h.client.oauth.parseCallback(await h.sandbox.approve(url, { openId: user.openId }))
  t.equal(cb.state, 'csrf-1')
  t.same(cb.scopes, ['user.info.basic', 'video.list'])
  const tokens = await h.client.oauth.exchangeCode({ code: cb.code ?? '', codeVerifier: pkce.codeVerifier })
  t.match(tokens.accessToken, /^act\./)
  t.match(tokens.refreshToken, /^rft\./)
  t.equal(tokens.openId, user.openId)
  // The sandbox floors (expiry − now) after issuing, so a millisecond tick can give 7199.
  t.ok(tokens.expiresInSec >= 7199 && tokens.expiresInSec <= 7200, `expires_in ${tokens.expiresInSec}`)
  t.ok(
    Math.abs(tokens.refreshExpiresInSec - 180 * 24 * 3600) <= 1,
    `refresh_expires_in ${tokens.refreshExpiresInSec}`,
  )
  t.same(tokens.scopes, ['user.info.basic', 'video.list'])
  t.equal(tokens.tokenType, 'Bearer')
})

t.test('a partly denied consent returns only the granted scopes', async (t) => {
  const h = await startHarness(t)
  const user = h.sandbox.addUser({})
  const pkce = createPkcePair()
  const url = h.client.oauth.buildAuthorizeUrl({
    scopes: ['user.info.basic', 'user.info.stats'],
    state: 's',
    codeChallenge: pkce.codeChallenge,
  })
  const cb = h.client.oauth.parseCallback(
    await h.sandbox.approve(url, { openId: user.openId, scopes: ['user.info.basic'] }),
  )
  const tokens = await h.client.oauth.exchangeCode({ code: cb.code ?? '', codeVerifier: pkce.codeVerifier })
  t.same(tokens.scopes, ['user.info.basic'])
})

t.test('the authorize URL passes when the sandbox requires PKCE (hex only)', async (t) => {
  const h = await startHarness(t, { settings: { pkce: 'required', acceptBase64urlChallenge: false } })
  const { tokens } = await login(h, ['user.info.basic'])
  t.match(tokens.accessToken, /^act\./)
})

t.test('a cancelled consent comes back as error=access_denied with the state', async (t) => {
  const h = await startHarness(t)
  const url = h.client.oauth.buildAuthorizeUrl({
    scopes: ['user.info.basic'],
    state: 'st9',
    codeChallenge: createPkcePair().codeChallenge,
  })
  const cb = h.client.oauth.parseCallback(await h.sandbox.deny(url))
  t.equal(cb.error, 'access_denied')
  t.equal(cb.state, 'st9')
  t.equal(cb.code, undefined)
})

for (const status of [200, 400] as const) {
  t.test(`OAuth errors with HTTP ${status} are detected by the missing access_token`, async (t) => {
    const h = await startHarness(t, { settings: { oauthErrorHttpStatus: status } })
    const user = h.sandbox.addUser({})
    const pkce = createPkcePair()
    const url = h.client.oauth.buildAuthorizeUrl({
      scopes: ['user.info.basic'],
      state: 's',
      codeChallenge: pkce.codeChallenge,
    })
    const code =
      h.client.oauth.parseCallback(await h.sandbox.approve(url, { openId: user.openId })).code ?? ''

    const wrongVerifier = await rejectionOf(
      h.client.oauth.exchangeCode({ code, codeVerifier: createPkcePair().codeVerifier }),
    )
    t.ok(wrongVerifier instanceof TikTokOAuthError)
    t.equal((wrongVerifier as TikTokOAuthError).tiktokCode, 'invalid_grant')
    t.equal((wrongVerifier as TikTokOAuthError).httpStatus, status)
    t.match((wrongVerifier as TikTokOAuthError).logId, /^\d{14}[0-9A-F]{20}$/)
    t.equal((wrongVerifier as TikTokOAuthError).category, 'permanent')

    const badRedirect = await rejectionOf(
      h.client.oauth.exchangeCode({
        code,
        codeVerifier: pkce.codeVerifier,
        redirectUri: 'http://127.0.0.1:3000/other',
      }),
    )
    t.equal((badRedirect as TikTokOAuthError).tiktokCode, 'invalid_request')

    await h.client.oauth.exchangeCode({ code, codeVerifier: pkce.codeVerifier })
    const reused = await rejectionOf(h.client.oauth.exchangeCode({ code, codeVerifier: pkce.codeVerifier }))
    t.equal((reused as TikTokOAuthError).tiktokCode, 'invalid_grant', 'codes are single use')
  })
}

t.test('a wrong client secret is invalid_client and the secret is not in the error', async (t) => {
  const h = await startHarness(t, { settings: { oauthErrorHttpStatus: 200 } })
  const secret = 'wrong-secret-value-xyz'
  const client = createTikTokClient({ ...APP, clientSecret: secret, apiBaseUrl: h.sandbox.url })
  t.teardown(() => client.close())
  const err = await rejectionOf(client.oauth.refreshAccessToken('rft.whatever'))
  t.ok(err instanceof TikTokOAuthError)
  t.equal((err as TikTokOAuthError).tiktokCode, 'invalid_client')
  t.notOk(JSON.stringify(err).includes(secret))
  t.notOk(String(err).includes('rft.whatever'))
})

t.test('refresh rotates the refresh token and the old one is then rejected', async (t) => {
  const h = await startHarness(t)
  const { tokens } = await login(h, ['user.info.basic'])
  const next = await h.client.oauth.refreshAccessToken(tokens.refreshToken)
  t.not(next.refreshToken, tokens.refreshToken)
  t.not(next.accessToken, tokens.accessToken)
  t.equal(next.openId, tokens.openId)
  t.same(next.scopes, ['user.info.basic'])
  const old = await rejectionOf(h.client.oauth.refreshAccessToken(tokens.refreshToken))
  t.ok(old instanceof TikTokOAuthError)
  t.equal((old as TikTokOAuthError).tiktokCode, 'invalid_grant')
  const again = await h.client.oauth.refreshAccessToken(next.refreshToken)
  t.match(again.accessToken, /^act\./)
  const entry = h.sandbox.requestLog().filter((e) => e.grantType === 'refresh_token')
  t.same(
    entry.map((e) => e.refreshToken),
    ['current', 'stale', 'current'],
  )
})

t.test('the legacy rule (same refresh token back) is tolerated', async (t) => {
  const h = await startHarness(t, { settings: { refreshRotation: 'none', accessTokenTtlSec: 86400 } })
  const { tokens } = await login(h, ['user.info.basic'])
  t.ok(tokens.expiresInSec >= 86399 && tokens.expiresInSec <= 86400)
  const next = await h.client.oauth.refreshAccessToken(tokens.refreshToken)
  t.equal(next.refreshToken, tokens.refreshToken)
})

t.test('an expired refresh token is invalid_grant', async (t) => {
  const h = await startHarness(t)
  const { user, tokens } = await login(h, ['user.info.basic'])
  h.sandbox.expireTokens(user.openId, { refresh: true })
  const err = await rejectionOf(h.client.oauth.refreshAccessToken(tokens.refreshToken))
  t.equal((err as TikTokOAuthError).tiktokCode, 'invalid_grant')
})

t.test('revoke kills the access token (token_invalid) and the refresh token', async (t) => {
  const h = await startHarness(t)
  const { tokens } = await login(h, ['user.info.basic'])
  await h.client.oauth.revokeAccessToken(tokens.accessToken)
  const api = await rejectionOf(h.client.display.getUserInfo(tokens.accessToken, ['open_id']))
  t.ok(api instanceof TikTokApiError)
  t.equal((api as TikTokApiError).category, 'token_invalid')
  const refresh = await rejectionOf(h.client.oauth.refreshAccessToken(tokens.refreshToken))
  t.equal((refresh as TikTokOAuthError).tiktokCode, 'invalid_grant')
})

for (const status of [400, 200] as const) {
  t.test(
    `revoking a token that is no longer live is TikTokOAuthError invalid_grant (HTTP ${status})`,
    async (t) => {
      const h = await startHarness(t, { settings: { oauthErrorHttpStatus: status } })
      const { tokens } = await login(h, ['user.info.basic'])
      const refreshToken = await rejectionOf(h.client.oauth.revokeAccessToken(tokens.refreshToken))
      t.ok(refreshToken instanceof TikTokOAuthError, 'a refresh token is not an access token')
      t.equal((refreshToken as TikTokOAuthError).tiktokCode, 'invalid_grant')
      t.equal((refreshToken as TikTokOAuthError).category, 'permanent')
      t.notMatch(JSON.stringify(refreshToken), tokens.refreshToken, 'the token is not in the error')
      t.match(
        await h.client.display.getUserInfo(tokens.accessToken, ['open_id']),
        { openId: /./ },
        'nothing revoked',
      )
      await h.client.oauth.revokeAccessToken(tokens.accessToken)
      const again = await rejectionOf(h.client.oauth.revokeAccessToken(tokens.accessToken))
      t.equal((again as TikTokOAuthError).tiktokCode, 'invalid_grant', 'a revoked access token')
      t.equal((again as TikTokOAuthError).httpStatus, status)
    },
  )
}

t.test('a server_error fault on the token endpoint is retryable', async (t) => {
  const h = await startHarness(t)
  const { tokens } = await login(h, ['user.info.basic'])
  h.sandbox.injectFault({ endpoint: 'oauth.token', kind: 'internal_error', status: 503 })
  const err = await rejectionOf(h.client.oauth.refreshAccessToken(tokens.refreshToken))
  t.ok(err instanceof TikTokOAuthError)
  t.equal((err as TikTokOAuthError).tiktokCode, 'server_error')
  t.equal((err as TikTokOAuthError).httpStatus, 503)
  t.equal((err as TikTokOAuthError).category, 'retryable')
  // The refresh token survived the failed call.
  t.match((await h.client.oauth.refreshAccessToken(tokens.refreshToken)).accessToken, /^act\./)
})
