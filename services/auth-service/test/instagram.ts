/**
 * Connecting an Instagram account in auth-service tests: authorize (`instagram`), the sandbox's
 * programmatic consent as the ig-user-id, then the callback as the gateway forwards it.
 */
import type { Sandbox } from '@social-bridge/tiktok-sandbox'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { asService, asUser, cookieHeader } from './helper.js'

/** The callback's JSON answer for `igUserId` connected by `user`, and the consent's redirect. */
export async function connectInstagram(
  app: FastifyInstance,
  sandbox: Sandbox,
  user: { tenantId: string; userId: string },
  igUserId: string,
): Promise<{ done: LightMyRequestResponse; authorizeUrl: string; location: URL }> {
  const start = await app.inject({
    url: '/connections/instagram/authorize',
    headers: { ...(await asUser(user)), accept: 'application/json' },
  })
  if (start.statusCode !== 200) throw new Error(`authorize answered ${start.statusCode}: ${start.body}`)
  const authorizeUrl = start.json().authorizeUrl as string
  const location = new URL(sandbox.instagram.approve(authorizeUrl, igUserId))
  const done = await app.inject({
    url: `/connections/instagram/callback${location.search}`,
    headers: {
      ...(await asService('gateway')),
      cookie: cookieHeader(start.headers['set-cookie']),
      accept: 'application/json',
    },
  })
  return { done, authorizeUrl, location }
}
