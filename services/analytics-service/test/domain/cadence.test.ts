import t from 'tap'
import { nextVideoSyncAt, parseCadence } from '../../src/domain/cadence.js'
import { delta, engagementRate } from '../../src/domain/engagement.js'

const H = 3_600_000
const D = 24 * H

t.test(
  'the default cadence syncs every 15 min in day 1, hourly in week 1, daily to 90 days, then stops',
  async (t) => {
    const c = parseCadence('1d=15m,7d=1h,90d=1d')
    const now = 1_000 * D
    t.equal(nextVideoSyncAt(c, now - 2 * H, now), now + 15 * 60_000)
    t.equal(nextVideoSyncAt(c, now - 3 * D, now), now + H)
    t.equal(nextVideoSyncAt(c, now - 30 * D, now), now + D)
    t.equal(nextVideoSyncAt(c, now - 91 * D, now), null)
    t.equal(nextVideoSyncAt(c, null, now), now + 15 * 60_000, 'an unknown post time counts as new')
  },
)

t.test('a malformed or non-ascending cadence is refused at start', async (t) => {
  t.throws(() => parseCadence('1d=15x'))
  t.throws(() => parseCadence('7d=1h,1d=15m'))
  t.throws(() => parseCadence('1d'))
})

t.test('engagement rate is null without views and deltas are zero without two points', async (t) => {
  t.equal(engagementRate({ views: 0, likes: 1, comments: 0, shares: 0 }), null)
  t.equal(engagementRate({ views: 200, likes: 10, comments: 5, shares: 5 }), 0.1)
  t.same(delta({ a: 1 }, { a: 4 }, ['a']), { a: 3 })
  t.same(delta(undefined, { a: 4 }, ['a']), { a: 0 })
})
