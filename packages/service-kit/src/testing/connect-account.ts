import type { FastifyInstance } from 'fastify'
import type { TestIdentities } from './identity.js'

/** What {@link connectAccount} needs of the TikTok sandbox: its programmatic consent. */
export interface ConsentGiver {
  /** Approves TikTok's authorize URL as `openId` and returns TikTok's redirect (our callback URL). */
  approve(authorizeUrl: string, opts: { openId: string; scopes?: string[] }): string | Promise<string>
}

/** The `Set-Cookie` of a reply as a `Cookie` header value (name=value pairs only). */
export function cookieHeader(setCookie: string | string[] | undefined): string {
  return [setCookie]
    .flat()
    .filter((c): c is string => typeof c === 'string')
    .map((c) => c.split(';')[0])
    .join('; ')
}

/**
 * Connects a sandbox account through a real auth-service, as a CRM user and the browser would:
 * `GET /connections/<provider>/authorize` (JSON) → the sandbox's consent (`scopes` granted, default
 * all asked) → `GET /connections/<provider>/callback` with the state cookie, as the gateway forwards
 * it. `provider` defaults to `tiktok`; for `tiktok_shop` pass the sandbox's shop consent as `sandbox`
 * (`{ approve: (url) => sandbox.shop.approve(url, openId) }`); for `instagram` the Instagram consent
 * (`{ approve: (url) => sandbox.instagram.approve(url, igUserId) }`, `openId` = the ig-user-id).
 * @returns the new connection's id and the callback's JSON answer.
 * @throws Error naming the step and its status when authorize or the callback does not connect.
 */
export async function connectAccount(
  auth: FastifyInstance,
  sandbox: ConsentGiver,
  opts: {
    identities: TestIdentities
    openId: string
    tenantId: string
    userId?: string
    scopes?: string[]
    provider?: 'tiktok' | 'tiktok_shop' | 'instagram'
  },
): Promise<{ connectionId: string; result: Record<string, unknown> }> {
  const provider = opts.provider ?? 'tiktok'
  const user = await opts.identities.asUser({ tenantId: opts.tenantId, userId: opts.userId ?? 'user-1' })
  const start = await auth.inject({
    method: 'GET',
    url: `/connections/${provider}/authorize`,
    headers: { ...user, accept: 'application/json' },
  })
  if (start.statusCode !== 200) throw new Error(`authorize answered ${start.statusCode}: ${start.body}`)
  const location = new URL(
    await sandbox.approve(start.json().authorizeUrl, {
      openId: opts.openId,
      ...(opts.scopes ? { scopes: opts.scopes } : {}),
    }),
  )
  const done = await auth.inject({
    method: 'GET',
    url: `/connections/${provider}/callback${location.search}`,
    headers: {
      ...(await opts.identities.asService('gateway')),
      cookie: cookieHeader(start.headers['set-cookie']),
      accept: 'application/json',
    },
  })
  const result = done.json() as Record<string, unknown>
  if (done.statusCode !== 200 || result.outcome !== 'connected') {
    throw new Error(`callback answered ${done.statusCode}: ${done.body}`)
  }
  return { connectionId: result.connectionId as string, result }
}
