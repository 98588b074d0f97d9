import { JetStreamApiError } from '@nats-io/jetstream'
import { errors } from '@nats-io/transport-node'
import t from 'tap'
import { isNatsUnavailable, retryWhileNatsUnavailable } from '../src/index.js'
import { build } from './helper.js'

t.test('a NATS time-out or election answers 503 SERVICE_UNAVAILABLE with Retry-After, not 500', async (t) => {
  const app = await build(t, (app) => {
    app.get('/timeout', async () => {
      throw new errors.TimeoutError()
    })
    app.get('/electing', async () => {
      throw new JetStreamApiError({
        code: 503,
        err_code: 10008,
        description: 'JetStream system temporarily unavailable',
      })
    })
    app.get('/refused', async () => {
      throw new JetStreamApiError({ code: 400, err_code: 10058, description: 'stream name already in use' })
    })
  })
  for (const url of ['/timeout', '/electing']) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 503, url)
    t.equal(res.headers['retry-after'], '1', `${url}: Retry-After`)
    t.equal(res.json().error.code, 'SERVICE_UNAVAILABLE')
  }
  const refused = await app.inject({ method: 'GET', url: '/refused' })
  t.equal(refused.statusCode, 500, 'a request NATS refused is no outage')
})

t.test(
  'retryWhileNatsUnavailable waits out transient errors and passes others through at once',
  async (t) => {
    let calls = 0
    const value = await retryWhileNatsUnavailable(
      async () => {
        calls++
        if (calls < 3) throw new Error('wrapped', { cause: new errors.TimeoutError() })
        return 'ok'
      },
      { delayMs: 1 },
    )
    t.equal(value, 'ok')
    t.equal(calls, 3, 'retried until it succeeded')
    t.ok(isNatsUnavailable(new Error('x', { cause: new errors.NoRespondersError('s') })), 'a cause counts')

    let other = 0
    await t.rejects(
      retryWhileNatsUnavailable(async () => {
        other++
        throw new Error('bad config')
      }),
      /bad config/,
    )
    t.equal(other, 1, 'no retry for an error that is not an outage')
  },
)
