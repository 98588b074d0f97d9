import t from 'tap'
import { reencryptAll } from '../../src/commands/reencrypt.js'
import { createVault } from '../../src/domain/vault.js'
import { asService, asUser, build, connectAccount, newKey, startSandbox } from '../helper.js'

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
  const headers = await asService('publish-service')
  const tokenOn = (app: typeof v1.app, id: string) =>
    app.inject({ method: 'POST', url: `/internal/connections/${id}/lease`, headers, payload: {} })
  const before = (await tokenOn(v1.app, ids[0]!)).json().accessToken

  // step 1: add B as active, keep A: old rows still read
  const shared = { databaseUrl: v1.config.DATABASE_URL, namespace: v1.config.NATS_NAMESPACE, sandbox }
  const v2 = await build(t, {
    ...shared,
    overrides: { TOKEN_ENCRYPTION_KEYS: `${keyA},${keyB}`, TOKEN_ENCRYPTION_ACTIVE_KEY_ID: 'B' },
  })
  t.equal((await tokenOn(v2.app, ids[0]!)).json().accessToken, before, 'readable with A still configured')

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
  const v3 = await build(t, {
    ...shared,
    overrides: { TOKEN_ENCRYPTION_KEYS: keyB, TOKEN_ENCRYPTION_ACTIVE_KEY_ID: 'B' },
  })
  t.equal((await tokenOn(v3.app, ids[0]!)).json().accessToken, before, 'readable with B only')
  const forced = await v3.app.inject({
    method: 'POST',
    url: `/internal/connections/${ids[1]}/lease`,
    headers,
    payload: { forceRefresh: true },
  })
  t.equal(forced.statusCode, 200, 'the re-encrypted refresh token works at TikTok')
})
