import Fastify from 'fastify'
import t from 'tap'
import { AuthClientError, authClientPlugin } from '../src/index.js'
import { INTERNAL_SECRET, startAuth } from './helper.js'

t.test('the plugin decorates app.authClient and closes its sockets with the app', async (t) => {
  const stack = await startAuth(t)
  const { connectionId } = await stack.connect('tenant-a')
  const app = Fastify()
  await app.register(authClientPlugin, {
    baseUrl: stack.url,
    internalJwtSecret: INTERNAL_SECRET,
    service: 'publish-service',
  })
  await app.ready()
  const client = app.authClient
  t.equal((await client.getAccessToken(connectionId)).connectionId, connectionId)

  await app.close()

  const after = await client.getAccessToken(connectionId).catch((e: unknown) => e)
  t.ok(after instanceof AuthClientError, 'a closed client refuses to call')
  t.match(after, { code: 'SERVICE_UNAVAILABLE', httpStatus: undefined })
})
