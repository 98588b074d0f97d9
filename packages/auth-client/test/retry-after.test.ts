import t from 'tap'
import { retryAfterMs } from '../src/retry-after.js'

t.test('Retry-After in seconds or as an HTTP-date becomes ms from now', async (t) => {
  const now = Date.parse('2026-01-02T03:04:05Z')
  t.equal(retryAfterMs('7', now), 7000)
  t.equal(retryAfterMs(['12', '3'], now), 12_000, 'the first of repeated headers')
  t.equal(retryAfterMs('Fri, 02 Jan 2026 03:04:35 GMT', now), 30_000)
  t.equal(retryAfterMs('Fri, 02 Jan 2026 03:00:00 GMT', now), 0, 'a date in the past: now')
})

t.test('an absent or unreadable Retry-After is undefined', async (t) => {
  for (const header of [undefined, '', '  ', 'soon', '-5', '1.5'])
    t.equal(retryAfterMs(header), undefined, String(header))
})
