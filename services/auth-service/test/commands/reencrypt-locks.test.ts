import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { reencryptAll } from '../../src/commands/reencrypt.js'
import { createVault } from '../../src/domain/vault.js'
import { build, connectAccount, newKey, startSandbox, waitUntil } from '../helper.js'

const keyA = `A:${newKey()}`
const keyB = `B:${newKey()}`

/** Three connections (and their used OAuth states) written under key A. */
async function setup(t: Test) {
  const sandbox = await startSandbox(t)
  const { app, config } = await build(t, {
    sandbox,
    overrides: { TOKEN_ENCRYPTION_KEYS: keyA, TOKEN_ENCRYPTION_ACTIVE_KEY_ID: 'A' },
  })
  const ids: string[] = []
  for (let i = 0; i < 3; i++)
    ids.push(
      (await connectAccount(app, { tenantId: 't1', userId: 'u' }, sandbox.addUser().openId)).connectionId,
    )
  return { app, config, ids }
}

/** Holds `FOR UPDATE` on a connection (as a refresh does) until `release()`. */
async function holdRow(app: Awaited<ReturnType<typeof setup>>['app'], id: string) {
  let release!: () => void
  const released = new Promise<void>((r) => {
    release = r
  })
  let locked!: () => void
  const isLocked = new Promise<void>((r) => {
    locked = r
  })
  const done = app.sql.begin(async (tx) => {
    await tx`select id from auth.connections where id = ${id} for update`
    locked()
    await released
  })
  await isLocked
  return async () => {
    release()
    await done
  }
}

const waitingOnALock = async (app: Awaited<ReturnType<typeof setup>>['app']) => {
  const [row] = await app.sql`select count(*)::int as n from pg_stat_activity
    where datname = current_database() and wait_event_type = 'Lock'`
  return (row?.n ?? 0) > 0
}

t.test('a row another transaction holds is waited for, so no row is left under the old key', async (t) => {
  const { app, ids } = await setup(t)
  const release = await holdRow(app, ids[1]!)
  const vault = createVault({ keys: `${keyA},${keyB}`, activeKeyId: 'B' })
  const run = reencryptAll({ db: app.db, vault, batchSize: 2 })
  t.ok(await waitUntil(() => waitingOnALock(app)), 'the job waits for the held row')
  await release()
  t.same(await run, { connections: 3, oauthStates: 3, remaining: { connections: 0, oauthStates: 0 } })
  const keys = await app.sql`select distinct token_key_id as k from auth.connections`
  t.same(
    keys.map((r) => r.k),
    ['B'],
  )
})

t.test('a row held past the lock wait is reported as remaining', async (t) => {
  const { app, ids } = await setup(t)
  const release = await holdRow(app, ids[0]!)
  t.teardown(release)
  const vault = createVault({ keys: `${keyA},${keyB}`, activeKeyId: 'B' })
  const result = await reencryptAll({ db: app.db, vault, batchSize: 2, lockWaitMs: 100 })
  t.same(result, { connections: 2, oauthStates: 3, remaining: { connections: 1, oauthStates: 0 } })
})

const serviceDir = fileURLToPath(new URL('../..', import.meta.url))
const runCommand = (env: Record<string, string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/commands/reencrypt.ts'],
      { cwd: serviceDir, env: { PATH: process.env.PATH ?? '', ...env } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    )
  })

t.test('the command exits non-zero with what remains while a key is missing, then 0', async (t) => {
  const { config } = await setup(t)
  const env = { DATABASE_URL: config.DATABASE_URL, TOKEN_ENCRYPTION_ACTIVE_KEY_ID: 'B' }
  const missing = await runCommand({ ...env, TOKEN_ENCRYPTION_KEYS: keyB })
  t.equal(missing.code, 1)
  t.match(
    missing.stderr,
    /NOT DONE: 3 connection\(s\) and 3 OAuth state\(s\).*keys not in TOKEN_ENCRYPTION_KEYS: A/,
  )
  const done = await runCommand({ ...env, TOKEN_ENCRYPTION_KEYS: `${keyA},${keyB}` })
  t.equal(done.code, 0, done.stderr)
  t.match(done.stdout, /"remaining":\{"connections":0,"oauthStates":0\}/)
})
