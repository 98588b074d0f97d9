import type { FastifyPluginAsync } from 'fastify'
import { createAdminApi } from '../admin.js'
import type { SandboxContext } from '../context.js'

type Body = Record<string, unknown>
/** JSON with bigints (post ids) as strings. */
const json = (value: unknown) => JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))

/**
 * The HTTP twin of the admin API under `/_sandbox/` (JSON in and out; errors are
 * `400 {"error": message}`). Paths are listed in the README.
 */
export const adminRoutes: FastifyPluginAsync<{ ctx: SandboxContext }> = async (app, { ctx }) => {
  const admin = createAdminApi(ctx)
  app.setErrorHandler((err, _request, reply) => {
    const message = err instanceof Error ? err.message : String(err)
    void reply
      .code(400)
      .type('application/json')
      .send(json({ error: message }))
  })
  app.setReplySerializer((payload) => json(payload))
  const body = (b: unknown): Body => (b && typeof b === 'object' ? (b as Body) : {})
  const openIdOf = (p: unknown) => (p as { openId: string }).openId
  const publishIdOf = (p: unknown) => (p as { publishId: string }).publishId

  app.get('/_sandbox/health', async () => ({ ok: true, now: admin.now() }))

  app.get('/_sandbox/users', async () => admin.listUsers())
  app.post('/_sandbox/users', async (req) => admin.addUser(body(req.body)))
  app.post('/_sandbox/users/:openId/videos', async (req) => {
    const { count, ...options } = body(req.body)
    return admin.seedVideos(openIdOf(req.params), Number(count ?? 1), options)
  })
  app.post('/_sandbox/users/:openId/expire-tokens', async (req) =>
    admin.expireTokens(openIdOf(req.params), req.body ? body(req.body) : undefined),
  )
  app.post('/_sandbox/users/:openId/revoke', async (req) => {
    admin.revokeAuthorization(openIdOf(req.params), body(req.body))
    return { ok: true }
  })

  app.post('/_sandbox/authorize/approve', async (req) => {
    const { url, openId, scopes } = body(req.body) as { url: string; openId: string; scopes?: string[] }
    return { location: admin.approve(String(url), { openId: String(openId), scopes }) }
  })
  app.post('/_sandbox/authorize/deny', async (req) => ({ location: admin.deny(String(body(req.body).url)) }))

  app.get('/_sandbox/faults', async () => admin.listFaults())
  app.post('/_sandbox/faults', async (req) => admin.injectFault(body(req.body) as never))
  app.delete('/_sandbox/faults', async () => {
    admin.clearFaults()
    return { ok: true }
  })

  app.get('/_sandbox/settings', async () => admin.getSettings())
  app.patch('/_sandbox/settings', async (req) => admin.updateSettings(body(req.body)))
  app.get('/_sandbox/config', async () => admin.updateConfig({}))
  app.patch('/_sandbox/config', async (req) => admin.updateConfig(body(req.body)))

  app.get('/_sandbox/clock', async () => ({ now: admin.now() }))
  app.post('/_sandbox/clock/advance', async (req) => ({ now: admin.advanceClock(Number(body(req.body).ms)) }))

  app.get('/_sandbox/publishes', async () => admin.listPublishes())
  app.get('/_sandbox/publishes/:publishId', async (req, reply) => {
    const p = admin.getPublish(publishIdOf(req.params))
    return p ?? reply.code(404).send({ error: 'No such publish' })
  })
  app.post('/_sandbox/publishes/:publishId/post-draft', async (req) =>
    admin.postInboxDraft(publishIdOf(req.params), body(req.body)),
  )

  app.get('/_sandbox/requests', async () => admin.requestLog())
  app.delete('/_sandbox/requests', async () => {
    admin.clearRequestLog()
    return { ok: true }
  })
  app.get('/_sandbox/webhooks', async () => admin.webhookDeliveries())
  app.delete('/_sandbox/webhooks', async () => {
    admin.clearWebhookDeliveries()
    return { ok: true }
  })
  app.post('/_sandbox/rate-limits/reset', async () => {
    admin.resetRateLimits()
    return { ok: true }
  })
}
