import t from 'tap'
import { type AttemptOutcomeAt, foldEndpointHealth } from '../../src/domain/endpoint-health.js'

const DAY = 86_400_000
const GIVE_UP = 3 * DAY
const at = (ms: number) => new Date(Date.UTC(2026, 0, 10) + ms)
const outcome = (endpointId: string, ms: number, o: Partial<AttemptOutcomeAt> = {}): AttemptOutcomeAt => ({
  endpointId,
  ok: false,
  gone: false,
  givenUp: false,
  at: at(ms),
  firstAttemptAt: at(ms),
  ...o,
})

t.test(
  'an endpoint whose attempts all succeeded needs no change beyond clearing failing_since',
  async (t) => {
    t.same(foldEndpointHealth([outcome('a', 0, { ok: true }), outcome('a', 1, { ok: true })], GIVE_UP), [])
  },
)

t.test('failures with no success: keep the row’s failing_since, or start it at the first', async (t) => {
  const [c] = foldEndpointHealth([outcome('a', 10), outcome('a', 20)], GIVE_UP)
  t.match(c, { endpointId: 'a', failingSince: 'keep', headStart: at(10), headLatest: at(20), goneAt: null })
  t.equal(c?.disableFailing, false, 'decided by the row (coalesce(failing_since, headStart))')
  t.same(c?.failingAt, at(20))
})

t.test('the last attempt decides failing_since, as one attempt after another would', async (t) => {
  const [cleared] = foldEndpointHealth([outcome('a', 10), outcome('a', 20, { ok: true })], GIVE_UP)
  t.equal(cleared?.failingSince, 'clear')
  const [restarted] = foldEndpointHealth(
    [outcome('a', 10), outcome('a', 20, { ok: true }), outcome('a', 30), outcome('a', 40)],
    GIVE_UP,
  )
  t.same(restarted?.failingSince, at(30), 'since the first failure after the last success')
  t.same(restarted?.headStart, at(10), 'the failures before the first success are tested against the row')
})

t.test('a failure after a success in the batch disables when it ends the retry window', async (t) => {
  const [c] = foldEndpointHealth(
    [
      outcome('a', 0, { ok: true }),
      outcome('a', 10),
      outcome('a', 20, { givenUp: true, firstAttemptAt: at(10) }),
    ],
    GIVE_UP,
  )
  t.equal(c?.disableFailing, true, 'failing since (10) not after the given-up delivery’s first attempt (10)')
  const [d] = foldEndpointHealth([outcome('a', 0, { ok: true }), outcome('a', 10), outcome('a', 20)], GIVE_UP)
  t.equal(d?.disableFailing, false)
})

t.test('410 Gone wins and does not touch failing_since; endpoints are folded apart', async (t) => {
  const changes = foldEndpointHealth(
    [outcome('a', 10, { gone: true }), outcome('b', 10), outcome('b', 11, { ok: true })],
    GIVE_UP,
  )
  t.match(changes, [
    { endpointId: 'a', goneAt: at(10), failingSince: 'keep', headStart: null, failingAt: null },
    { endpointId: 'b', goneAt: null, failingSince: 'clear' },
  ])
})
