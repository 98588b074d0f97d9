import t from 'tap'
import { webhookSecrets } from '../src/config.js'
import { testConfig } from './helper.js'

t.test('the config needs no DATABASE_URL and applies the documented defaults', async (t) => {
  const config = testConfig({ PORT: '' })
  t.notOk('DATABASE_URL' in config)
  t.equal(config.PORT, 3003)
  t.equal(config.WEBHOOK_TOLERANCE_SEC, 300)
  t.equal(config.PUBLISH_TIMEOUT_MS, 2000)
})

t.test('previous secrets are read comma-separated after the current one', async (t) => {
  const config = testConfig({ TIKTOK_CLIENT_SECRET: 'now', TIKTOK_CLIENT_SECRETS_PREVIOUS: ' a, ,b ' })
  t.same(webhookSecrets(config), ['now', 'a', 'b'])
})

t.test('a missing client secret stops the start with its name', async (t) => {
  t.throws(() => testConfig({ TIKTOK_CLIENT_SECRET: '' }), /TIKTOK_CLIENT_SECRET/)
})
