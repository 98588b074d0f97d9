import { createHmac, timingSafeEqual } from 'node:crypto'
import Fastify from 'fastify'

/** The sandbox's default Instagram app secret (it signs webhooks). */
export const IG_SECRET = 'sbx_ig_app_secret'

/**
 * A webhook receiver as an app must run it: the handshake `GET` answers the challenge when the
 * verify token is `verifyToken`, and each `POST` is checked against `X-Hub-Signature-256` over the
 * raw body and answered with `statuses` in turn (then 200).
 */
export async function igReceiver(
  t: { teardown(fn: () => unknown): void },
  opts: { verifyToken?: string; statuses?: number[] } = {},
) {
  const app = Fastify()
  const received: { raw: string; valid: boolean; status: number; signature: string }[] = []
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body))
  app.get('/webhooks/instagram', async (request, reply) => {
    const q = request.query as Record<string, string>
    if (q['hub.mode'] !== 'subscribe' || q['hub.verify_token'] !== (opts.verifyToken ?? 'vt'))
      return reply.code(403).send('no')
    return reply.type('text/plain').send(q['hub.challenge'])
  })
  app.post('/webhooks/instagram', async (request, reply) => {
    const raw = request.body as string
    const signature = String(request.headers['x-hub-signature-256'] ?? '')
    const expected = Buffer.from(`sha256=${createHmac('sha256', IG_SECRET).update(raw).digest('hex')}`)
    const valid = signature.length === expected.length && timingSafeEqual(Buffer.from(signature), expected)
    const status = valid ? (opts.statuses?.[received.length] ?? 200) : 401
    received.push({ raw, valid, status, signature })
    return reply.code(status).send({})
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const { port } = app.server.address() as { port: number }
  return { url: `http://127.0.0.1:${port}/webhooks/instagram`, received }
}
