import t from 'tap'
import { nextAttemptAt, retryDelayMs } from '../../src/domain/retry-schedule.js'

const DEFAULTS = { baseMs: 5_000, maxMs: 6 * 3_600_000, giveUpMs: 3 * 86_400_000 }

t.test('delays grow 4× from 5 s to a 6 h cap, within ± 20 % jitter', async () => {
  const mid = (n: number) => retryDelayMs(n, DEFAULTS, () => 0.5)
  t.same([1, 2, 3, 4].map(mid), [5_000, 20_000, 80_000, 320_000])
  t.equal(mid(20), 6 * 3_600_000)
  t.equal(
    retryDelayMs(1, DEFAULTS, () => 0),
    4_000,
  )
  t.equal(
    retryDelayMs(1, DEFAULTS, () => 0.999_999),
    6_000,
  )
})

t.test('a delivery is retried for 3 days after its first attempt, then given up', async () => {
  const first = new Date('2026-01-01T00:00:00Z')
  let now = first
  let failed = 0
  for (;;) {
    failed += 1
    const next = nextAttemptAt(failed, first, now, DEFAULTS)
    if (!next) break
    t.ok(next > now)
    now = next
  }
  const span = now.getTime() - first.getTime()
  t.ok(
    span > 2.5 * 86_400_000 && span <= 3 * 86_400_000,
    `last attempt ${span / 3_600_000} h after the first`,
  )
  t.ok(failed > 10 && failed < 25, `${failed} attempts`)
})
