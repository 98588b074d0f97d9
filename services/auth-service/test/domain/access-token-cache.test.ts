import t from 'tap'
import { createAccessTokenCache } from '../../src/domain/access-token-cache.js'

const token = {
  connectionId: 'c1',
  tenantId: 't1',
  provider: 'tiktok' as const,
  openId: 'o1',
  scopes: ['user.info.basic'],
  accessToken: 'act.one',
  accessTokenExpiresAt: '2030-01-01T00:00:00.000Z',
}

const enabled = (ttlMs = 1000) => {
  const cache = createAccessTokenCache({ ttlMs })
  cache.setEnabled(true)
  return cache
}

t.test('an entry is served until the earlier of its TTL and the time it stops being fresh', async (t) => {
  const cache = enabled(1000)
  cache.put(cache.ticket(), 'c1', token, 10_500, 10_000)
  t.same(cache.get('c1', 10_499), token)
  t.equal(cache.get('c1', 10_500), undefined, 'not at its refresh time or margin')
  cache.put(cache.ticket(), 'c1', token, 99_000, 10_000)
  t.same(cache.get('c1', 10_999), token)
  t.equal(cache.get('c1', 11_000), undefined, 'not after the TTL')
})

t.test('a row read before an invalidation is not remembered', async (t) => {
  const cache = enabled()
  const ticket = cache.ticket()
  cache.invalidate('another connection')
  cache.put(ticket, 'c1', token, 99_000, 10_000)
  t.equal(cache.get('c1', 10_001), undefined)
})

t.test('an invalidated entry is gone at once', async (t) => {
  const cache = enabled()
  cache.put(cache.ticket(), 'c1', token, 99_000, 10_000)
  cache.invalidate('c1')
  t.equal(cache.get('c1', 10_001), undefined)
})

t.test('a cache turned off, or with a TTL of 0, stores nothing', async (t) => {
  const off = enabled()
  off.put(off.ticket(), 'c1', token, 99_000, 10_000)
  off.setEnabled(false)
  t.equal(off.get('c1', 10_001), undefined, 'turning it off drops its entries')
  off.put(off.ticket(), 'c1', token, 99_000, 10_000)
  t.equal(off.get('c1', 10_001), undefined)
  const zero = enabled(0)
  t.equal(zero.enabled, false)
  zero.put(zero.ticket(), 'c1', token, 99_000, 10_000)
  t.equal(zero.get('c1', 10_001), undefined)
})
