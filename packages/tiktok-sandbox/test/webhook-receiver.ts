import { createHmac, timingSafeEqual } from 'node:crypto'
import Fastify from 'fastify'

const SECRET = 'sbx_client_secret'

/**
 * A receiver that verifies TikTok-Signature over the raw body and answers with `statuses` in turn
 * (then 200), or with `statuses(n)` for the n-th request (1-based).
 */
export async function receiver(
  t: { teardown(fn: () => unknown): void },
  statuses: number[] | ((n: number) => number),
) {
  const statusFor = (n: number) => (typeof statuses === 'function' ? statuses(n) : (statuses[n - 1] ?? 200))
  const app = Fastify()
  const received: { raw: string; valid: boolean; t: number; status: number }[] = []
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body))
  app.post('/webhooks/tiktok', async (request, reply) => {
    const raw = request.body as string
    const header = String(request.headers['tiktok-signature'] ?? '')
    const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]))
    const expected = createHmac('sha256', SECRET).update(`${parts.t}.${raw}`).digest('hex')
    const valid = parts.s?.length === 64 && timingSafeEqual(Buffer.from(expected), Buffer.from(parts.s))
    const status = statusFor(received.length + 1)
    received.push({ raw, valid, t: Number(parts.t), status })
    return reply.code(status).send('ok')
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const { port } = app.server.address() as { port: number }
  return { url: `http://127.0.0.1:${port}/webhooks/tiktok`, received }
}
