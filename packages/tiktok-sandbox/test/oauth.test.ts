import t from 'tap'
import { request } from 'undici'
import { LEGACY_TOKEN_RULES } from '../src/index.js'
import {
  api,
  authorizeUrl,
  build,
  connectUser,
  exchangeCode,
  pkcePair,
  postForm,
  REDIRECT_URI,
} from './helper.js'

const secret = 'sbx_client_secret'

t.test(
  'the consent page lists seeded users and its form redirects with code, scopes and state',
  async (t) => {
    const sandbox = await build(t)
    const pub = sandbox.addUser({ displayName: 'Public Pat' })
    sandbox.addUser({ displayName: 'Private Priya', private: true })
    const url = authorizeUrl(sandbox, { scopes: ['user.info.basic', 'video.list'], state: 'abc' })
    const page = await request(url)
    const html = await page.body.text()
    t.equal(page.statusCode, 200)
    t.match(html, /Public Pat[\s\S]*public account/)
    t.match(html, /Private Priya[\s\S]*private account/)

    const query = url.slice(url.indexOf('?') + 1)
    const form = new URLSearchParams({ query, open_id: pub.openId, decision: 'approve' })
    form.append('scope', 'user.info.basic') // the user untoggled video.list
    const res = await request(`${sandbox.url}/v2/auth/authorize/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    })
    await res.body.dump()
    t.equal(res.statusCode, 302)
    const location = new URL(String(res.headers.location))
    t.equal(`${location.origin}${location.pathname}`, REDIRECT_URI)
    t.ok(location.searchParams.get('code'))
    t.equal(location.searchParams.get('scopes'), 'user.info.basic')
    t.equal(location.searchParams.get('state'), 'abc')
  },
)

t.test('cancel on the consent page redirects with error=access_denied and the state', async (t) => {
  const sandbox = await build(t)
  const location = new URL(sandbox.deny(authorizeUrl(sandbox, { state: 'xyz' })))
  t.equal(location.searchParams.get('error'), 'access_denied')
  t.ok(location.searchParams.get('error_description'))
  t.equal(location.searchParams.get('state'), 'xyz')
  t.equal(location.searchParams.get('code'), null)
})

t.test('authorize checks client_key, redirect_uri and response_type', async (t) => {
  const sandbox = await build(t)
  const wrongRedirect = await request(authorizeUrl(sandbox, { redirectUri: 'http://127.0.0.1:3000/other' }))
  t.equal(wrongRedirect.statusCode, 400, 'an unregistered redirect_uri is never redirected to')
  t.match(await wrongRedirect.body.text(), /redirect_uri/)
  const wrongClient = await request(
    authorizeUrl(sandbox).replace('client_key=sbx_client_key', 'client_id=sbx_client_key'),
  )
  t.equal(wrongClient.statusCode, 400, 'client_id is not client_key')
  await wrongClient.body.dump()
  const badType = await request(authorizeUrl(sandbox, { extra: { response_type: 'token' } }))
  await badType.body.dump()
  t.equal(badType.statusCode, 302)
  t.equal(new URL(String(badType.headers.location)).searchParams.get('error'), 'unsupported_response_type')
})

t.test('a code works once, and only with the redirect_uri it was issued for', async (t) => {
  const sandbox = await build(t)
  const user = sandbox.addUser()
  const code = () =>
    new URL(sandbox.approve(authorizeUrl(sandbox), { openId: user.openId })).searchParams.get('code')!
  const c1 = code()
  t.match(c1, /[*!]/, 'codes contain characters that need encoding')
  const mismatch = await exchangeCode(sandbox, c1, { redirect_uri: 'http://127.0.0.1:3000/elsewhere' })
  t.equal(mismatch.json?.error, 'invalid_request')
  t.equal(mismatch.json?.error_description, 'Redirect_uri is not matched with the uri when requesting code.')
  const first = await exchangeCode(sandbox, c1)
  t.equal(first.status, 200)
  t.match(first.json, {
    access_token: /^act\./,
    refresh_token: /^rft\./,
    open_id: user.openId,
    scope: 'user.info.basic',
    token_type: 'Bearer',
    expires_in: 7200,
    refresh_expires_in: 15552000,
  })
  t.notOk('data' in (first.json ?? {}), 'flat JSON, no data wrapper')
  const second = await exchangeCode(sandbox, c1)
  t.equal(second.status, 400)
  t.equal(second.json?.error, 'invalid_grant')
  t.match(second.json?.log_id, /^\d{14}[0-9A-F]{20}$/)

  const c2 = code()
  sandbox.advanceClock(11 * 60_000)
  t.equal((await exchangeCode(sandbox, c2)).json?.error, 'invalid_grant', 'codes expire after 10 minutes')
})

t.test('PKCE: a hex S256 challenge is verified at the token exchange', async (t) => {
  const sandbox = await build(t)
  const user = sandbox.addUser()
  const { verifier, challenge } = pkcePair()
  const codeFor = () =>
    new URL(sandbox.approve(authorizeUrl(sandbox, { challenge }), { openId: user.openId })).searchParams.get(
      'code',
    )!
  // Change the last character to one it certainly is not: a fixed replacement equals it now and then.
  const wrongVerifier = `${verifier.slice(0, -1)}${verifier.endsWith('a') ? 'b' : 'a'}`
  t.not(wrongVerifier, verifier)
  const wrong = await exchangeCode(sandbox, codeFor(), { code_verifier: wrongVerifier })
  t.equal(wrong.json?.error, 'invalid_grant')
  const missing = await exchangeCode(sandbox, codeFor())
  t.equal(missing.json?.error, 'invalid_grant')
  const ok = await exchangeCode(sandbox, codeFor(), { code_verifier: verifier })
  t.match(ok.json, { access_token: /^act\./ })

  const b64 = authorizeUrl(sandbox, { challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' })
  t.equal(
    new URL(sandbox.approve(b64, { openId: user.openId })).searchParams.get('error'),
    'invalid_request',
    'base64url challenges are refused by default',
  )
  sandbox.updateSettings({ acceptBase64urlChallenge: true })
  t.ok(new URL(sandbox.approve(b64, { openId: user.openId })).searchParams.get('code'))
})

t.test('PKCE required mode refuses an authorize request without a challenge', async (t) => {
  const sandbox = await build(t, { settings: { pkce: 'required' } })
  const user = sandbox.addUser()
  const res = await request(authorizeUrl(sandbox))
  t.equal(res.statusCode, 400)
  t.match(await res.body.text(), /correct the following: code_challenge/)
  t.throws(() => sandbox.approve(authorizeUrl(sandbox), { openId: user.openId }), /code_challenge/)
  t.ok(sandbox.approve(authorizeUrl(sandbox, { challenge: pkcePair().challenge }), { openId: user.openId }))
})

t.test('refresh rotates the refresh token and the old one stops working', async (t) => {
  const sandbox = await build(t)
  const { refreshToken } = await connectUser(sandbox, ['user.info.basic'])
  const refresh = (token: string) =>
    postForm(`${sandbox.url}/v2/oauth/token/`, {
      client_key: sandbox.clientKey,
      client_secret: secret,
      grant_type: 'refresh_token',
      refresh_token: token,
    })
  sandbox.clearRequestLog()
  const first = await refresh(refreshToken)
  t.equal(first.status, 200)
  const rotated = first.json?.refresh_token as string
  t.match(rotated, /^rft\./)
  t.not(rotated, refreshToken)
  const stale = await refresh(refreshToken)
  t.equal(stale.json?.error, 'invalid_grant')
  t.ok((await refresh(rotated)).json?.access_token)
  t.equal((await refresh('rft.nope')).json?.error, 'invalid_grant')

  const log = sandbox.requestLog().filter((e) => e.endpoint === 'oauth.token')
  t.same(
    log.map((e) => [e.grantType, e.refreshToken, e.status]),
    [
      ['refresh_token', 'current', 200],
      ['refresh_token', 'stale', 400],
      ['refresh_token', 'current', 200],
      ['refresh_token', 'unknown', 400],
    ],
  )
  t.notMatch(JSON.stringify(sandbox.requestLog()), secret, 'the client secret is never logged')
})

t.test('legacy token rules: 24 h / 365 days and the same refresh token back', async (t) => {
  const sandbox = await build(t, { settings: LEGACY_TOKEN_RULES })
  const { refreshToken } = await connectUser(sandbox, ['user.info.basic'])
  sandbox.advanceClock(3 * 3600_000)
  const res = await postForm(`${sandbox.url}/v2/oauth/token/`, {
    client_key: sandbox.clientKey,
    client_secret: secret,
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  })
  t.equal(res.json?.expires_in, 86400)
  t.equal(res.json?.refresh_token, refreshToken)
  const left = res.json?.refresh_expires_in as number
  t.ok(
    left <= 365 * 86400 - 3 * 3600 && left >= 365 * 86400 - 3 * 3600 - 2,
    'refresh window counts from the first issuance',
  )
})

t.test('access tokens expire on the virtual clock', async (t) => {
  const sandbox = await build(t, { settings: { accessTokenTtlSec: 60 } })
  const { accessToken } = await connectUser(sandbox, ['user.info.basic'])
  t.equal((await api(sandbox, 'GET', '/v2/user/info/?fields=open_id', accessToken)).status, 200)
  sandbox.advanceClock(61_000)
  const expired = await api(sandbox, 'GET', '/v2/user/info/?fields=open_id', accessToken)
  t.equal(expired.status, 401)
  t.equal(expired.json.error.code, 'access_token_invalid')
})

t.test('OAuth errors can be sent with HTTP 200', async (t) => {
  const sandbox = await build(t, { settings: { oauthErrorHttpStatus: 200 } })
  const res = await exchangeCode(sandbox, 'not-a-code')
  t.equal(res.status, 200)
  t.same(Object.keys(res.json ?? {}).sort(), ['error', 'error_description', 'log_id'])
  t.equal(res.json?.error, 'invalid_grant')
})

t.test('the token endpoint takes only form bodies and checks the client secret', async (t) => {
  const sandbox = await build(t)
  const json = await request(`${sandbox.url}/v2/oauth/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_key: sandbox.clientKey,
      client_secret: secret,
      grant_type: 'client_credentials',
    }),
  })
  t.equal(((await json.body.json()) as { error: string }).error, 'invalid_request')
  const badSecret = await postForm(`${sandbox.url}/v2/oauth/token/`, {
    client_key: sandbox.clientKey,
    client_secret: 'wrong',
    grant_type: 'client_credentials',
  })
  t.equal(badSecret.json?.error, 'invalid_client')
  const clt = await postForm(`${sandbox.url}/v2/oauth/token/`, {
    client_key: sandbox.clientKey,
    client_secret: secret,
    grant_type: 'client_credentials',
  })
  t.same(Object.keys(clt.json ?? {}).sort(), ['access_token', 'expires_in', 'token_type'])
  t.match(clt.json?.access_token, /^clt\./)
  const unsupported = await postForm(`${sandbox.url}/v2/oauth/token/`, {
    client_key: sandbox.clientKey,
    client_secret: secret,
    grant_type: 'password',
  })
  t.equal(unsupported.json?.error, 'unsupported_grant_type')
})

t.test('revoke kills the tokens and sends authorization.removed with reason 5', async (t) => {
  const sandbox = await build(t)
  const { user, accessToken, refreshToken } = await connectUser(sandbox, ['user.info.basic'])
  const res = await postForm(`${sandbox.url}/v2/oauth/revoke/`, {
    client_key: sandbox.clientKey,
    client_secret: secret,
    token: accessToken,
  })
  t.equal(res.status, 200)
  t.equal(res.text, '')
  t.equal((await api(sandbox, 'GET', '/v2/user/info/?fields=open_id', accessToken)).status, 401)
  const refreshed = await postForm(`${sandbox.url}/v2/oauth/token/`, {
    client_key: sandbox.clientKey,
    client_secret: secret,
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  })
  t.equal(refreshed.json?.error, 'invalid_grant')
  const removed = sandbox.webhookDeliveries().find((d) => d.event === 'authorization.removed')
  t.same(removed?.content, { reason: 5 })
  t.equal(removed?.userOpenId, user.openId)
})
