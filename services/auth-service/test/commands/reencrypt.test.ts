import t from 'tap'
import { reencryptAll } from '../../src/commands/reencrypt.js'
import { createVault } from '../../src/domain/vault.js'
import { asUser, build, connectAccount, newKey, startSandbox } from '../helper.js'
import { buildReplica, requestAccessToken } from '../setup.js'

t.test('rows written under key A are rewritten under B, after which A can be removed', async (t) => {
  const sandbox = await startSandbox(t)
  const keyA = `A:${newKey()}`
  const keyB = `B:${newKey()}`
  const v1 = await build(t, {
    sandbox,
    overrides: { TOKEN_ENCRYPTION_KEYS: keyA, TOKEN_ENCRYPTION_ACTIVE_KEY_ID: 'A' },
  })
  const ids: string[] = []
  for (let i = 0; i < 5; i++)
    ids.push(
      (await connectAccount(v1.app, { tenantId: 't1', userId: 'u' }, sandbox.addUser().openId)).connectionId,
    )
  // a pending authorize request also holds a sealed PKCE verifier
  await v1.app.inject({
    url: '/connections/tiktok/authorize',
    headers: await asUser({ tenantId: 't1', userId: 'u' }),
  })
  const before = (await requestAccessToken(v1.app, ids[0]!)).json().accessToken

  // step 1: add B as active, keep A: old rows still read
  const v2 = await buildReplica(t, sandbox, v1.config, {
    overrides: { TOKEN_ENCRYPTION_KEYS: `${keyA},${keyB}`, TOKEN_ENCRYPTION_ACTIVE_KEY_ID: 'B' },
  })
  t.equal(
    (await requestAccessToken(v2.app, ids[0]!)).json().accessToken,
    before,
    'readable with A still configured',
  )

  // step 2: re-encrypt in small batches
  const vault = createVault({ keys: `${keyA},${keyB}`, activeKeyId: 'B' })
  const result = await reencryptAll({ db: v2.app.db, vault, batchSize: 2 })
  t.same(
    result,
    { connections: 5, oauthStates: 6, remaining: { connections: 0, oauthStates: 0 } },
    'five used states and the pending one',
  )
  const keyIds = await v2.app.sql`select distinct token_key_id as k from auth.connections
    union select distinct key_id from auth.oauth_states`
  t.same(
    keyIds.map((r) => r.k),
    ['B'],
  )
  t.same(
    await reencryptAll({ db: v2.app.db, vault }),
    { connections: 0, oauthStates: 0, remaining: { connections: 0, oauthStates: 0 } },
    'a rerun has nothing to do',
  )

  // step 3: remove A
  const v3 = await buildReplica(t, sandbox, v1.config, {
    overrides: { TOKEN_ENCRYPTION_KEYS: keyB, TOKEN_ENCRYPTION_ACTIVE_KEY_ID: 'B' },
  })
  t.equal((await requestAccessToken(v3.app, ids[0]!)).json().accessToken, before, 'readable with B only')
  const forced = await requestAccessToken(v3.app, ids[1]!, { payload: { forceRefresh: true } })
  t.equal(forced.statusCode, 200, 'the re-encrypted refresh token works at TikTok')
})
