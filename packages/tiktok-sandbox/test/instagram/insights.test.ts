import t from 'tap'
import { request } from 'undici'
import { seedPublishedReel } from '../../src/index.js'
import { build } from '../helper.js'

const INSIGHTS = 'instagram_business_manage_insights'
const HOUR_MS = 3_600_000

/** A sandbox with one business account and a long-lived token holding `scopes`. */
async function setup(t: Parameters<typeof build>[0], scopes = ['instagram_business_basic', INSIGHTS]) {
  const sandbox = await build(t)
  const ig = sandbox.instagram
  const account = ig.addAccount({ followersCount: 4000 })
  const token = ig.store.issueToken(account.igUserId, 'long', scopes).token
  const get = async (path: string, query: Record<string, string>, accessToken = token) => {
    const q = new URLSearchParams({ ...query, access_token: accessToken })
    const res = await request(`${sandbox.url}/instagram/graph${path}?${q}`)
    return {
      status: res.statusCode,
      headers: res.headers,
      // biome-ignore lint/suspicious/noExplicitAny: Graph's JSON, read loosely by the assertions
      body: (await res.body.json()) as Record<string, any>,
    }
  }
  return { sandbox, ig, account, token, get }
}

const metric = 'views,reach,likes,comments,shares,saved'
const valuesOf = (body: { data: { name: string; values: { value: number }[] }[] }) =>
  Object.fromEntries(body.data.map((d) => [d.name, d.values[0]!.value]))

t.test("a Reel's insights grow with its age on the virtual clock, in Graph's insights shape", async (t) => {
  const { sandbox, ig, account, get } = await setup(t)
  const reel = seedPublishedReel(ig.store, account.igUserId, { ageMs: 2 * HOUR_MS })

  const first = await get(`/${reel.id}/insights`, { metric })
  t.equal(first.status, 200)
  t.match(first.body.data[0], {
    name: 'views',
    period: 'lifetime',
    values: [{ value: Number }],
    id: `${reel.id}/insights/views/lifetime`,
  })
  const before = valuesOf(first.body as never)
  t.ok(before.views! > 0, 'a two-hour-old Reel has views')
  t.ok(before.reach! <= before.views!, 'reach never exceeds views')

  sandbox.advanceClock(3 * HOUR_MS)
  const after = valuesOf((await get(`/${reel.id}/insights`, { metric })).body as never)
  for (const name of ['views', 'reach', 'likes', 'shares', 'saved']) {
    t.ok(after[name]! > before[name]!, `${name} grew: ${before[name]} → ${after[name]}`)
  }
  ig.store.mediaInsights.set(reel.id, { views: 1000 })
  const offset = valuesOf((await get(`/${reel.id}/insights`, { metric: 'views' })).body as never)
  t.equal(offset.views, after.views! + 1000, 'a test offset adds to the grown count')
})

t.test('deprecated and unknown metrics, and media of another account, are Graph errors 100', async (t) => {
  const { ig, account, get } = await setup(t)
  const reel = seedPublishedReel(ig.store, account.igUserId)
  for (const old of ['plays', 'video_views', 'impressions']) {
    const res = await get(`/${reel.id}/insights`, { metric: `views,${old}` })
    t.equal(res.status, 400)
    t.match(res.body, { error: { code: 100, message: new RegExp(old) } }, `${old} is refused`)
  }
  t.match((await get(`/${reel.id}/insights`, {})).body, { error: { code: 100 } }, 'metric is required')
  const other = ig.addAccount()
  const theirs = seedPublishedReel(ig.store, other.igUserId)
  t.match((await get(`/${theirs.id}/insights`, { metric })).body, { error: { code: 100, error_subcode: 33 } })
})

t.test('without instagram_business_manage_insights the insights edges answer code 10', async (t) => {
  const { ig, account, get } = await setup(t, ['instagram_business_basic'])
  const reel = seedPublishedReel(ig.store, account.igUserId)
  const res = await get(`/${reel.id}/insights`, { metric })
  t.equal(res.status, 403)
  t.match(res.body, { error: { code: 10 } })
})

t.test('account reach of the day: total_value with metric_type, else two daily values', async (t) => {
  const { sandbox, ig, account, get } = await setup(t)
  seedPublishedReel(ig.store, account.igUserId, { ageMs: HOUR_MS })
  const total = await get(`/${account.igUserId}/insights`, {
    metric: 'reach',
    period: 'day',
    metric_type: 'total_value',
  })
  t.equal(total.status, 200)
  t.match(total.body.data, [{ name: 'reach', period: 'day', total_value: { value: Number } }])
  const reach = total.body.data[0].total_value.value as number
  t.ok(reach >= 1000, 'a followers-based base plus what the Reel reached')
  sandbox.advanceClock(2 * HOUR_MS)
  const later = await get(`/${account.igUserId}/insights`, { metric: 'reach', period: 'day' })
  t.match(later.body.data, [
    { name: 'reach', values: [{ value: Number, end_time: String }, { value: Number }] },
  ])
  t.ok(later.body.data[0].values[1].value > reach, 'the Reel keeps reaching accounts')
  t.match(
    (await get(`/${account.igUserId}/insights`, { metric: 'reach' })).body,
    { error: { code: 100 } },
    'period is required',
  )
})

t.test(
  'usage headers rise with calls, and past 100 % the account is throttled with code 80002',
  async (t) => {
    const { ig, account, get } = await setup(t)
    ig.settings.accountCallsPerHour = 4
    const reel = seedPublishedReel(ig.store, account.igUserId)
    const usage: number[] = []
    for (let i = 0; i < 4; i++) {
      const res = await get(`/${reel.id}/insights`, { metric: 'views' })
      t.equal(res.status, 200)
      const buc = JSON.parse(String(res.headers['x-business-use-case-usage']))
      usage.push(buc[account.igUserId][0].call_count)
      t.ok(JSON.parse(String(res.headers['x-app-usage'])).call_count >= 0, 'X-App-Usage is sent')
    }
    t.same(usage, [25, 50, 75, 100], 'call_count is the % of the hourly calls')
    const throttled = await get(`/${reel.id}/insights`, { metric: 'views' })
    t.match(throttled.body, { error: { code: 80002 } })
    const buc = JSON.parse(String(throttled.headers['x-business-use-case-usage']))
    t.ok(
      buc[account.igUserId][0].estimated_time_to_regain_access > 0,
      'the throttled answer says when access returns',
    )
  },
)

t.test('an injected rate_limit fault answers code 4 with HTTP 429', async (t) => {
  const { sandbox, ig, account, get } = await setup(t)
  const reel = seedPublishedReel(ig.store, account.igUserId)
  sandbox.injectFault({ endpoint: 'ig.insights', kind: 'rate_limit' })
  const res = await get(`/${reel.id}/insights`, { metric })
  t.equal(res.status, 429)
  t.match(res.body, { error: { code: 4 } })
  t.equal((await get(`/${reel.id}/insights`, { metric })).status, 200, 'the next call passes')
})
