import { Streams } from '@social-bridge/contracts'
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

t.test('the signature tolerance may reach the webhook stream duplicate window, never beyond', async (t) => {
  const window = Streams.tiktokWebhooks.duplicateWindowSec
  t.ok(window >= 72 * 3600, 'the duplicate window covers the 72 h TikTok retries for')
  t.equal(testConfig({ WEBHOOK_TOLERANCE_SEC: String(window) }).WEBHOOK_TOLERANCE_SEC, window)
  t.throws(() => testConfig({ WEBHOOK_TOLERANCE_SEC: String(window + 1) }), /WEBHOOK_TOLERANCE_SEC/)
})
