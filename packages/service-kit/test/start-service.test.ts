import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { request } from 'undici'
import { freePort, waitUntil } from '../src/testing/index.js'

// startService is a whole server.ts: these run it as one, in a child process.

const script = fileURLToPath(new URL('./fixtures/service-main.ts', import.meta.url))

t.test(
  'it validates the config, applies the limits, registers the app, listens and shuts down on SIGTERM',
  async (t) => {
    const port = await freePort()
    const env = {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      GREETING: 'hi',
      HTTP_IDLE_TIMEOUT_MS: '45000',
      // upload-style limits (no total request timeout) and a small body limit
      START_OPTIONS: JSON.stringify({ http: { requestTimeoutMs: 0 }, bodyLimit: 512 }),
    }
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let logs = ''
    child.stdout.on('data', (chunk) => {
      logs += chunk
    })
    t.teardown(() => void child.kill('SIGKILL'))
    const given = async () => {
      try {
        const res = await request(`http://127.0.0.1:${port}/given`)
        return res.statusCode === 200 ? await res.body.json() : undefined
      } catch {
        return undefined
      }
    }
    t.ok(await waitUntil(async () => (await given()) !== undefined, 20_000), 'it listens on HOST:PORT')
    t.same(await given(), {
      config: { HOST: '127.0.0.1', PORT: port, LOG_LEVEL: 'info', GREETING: 'hi' },
      bodyLimit: 512,
      timeout: 45_000,
      requestTimeout: 0,
    })
    child.kill('SIGTERM')
    const [code] = await once(child, 'exit')
    t.equal(code, 0, 'a clean shutdown')
    t.match(logs, /"msg":"shutting down"/)
    t.match(logs, /"service":"kit-main"/, 'logs carry the service name')
  },
)

t.test('an invalid environment exits 1 naming the variable, before listening', async (t) => {
  const env = { ...process.env, HOST: '127.0.0.1', PORT: '0', GREETING: '' }
  const res = spawnSync(process.execPath, ['--import', 'tsx', script], { env, encoding: 'utf8' })
  t.equal(res.status, 1)
  t.match(res.stderr, /Invalid configuration: GREETING is required/)
})
