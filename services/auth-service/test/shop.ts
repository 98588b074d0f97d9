/**
 * Connecting a TikTok Shop seller in auth-service tests: authorize (`tiktok_shop`), the
 * sandbox's programmatic consent, then the callback as the gateway forwards it.
 */
import type { Sandbox } from '@social-bridge/tiktok-sandbox'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { asService, asUser, cookieHeader } from './helper.js'

/** The callback's answer for `sellerOpenId` connected by `user` (JSON unless `browser`). */
export async function connectShop(
  app: FastifyInstance,
  sandbox: Sandbox,
  user: { tenantId: string; userId: string },
  sellerOpenId: string,
  opts: { browser?: boolean } = {},
): Promise<LightMyRequestResponse> {
  const accept = opts.browser ? {} : { accept: 'application/json' }
  const start = await app.inject({
    url: '/connections/tiktok_shop/authorize',
    headers: { ...(await asUser(user)), accept: 'application/json' },
  })
  if (start.statusCode !== 200) throw new Error(`authorize answered ${start.statusCode}: ${start.body}`)
  const location = new URL(sandbox.shop.approve(start.json().authorizeUrl, sellerOpenId))
  return app.inject({
    url: `/connections/tiktok_shop/callback${location.search}`,
    headers: {
      ...(await asService('gateway')),
      cookie: cookieHeader(start.headers['set-cookie']),
      ...accept,
    },
  })
}

/** Connects and returns the new connection's id; throws unless it connected. */
export async function connectedShop(
  app: FastifyInstance,
  sandbox: Sandbox,
  user: { tenantId: string; userId: string },
  sellerOpenId: string,
): Promise<string> {
  const done = await connectShop(app, sandbox, user, sellerOpenId)
  if (done.statusCode !== 200 || done.json().outcome !== 'connected')
    throw new Error(`callback answered ${done.statusCode}: ${done.body}`)
  return done.json().connectionId as string
}
