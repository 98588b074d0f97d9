import { call } from '@social-bridge/stack'

/** One entry of the sandbox's request log (packages/tiktok-sandbox README, "Request log entries"). */
export interface LoggedRequest {
  seq: number
  endpoint: string
  status: number
  openId?: string
  grantType?: string
  /** For refresh grants: whether the refresh token presented was the live one or one a rotation replaced. */
  refreshToken?: 'current' | 'stale' | 'unknown'
}

/** One webhook the sandbox sent, with the HTTP status of each attempt. */
export interface WebhookDelivery {
  id: number
  event: string
  userOpenId?: string
  content: { publish_id?: string; reason?: number }
  attempts: { status?: number }[]
}

/** Every TikTok API call the sandbox received, oldest first (`GET /_sandbox/requests`). */
export async function sandboxRequests(sandbox: string): Promise<LoggedRequest[]> {
  return (await call<LoggedRequest[]>('GET', `${sandbox}/_sandbox/requests`)).body
}

/** The sandbox's requests after `seq` (take `seq` from `lastSeq` before the action under test). */
export async function sandboxRequestsSince(sandbox: string, seq: number): Promise<LoggedRequest[]> {
  return (await sandboxRequests(sandbox)).filter((r) => r.seq > seq)
}

/** The sequence number of the sandbox's latest logged request, 0 when none. */
export async function lastSeq(sandbox: string): Promise<number> {
  return (await sandboxRequests(sandbox)).at(-1)?.seq ?? 0
}

/** Every webhook the sandbox sent or is retrying (`GET /_sandbox/webhooks`). */
export async function sandboxWebhooks(sandbox: string): Promise<WebhookDelivery[]> {
  return (await call<WebhookDelivery[]>('GET', `${sandbox}/_sandbox/webhooks`)).body
}

/** True when webhook-ingest answered the delivery's latest attempt with 200. */
export const delivered = (d: WebhookDelivery) => d.attempts.at(-1)?.status === 200
