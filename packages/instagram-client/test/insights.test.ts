import { createSandbox, mediaMetricsAt, type Sandbox, seedPublishedReel } from '@social-bridge/tiktok-sandbox'
import t from 'tap'
import { createInstagramClient, InstagramGraphError, REEL_METRICS } from '../src/index.js'

const sandbox: Sandbox = await createSandbox()
t.teardown(() => sandbox.close())
const client = createInstagramClient({
  appId: 'sbx_ig_app_id',
  appSecret: 'sbx_ig_app_secret',
  graphBaseUrl: `${sandbox.url}/instagram/graph`,
})
t.teardown(() => client.close())

function account(scopes = ['instagram_business_basic', 'instagram_business_manage_insights']) {
  const a = sandbox.instagram.addAccount({ followersCount: 4321 })
  return { a, token: sandbox.instagram.store.issueToken(a.igUserId, 'long', scopes).token }
}

t.test("a Reel's insights: the six current metrics as numbers, with the usage headers", async (t) => {
  const { a, token } = account()
  const reel = seedPublishedReel(sandbox.instagram.store, a.igUserId, { ageMs: 5 * 3_600_000 })
  sandbox.instagram.store.mediaInsights.set(reel.id, { views: 10_000 })

  const { value, usage } = await client.insights.mediaInsights(token, reel.id)

  t.same(Object.keys(value).sort(), [...REEL_METRICS].sort())
  const expected = mediaMetricsAt(sandbox.instagram.store, reel, sandbox.now())
  t.ok(Math.abs(value.views! - expected.views!) <= 1, `views ${value.views} as the emulator counts them`)
  t.ok(value.views! >= 10_000)
  t.ok(
    usage.businessUseCase.some((b) => b.id === a.igUserId && b.callCount > 0),
    'the account usage is exposed',
  )
  t.ok(usage.app, 'X-App-Usage is exposed')
})

t.test('followers from /me and the account reach of the day', async (t) => {
  const { a, token } = account()
  const profile = await client.insights.accountProfile(token)
  t.match(profile.value, { igUserId: a.igUserId, followersCount: 4321, mediaCount: 0 })
  const reach = await client.insights.accountReach(token, a.igUserId)
  t.type(reach.value, 'number')
  t.ok(reach.value! > 0)
  t.ok(reach.usage.maxPercent > 0, 'usage rises with the calls')
})

t.test('a throttled call is a rate_limited error carrying its usage; the token never shows', async (t) => {
  const { a, token } = account()
  const reel = seedPublishedReel(sandbox.instagram.store, a.igUserId)
  sandbox.instagram.store.calls.set(
    a.igUserId,
    Array(sandbox.instagram.settings.accountCallsPerHour).fill(sandbox.now()),
  )
  const err = await client.insights.mediaInsights(token, reel.id).catch((e: unknown) => e)
  t.type(err, InstagramGraphError)
  const e = err as InstagramGraphError
  t.match(e, { code: 80002, category: 'rate_limited' })
  t.ok((e.usage?.regainAccessMs ?? 0) > 0, "Meta's regain estimate comes with it")
  t.notMatch(JSON.stringify({ ...e.toJSON(), stack: e.stack }), token)
})

t.test('a deprecated metric is refused by Graph (code 100), category failed', async (t) => {
  const { a, token } = account()
  const reel = seedPublishedReel(sandbox.instagram.store, a.igUserId)
  const err = await client.insights
    .mediaInsights(token, reel.id, ['plays' as never])
    .catch((e: unknown) => e as InstagramGraphError)
  t.match(err, { code: 100, category: 'failed' })
})
