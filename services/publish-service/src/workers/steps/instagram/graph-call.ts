import type { InstagramGraphError } from '@social-bridge/instagram-client'
import { INSTAGRAM_TOKEN, withProviderToken } from '../../../domain/token-call.js'
import type { Job, WorkerDeps } from '../../deps.js'

/**
 * Runs `call` with the post's Instagram access token and its `ig-user-id` (the connection's
 * `openId`), handed out by auth-service at the moment of use; a 190 gets one retry with a
 * refreshed token. The token is never stored or logged.
 * @throws AuthClientError; ProviderNotSupportedError; the InstagramGraphError of the last attempt.
 */
export function withInstagram<T>(
  d: WorkerDeps,
  post: Job['post'],
  call: (accessToken: string, igUserId: string) => Promise<T>,
): Promise<T> {
  return withProviderToken(
    d.authClient,
    { connectionId: post.connectionId, tenantId: post.tenantId },
    INSTAGRAM_TOKEN,
    (handed) => call(handed.accessToken, handed.openId),
  )
}

/** A Graph refusal as a post's fail reason: `instagram_<code>[_<subcode>]` (or `instagram_<kind>`). */
export function graphFailReason(err: InstagramGraphError): string {
  return `instagram_${err.code ?? err.kind}${err.subcode === undefined ? '' : `_${err.subcode}`}`
}

/** Wait after Graph asked to slow down (codes 4, 17, 32, 613, 80002), ms. */
export const GRAPH_RATE_LIMIT_BACKOFF_MS = 60_000
