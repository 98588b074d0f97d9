import type { CallbackResult } from '@social-bridge/contracts'
import { request } from 'undici'

/**
 * Connects the sandbox creator `openId` for the JWT's tenant the way a browser would:
 * authorize through the gateway (JSON + state cookie), approve on the sandbox's consent page
 * (programmatically), then follow TikTok's redirect to the gateway's callback with the cookie.
 * @returns the callback's result (`outcome`, `connectionId`).
 */
export async function connectThroughGateway(opts: {
  gateway: string
  sandbox: string
  token: string
  openId: string
  deny?: boolean
}): Promise<CallbackResult & { authorizeUrl: string }> {
  const authorize = await request(`${opts.gateway}/connections/tiktok/authorize`, {
    headers: { authorization: `Bearer ${opts.token}`, accept: 'application/json' },
  })
  const body = (await authorize.body.json()) as { authorizeUrl?: string }
  if (authorize.statusCode !== 200 || !body.authorizeUrl) {
    throw new Error(`authorize answered ${authorize.statusCode}: ${JSON.stringify(body)}`)
  }
  const cookie = [authorize.headers['set-cookie']]
    .flat()
    .filter(Boolean)
    .map((c) => String(c).split(';')[0])
    .join('; ')
  const decision = await request(`${opts.sandbox}/_sandbox/authorize/${opts.deny ? 'deny' : 'approve'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: body.authorizeUrl, openId: opts.openId }),
  })
  const { location } = (await decision.body.json()) as { location: string }
  const callback = await request(location, { headers: { cookie, accept: 'application/json' } })
  const result = (await callback.body.json()) as CallbackResult
  return { ...result, authorizeUrl: body.authorizeUrl }
}
