import { createSandbox, type Sandbox } from '@social-bridge/tiktok-sandbox'
import t, { type Test } from 'tap'
import { request } from 'undici'
import {
  createInstagramClient,
  INSTAGRAM_SCOPES,
  type InstagramClientOptions,
  InstagramGraphError,
  isProfessional,
} from '../src/index.js'

const APP = { appId: '990602627938098', appSecret: 'ig-app-secret-for-tests-42' }
const REDIRECT = 'https://gateway.test/v1/connections/instagram/callback'
const DAY = 86_400_000

const sandbox: Sandbox = await createSandbox({ instagram: { ...APP, redirectUris: [REDIRECT] } })
t.teardown(() => sandbox.close())

function client(over: Partial<InstagramClientOptions> = {}) {
  const c = createInstagramClient({
    ...APP,
    authorizeBaseUrl: `${sandbox.url}/instagram/www`,
    apiBaseUrl: `${sandbox.url}/instagram/api`,
    graphBaseUrl: `${sandbox.url}/instagram/graph`,
    ...over,
  })
  t.teardown(() => c.close())
  return c
}

/** A fresh account's code through the sandbox's consent (the location keeps Meta's `#_`). */
function consent(c = client(), accountType: 'BUSINESS' | 'MEDIA_CREATOR' | 'PERSONAL' = 'BUSINESS') {
  const account = sandbox.instagram.addAccount({ accountType, name: 'Reels Studio' })
  const location = new URL(
    sandbox.instagram.approve(
      c.oauth.buildAuthorizeUrl({ redirectUri: REDIRECT, state: 'st-1' }),
      account.igUserId,
    ),
  )
  return { account, location, code: location.searchParams.get('code')! }
}

async function failure(t: Test, p: Promise<unknown>): Promise<InstagramGraphError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  t.type(err, InstagramGraphError)
  return err as InstagramGraphError
}

t.test(
  'the authorize URL: client_id, redirect_uri, response_type=code, comma-separated scopes, state',
  async (t) => {
    const c = client()
    const url = new URL(c.oauth.buildAuthorizeUrl({ redirectUri: REDIRECT, state: 'abc' }))
    t.equal(`${url.origin}${url.pathname}`, `${sandbox.url}/instagram/www/oauth/authorize`)
    t.same(Object.fromEntries(url.searchParams), {
      client_id: APP.appId,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: INSTAGRAM_SCOPES.join(','),
      state: 'abc',
    })
    t.equal(
      new URL(
        client({ authorizeBaseUrl: undefined }).oauth.buildAuthorizeUrl({
          redirectUri: REDIRECT,
          state: 's',
        }),
      ).origin,
      'https://www.instagram.com',
    )
    const noState = (() => {
      try {
        c.oauth.buildAuthorizeUrl({ redirectUri: REDIRECT, state: '' })
      } catch (err) {
        return err
      }
    })()
    t.match(noState, { kind: 'invalid_argument' })
    const page = await request(url)
    t.equal(page.statusCode, 200, 'the sandbox shows its consent page')
    await page.body.dump()
    const { location } = consent(c)
    t.equal(`${location.origin}${location.pathname}`, REDIRECT)
    t.equal(location.searchParams.get('state'), 'st-1')
    t.equal(location.hash, '#_', "Meta's trailing #_")
    const denied = new URL(sandbox.instagram.deny(url.toString()))
    t.equal(denied.searchParams.get('error'), 'access_denied')
    t.equal(denied.searchParams.get('state'), 'abc')
  },
)

t.test('code → short-lived → long-lived (60 days) → profile; the code is single use', async (t) => {
  const c = client()
  const { account, code } = consent(c)
  const short = await c.oauth.exchangeCode({ code: `${code}#_`, redirectUri: REDIRECT })
  t.equal(short.userId, account.appScopedId, 'user_id is the Instagram-scoped id')
  t.same(short.permissions, [...INSTAGRAM_SCOPES])
  const again = await failure(t, c.oauth.exchangeCode({ code, redirectUri: REDIRECT }))
  t.match(again, { category: 'grant_invalid', type: 'OAuthException', httpStatus: 400 })
  const long = await c.oauth.exchangeForLongLived(short.accessToken)
  t.not(long.accessToken, short.accessToken)
  t.ok(Math.abs(long.expiresInSec - 60 * 86_400) <= 5, 'about 60 days, in seconds')
  const profile = await c.oauth.getProfile(long.accessToken)
  t.same(profile, {
    id: account.appScopedId,
    userId: account.igUserId,
    username: account.username,
    name: 'Reels Studio',
    accountType: 'BUSINESS',
    profilePictureUrl: account.profilePictureUrl,
    followersCount: account.followersCount,
  })
  t.ok(isProfessional(profile.accountType))
  const personal = consent(c, 'PERSONAL')
  const pShort = await c.oauth.exchangeCode({ code: personal.code, redirectUri: REDIRECT })
  const pProfile = await c.oauth.getProfile(
    (await c.oauth.exchangeForLongLived(pShort.accessToken)).accessToken,
  )
  t.equal(pProfile.accountType, 'PERSONAL')
  t.notOk(isProfessional(pProfile.accountType))
})

t.test('the code exchange refuses a wrong redirect URI, a wrong secret and an expired code', async (t) => {
  const c = client()
  t.equal(
    (await failure(t, c.oauth.exchangeCode({ code: consent(c).code, redirectUri: `${REDIRECT}/x` })))
      .category,
    'grant_invalid',
  )
  const wrong = await failure(
    t,
    client({ appSecret: 'not-the-secret-000' }).oauth.exchangeCode({
      code: consent(c).code,
      redirectUri: REDIRECT,
    }),
  )
  t.equal(wrong.httpStatus, 400)
  const { code } = consent(c)
  sandbox.advanceClock(3_601_000)
  t.equal((await failure(t, c.oauth.exchangeCode({ code, redirectUri: REDIRECT }))).category, 'grant_invalid')
})

t.test(
  'refresh: refused before 24 h (token still valid), allowed after, 60 days from the refresh; dead when expired',
  async (t) => {
    const c = client()
    const short = await c.oauth.exchangeCode({ code: consent(c).code, redirectUri: REDIRECT })
    const long = await c.oauth.exchangeForLongLived(short.accessToken)
    const early = await failure(t, c.oauth.refresh(long.accessToken))
    t.match(early, { code: 100, category: 'failed' })
    t.ok(await c.oauth.getProfile(long.accessToken), 'the refused refresh left the token valid')
    sandbox.advanceClock(DAY + 1000)
    const refreshed = await c.oauth.refresh(long.accessToken)
    t.not(refreshed.accessToken, long.accessToken)
    t.ok(Math.abs(refreshed.expiresInSec - 60 * 86_400) <= 5, '60 days from the refresh')
    t.same(refreshed.permissions, [...INSTAGRAM_SCOPES])
    sandbox.advanceClock(61 * DAY)
    const dead = await failure(t, c.oauth.refresh(refreshed.accessToken))
    t.match(dead, { code: 190, subcode: 463, category: 'grant_invalid' })
    const short2 = await c.oauth.exchangeCode({ code: consent(c).code, redirectUri: REDIRECT })
    sandbox.advanceClock(3_601_000)
    t.equal(
      (await failure(t, c.oauth.exchangeForLongLived(short2.accessToken))).category,
      'grant_invalid',
      'an expired short-lived token',
    )
  },
)

t.test('faults: 5xx retryable, rate limit rate_limited; secrets never in messages', async (t) => {
  const c = client()
  const { code } = consent(c)
  sandbox.injectFault({ endpoint: 'ig.oauth.token', kind: 'internal_error' })
  t.equal((await failure(t, c.oauth.exchangeCode({ code, redirectUri: REDIRECT }))).category, 'retryable')
  const short = await c.oauth.exchangeCode({ code, redirectUri: REDIRECT })
  sandbox.injectFault({ endpoint: 'ig.token.exchange', kind: 'rate_limit' })
  t.equal((await failure(t, c.oauth.exchangeForLongLived(short.accessToken))).category, 'rate_limited')
  sandbox.injectFault({
    endpoint: 'ig.token.exchange',
    kind: 'error',
    code: '100',
    message: `echo client_secret=${APP.appSecret} access_token=${short.accessToken}`,
  })
  const echoed = await failure(t, c.oauth.exchangeForLongLived(short.accessToken))
  const code2 = consent(c).code
  const wrong = await failure(
    t,
    client({ appSecret: 'wrong-secret-abcdef' }).oauth.exchangeCode({ code: code2, redirectUri: REDIRECT }),
  )
  for (const err of [echoed, wrong]) {
    const text = `${err.message} ${JSON.stringify(err)} ${err.stack} ${String(err)}`
    for (const secret of [APP.appSecret, short.accessToken, code2, 'wrong-secret-abcdef'])
      t.notMatch(text, secret)
  }
})
