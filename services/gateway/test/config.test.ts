import { readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'
import { loadConfig } from '@social-bridge/service-kit'
import t from 'tap'
import { GatewayConfig } from '../src/config.js'
import { build } from './helper.js'

const example = parseEnv(readFileSync(new URL('../.env.example', import.meta.url), 'utf8'))

t.test('the committed .env.example is a valid configuration', async (t) => {
  const config = loadConfig(GatewayConfig, example)
  t.equal(config.JWT_CLOCK_TOLERANCE_SEC, 5)
  t.equal(config.RATE_LIMIT_PER_MINUTE, 600)
})

t.test('JWT_ALGORITHMS accepts only signing algorithms', async (t) => {
  t.equal(
    loadConfig(GatewayConfig, { ...example, JWT_ALGORITHMS: 'HS256, HS512' }).JWT_ALGORITHMS,
    'HS256, HS512',
  )
  for (const bad of ['none', 'HS256,none', 'hs256', 'HS256,']) {
    t.throws(
      () => loadConfig(GatewayConfig, { ...example, JWT_ALGORITHMS: bad }),
      { code: 'CONFIG_INVALID' },
      bad,
    )
  }
})

t.test('CORS_ORIGINS accepts a comma-separated list of origins only', async (t) => {
  for (const good of ['https://crm.example.com', ' https://a.example/ , http://b.example:8080'])
    t.equal(loadConfig(GatewayConfig, { ...example, CORS_ORIGINS: good }).CORS_ORIGINS, good)
  t.notOk(loadConfig(GatewayConfig, { ...example, CORS_ORIGINS: '' }).CORS_ORIGINS, 'empty: no origin')
  for (const bad of [
    '*',
    'crm.example.com',
    'https://crm.example.com/app',
    'https://a.example,,https://b.example',
  ])
    t.throws(
      () => loadConfig(GatewayConfig, { ...example, CORS_ORIGINS: bad }),
      { code: 'CONFIG_INVALID' },
      bad,
    )
})

t.test('an asymmetric algorithm with JWT_SECRET stops the gateway at start', async (t) => {
  await t.rejects(build(t, { JWT_ALGORITHMS: 'RS256' }), /only HS256, HS384 or HS512 with JWT_SECRET/)
})
