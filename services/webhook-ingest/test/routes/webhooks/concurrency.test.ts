import t from 'tap'
import { Agent, request } from 'undici'
import { build, sha256Hex, signedHeaders, storedMessages, webhookBody } from '../../helper.js'

const DELIVERIES = 2000

t.test(`${DELIVERIES} concurrent signed deliveries are all answered 200 and all stored`, async (t) => {
  const app = await build(t)
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const agent = new Agent({ connections: 500, pipelining: 1 })
  t.teardown(() => agent.close())
  const bodies = Array.from({ length: DELIVERIES }, (_, i) =>
    webhookBody({ content: { publish_id: `v_pub_file~v2-1.${i}`, publish_type: 'DIRECT_POST' } }),
  )
  const statuses = await Promise.all(
    bodies.map(async (body) => {
      const res = await request(`${address}/webhooks/tiktok`, {
        method: 'POST',
        headers: signedHeaders(body),
        body,
        dispatcher: agent,
      })
      await res.body.dump()
      return res.statusCode
    }),
  )
  t.equal(statuses.filter((s) => s === 200).length, DELIVERIES, 'every delivery answered 200')
  const stored = await storedMessages(app.nats.namespace)
  t.equal(stored.length, DELIVERIES, 'one message per delivery')
  const ids = new Set(stored.map((m) => m.msgId))
  t.ok(
    bodies.every((b) => ids.has(sha256Hex(b))),
    'each delivery is in the stream',
  )
})
