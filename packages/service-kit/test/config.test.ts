import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { BaseConfig, ConfigError, loadConfig } from '../src/index.js'

t.test('a missing required variable is named in the error', async (t) => {
  const err = t.throws(() => loadConfig(BaseConfig, { PORT: '3000' })) as unknown as ConfigError
  t.type(err, ConfigError)
  t.match(err.message, /DATABASE_URL is required/)
})

t.test('strings are converted and defaults applied', async (t) => {
  const cfg = loadConfig(BaseConfig, { PORT: '3001', DATABASE_URL: 'postgres://x@h/db' })
  t.equal(cfg.PORT, 3001)
  t.equal(cfg.NATS_URL, 'nats://127.0.0.1:4222')
  t.equal(cfg.LOG_LEVEL, 'info')
})

t.test('an invalid value names the variable', async (t) => {
  t.throws(() => loadConfig(BaseConfig, { PORT: 'http', DATABASE_URL: 'postgres://x' }), /PORT/)
  t.throws(() => loadConfig(BaseConfig, { PORT: '1', DATABASE_URL: 'mysql://x' }), /DATABASE_URL/)
})

t.test('a process started with a missing variable exits non-zero naming it', async (t) => {
  const script = fileURLToPath(new URL('./fixtures/config-main.ts', import.meta.url))
  const env = { ...process.env, PORT: '3000', DATABASE_URL: '' }
  const res = spawnSync(process.execPath, ['--import', 'tsx', script], { env, encoding: 'utf8' })
  t.equal(res.status, 1)
  t.match(res.stderr, /Invalid configuration: DATABASE_URL is required/)
  t.notMatch(res.stdout, /started/)
})
