import t from 'tap'
import { request } from 'undici'
import { createPkcePair, TikTokOAuthError } from '../../src/index.js'
import { rejectionOf } from '../helpers/rejection.js'
import { login, startHarness } from '../helpers/sandbox.js'

t.test('an unknown scope comes back on the authorize redirect as error=invalid_scope', async (t) => {
  const h = await startHarness(t)
  const url = h.client.oauth.buildAuthorizeUrl({
    scopes: ['user.info.basic', 'video.delete'],
    state: 'st-scope',
    codeChallenge: createPkcePair().codeChallenge,
  })
  const res = await request(url)
  await res.body.dump()
  t.equal(res.statusCode, 302, 'the authorize page redirects instead of showing consent')
  const cb = h.client.oauth.parseCallback(String(res.headers.location))
  t.equal(cb.error, 'invalid_scope')
  t.match(cb.errorDescription, /video\.delete/)
  t.equal(cb.state, 'st-scope')
  t.equal(cb.code, undefined)
  t.same(cb.scopes, [])
})

t.test('a 429 on the token endpoint is a flat OAuth error classified rate_limited', async (t) => {
  const h = await startHarness(t)
  const { tokens } = await login(h, ['user.info.basic'])
  h.sandbox.injectFault({ endpoint: 'oauth.token', kind: 'rate_limit' })
  const err = await rejectionOf(h.client.oauth.refreshAccessToken(tokens.refreshToken))
  t.ok(err instanceof TikTokOAuthError, 'read as the flat OAuth shape, not the v2 envelope')
  t.match(err, {
    tiktokCode: 'temporarily_unavailable',
    httpStatus: 429,
    category: 'rate_limited',
    retryAfterMs: 60_000,
  })
  t.match(err, { logId: /^\d{14}[0-9A-F]{20}$/ })
})

for (const status of [200, 400] as const) {
  t.test(
    `OAuth temporarily_unavailable (HTTP ${status}) is retryable, unauthorized_client permanent`,
    async (t) => {
      const h = await startHarness(t, { settings: { oauthErrorHttpStatus: status } })
      const { tokens } = await login(h, ['user.info.basic'])
      h.sandbox.injectFault({ endpoint: 'oauth.token', kind: 'error', code: 'temporarily_unavailable' })
      const busy = await rejectionOf(h.client.oauth.refreshAccessToken(tokens.refreshToken))
      t.ok(busy instanceof TikTokOAuthError)
      t.match(busy, { tiktokCode: 'temporarily_unavailable', httpStatus: status, category: 'retryable' })

      h.sandbox.injectFault({ endpoint: 'oauth.token', kind: 'error', code: 'unauthorized_client' })
      const refused = await rejectionOf(h.client.oauth.refreshAccessToken(tokens.refreshToken))
      t.ok(refused instanceof TikTokOAuthError)
      t.match(refused, { tiktokCode: 'unauthorized_client', httpStatus: status, category: 'permanent' })

      h.sandbox.injectFault({ endpoint: 'oauth.revoke', kind: 'error', code: 'temporarily_unavailable' })
      const revoke = await rejectionOf(h.client.oauth.revokeAccessToken(tokens.accessToken))
      t.match(revoke, { tiktokCode: 'temporarily_unavailable', category: 'retryable' })

      // The faults consumed nothing: the refresh token still works.
      t.match((await h.client.oauth.refreshAccessToken(tokens.refreshToken)).accessToken, /^act\./)
    },
  )
}

t.test('a revoke fails the user’s upload in progress: status reads FAILED auth_removed', async (t) => {
  const h = await startHarness(t)
  const user = h.sandbox.addUser({})
  const { tokens } = await login(h, ['video.publish'], user)
  const init = await h.client.posting.initDirectPost(tokens.accessToken, {
    postInfo: { privacyLevel: 'SELF_ONLY' },
    source: { source: 'FILE_UPLOAD', videoSize: 10_000_000, preferredChunkSize: 10_000_000 },
  })
  t.equal(
    (await h.client.posting.fetchStatus(tokens.accessToken, init.publishId)).status,
    'PROCESSING_UPLOAD',
  )
  await h.client.oauth.revokeAccessToken(tokens.accessToken)
  // The user connects again; the CRM then polls the publish it started before the revoke.
  const again = await login(h, ['video.publish'], user)
  const status = await h.client.posting.fetchStatus(again.tokens.accessToken, init.publishId)
  t.equal(status.status, 'FAILED')
  t.equal(status.failReason, 'auth_removed')
  t.equal(status.uploadedBytes, 0)
})
