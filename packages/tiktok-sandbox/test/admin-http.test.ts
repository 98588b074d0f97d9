import t from 'tap'
import { request } from 'undici'
import { authorizeUrl, build, exchangeCode } from './helper.js'

async function call(base: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) {
  const res = await request(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  // biome-ignore lint/suspicious/noExplicitAny: test convenience
  return { status: res.statusCode, json: (await res.body.json()) as any }
}

t.test('the /_sandbox/ HTTP twin drives users, consent, clock, settings, faults and logs', async (t) => {
  const sandbox = await build(t)
  const base = sandbox.url
  const user = (await call(base, 'POST', '/_sandbox/users', { displayName: 'Http', private: true })).json
  t.match(user, { displayName: 'Http', private: true, openId: /.+/ })
  t.equal((await call(base, 'GET', '/_sandbox/users')).json.length, 1)
  const videos = (await call(base, 'POST', `/_sandbox/users/${user.openId}/videos`, { count: 3 })).json
  t.equal(videos.length, 3)
  t.match(videos[0].id, /^\d{19}$/)

  const { location } = (
    await call(base, 'POST', '/_sandbox/authorize/approve', {
      url: authorizeUrl(sandbox),
      openId: user.openId,
    })
  ).json
  const code = new URL(location).searchParams.get('code')!
  t.ok((await exchangeCode(sandbox, code)).json?.access_token)
  const denied = (await call(base, 'POST', '/_sandbox/authorize/deny', { url: authorizeUrl(sandbox) })).json
  t.match(denied.location, /error=access_denied/)

  const expired = await call(base, 'POST', `/_sandbox/users/${user.openId}/expire-tokens`, { access: true })
  t.same(expired.json, { access: 1, refresh: 0 })

  const before = (await call(base, 'GET', '/_sandbox/clock')).json.now
  const after = (await call(base, 'POST', '/_sandbox/clock/advance', { ms: 3600_000 })).json.now
  t.ok(after - before >= 3600_000)

  const settings = (await call(base, 'PATCH', '/_sandbox/settings', { oauthErrorHttpStatus: 200 })).json
  t.equal(settings.oauthErrorHttpStatus, 200)
  t.equal(sandbox.getSettings().oauthErrorHttpStatus, 200)
  const bad = await call(base, 'PATCH', '/_sandbox/settings', { noSuchSetting: 1 })
  t.equal(bad.status, 400)
  t.match(bad.json.error, /noSuchSetting/)

  await call(base, 'POST', '/_sandbox/faults', { endpoint: 'oauth.token', kind: 'internal_error', count: 1 })
  t.equal((await call(base, 'GET', '/_sandbox/faults')).json.length, 1)
  t.equal((await exchangeCode(sandbox, 'x')).status, 500)

  const log = (await call(base, 'GET', '/_sandbox/requests')).json
  t.same(
    log.map((e: { endpoint: string; status: number }) => [e.endpoint, e.status]),
    [
      ['oauth.token', 200],
      ['oauth.token', 500],
    ],
  )
  await call(base, 'DELETE', '/_sandbox/requests')
  t.same((await call(base, 'GET', '/_sandbox/requests')).json, [])

  await call(base, 'POST', `/_sandbox/users/${user.openId}/revoke`, { reason: 4 })
  const hooks = (await call(base, 'GET', '/_sandbox/webhooks')).json
  t.match(hooks[0], { event: 'authorization.removed', content: { reason: 4 }, state: 'no_url' })

  const config = (await call(base, 'PATCH', '/_sandbox/config', { webhookUrl: 'http://127.0.0.1:9/x' })).json
  t.equal(config.webhookUrl, 'http://127.0.0.1:9/x')
  t.notOk('clientSecret' in config, 'the secret is never exposed')
})
