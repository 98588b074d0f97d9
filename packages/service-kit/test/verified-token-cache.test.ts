import t from 'tap'
import { cachedVerifier, type Verified } from '../src/index.js'

/** A verifier over a fake clock: tokens `ok:<expiry ms>` verify until their expiry, others never. */
function fixture(opts: { maxAgeMs?: number; maxEntries?: number } = {}) {
  let clock = 1_000_000
  const calls: string[] = []
  const verify = cachedVerifier(
    async (token: string): Promise<Verified<{ token: string }>> => {
      calls.push(token)
      const [kind, until] = token.split(':')
      if (kind !== 'ok' || clock >= Number(until)) throw new Error(`refused ${kind}`)
      return { value: { token }, validUntilMs: Number(until) }
    },
    { ...opts, now: () => clock },
  )
  const advance = (ms: number) => {
    clock += ms
  }
  return { verify, calls, advance }
}

t.test('a token that verified is not verified again before it expires', async (t) => {
  const f = fixture()
  const token = 'ok:1010000'
  t.same(await f.verify(token), { token })
  t.same(await f.verify(token), { token })
  t.same(f.calls, [token], 'the verifier ran once')
})

t.test('an expired token is refused even though it verified before', async (t) => {
  const f = fixture()
  const token = 'ok:1005000'
  await f.verify(token)
  f.advance(5000)
  await t.rejects(f.verify(token), /refused ok/)
  t.equal(f.calls.length, 2, 'verified again once its expiry passed')
})

t.test('a verification is reused at most maxAgeMs, however far the expiry', async (t) => {
  const f = fixture({ maxAgeMs: 1000 })
  const token = 'ok:9999999'
  await f.verify(token)
  f.advance(999)
  await f.verify(token)
  t.equal(f.calls.length, 1)
  f.advance(1)
  await f.verify(token)
  t.equal(f.calls.length, 2, 'verified afresh after maxAgeMs')
})

t.test('a refused token is verified and refused every time', async (t) => {
  const f = fixture()
  await t.rejects(f.verify('forged:0'))
  await t.rejects(f.verify('forged:0'))
  t.equal(f.calls.length, 2)
})

t.test('at most maxEntries tokens are remembered, the oldest forgotten first', async (t) => {
  const f = fixture({ maxEntries: 2 })
  for (const token of ['ok:2000000', 'ok:2000001', 'ok:2000002']) await f.verify(token)
  await f.verify('ok:2000002')
  await f.verify('ok:2000001')
  t.equal(f.calls.length, 3, 'the two newest are still remembered')
  await f.verify('ok:2000000')
  t.equal(f.calls.length, 4, 'the oldest was forgotten')
})
