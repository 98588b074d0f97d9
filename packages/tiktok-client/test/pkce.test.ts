import { createHash } from 'node:crypto'
import t from 'tap'
import { createPkcePair, pkceChallenge, TikTokInvalidArgumentError } from '../src/index.js'

t.test('the challenge is the lowercase hex SHA-256 of the verifier', async (t) => {
  const pair = createPkcePair()
  t.match(pair.codeChallenge, /^[0-9a-f]{64}$/)
  t.equal(pair.codeChallenge, createHash('sha256').update(pair.codeVerifier).digest('hex'))
  t.equal(pair.codeChallengeMethod, 'S256')
})

t.test('a known verifier gives the known hex challenge (not base64url)', async (t) => {
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'
  t.equal(pkceChallenge(verifier), '13d31e961a1ad8ec2f16b10c4c982e0876a878ad6df144566ee1894acb70f9c3')
  t.not(pkceChallenge(verifier), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')
})

t.test('verifiers are 43–128 characters of the unreserved alphabet and differ each time', async (t) => {
  for (const len of [43, 64, 128])
    t.match(createPkcePair(len).codeVerifier, new RegExp(`^[A-Za-z0-9\\-._~]{${len}}$`))
  t.not(createPkcePair().codeVerifier, createPkcePair().codeVerifier)
})

t.test('out-of-range lengths and bad verifiers are rejected', async (t) => {
  t.throws(() => createPkcePair(42), TikTokInvalidArgumentError)
  t.throws(() => createPkcePair(129), TikTokInvalidArgumentError)
  t.throws(() => pkceChallenge('short'), TikTokInvalidArgumentError)
  t.throws(() => pkceChallenge(`${'a'.repeat(50)} spaces`), TikTokInvalidArgumentError)
})
