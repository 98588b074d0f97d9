import {
  Connection,
  ConnectionAnalytics,
  ConnectionDetail,
  ConnectionList,
  Post,
  PostList,
  SyncAccepted,
} from '@social-bridge/contracts'

type Schema = { [key: string]: unknown }

/**
 * A copy of `schema` where every property named in `descriptions`, at any depth (through
 * `properties`, `items`, `allOf`, `anyOf`), carries that description. The contracts' shapes are
 * kept as they are; only the OpenAPI document reads the descriptions.
 */
export function withDescriptions<T extends object>(schema: T, descriptions: Record<string, string>): T {
  const walk = (s: unknown): unknown => {
    if (Array.isArray(s)) return s.map(walk)
    if (typeof s !== 'object' || s === null) return s
    const out: Schema = { ...(s as Schema) }
    if (out.properties && typeof out.properties === 'object') {
      out.properties = Object.fromEntries(
        Object.entries(out.properties as Schema).map(([name, prop]) => {
          const described = walk(prop) as Schema
          const text = descriptions[name]
          return [name, text ? { ...described, description: text } : described]
        }),
      )
    }
    for (const key of ['items', 'allOf', 'anyOf'] as const) if (out[key]) out[key] = walk(out[key])
    return out
  }
  return walk(schema) as T
}

/** What each connection status means and when it occurs. */
export const CONNECTION_STATUSES =
  '`active`: connected; the access token is refreshed ahead of its expiry, the account can publish and is synced. ' +
  '`reauth_required`: TikTok refused the refresh token (it expired, or the grant changed); a user must connect ' +
  'the account again (authorize); until then posting and refreshing answer 409 `REAUTH_REQUIRED`, syncing 409 ' +
  '`CONNECTION_NOT_ACTIVE`. `revoked`: the creator removed the app in TikTok (TikTok sent `authorization.removed`); ' +
  'the tokens are deleted. `disconnected`: a CRM admin disconnected it (`DELETE /v1/connections/{id}`): access ' +
  'revoked at TikTok, tokens deleted. A `revoked` or `disconnected` account answers 409 `CONNECTION_NOT_ACTIVE` ' +
  'to posting, refreshing and syncing; connecting the same TikTok account again makes it `active` under the same id.'

const connectionFields = {
  status: CONNECTION_STATUSES,
  accessTokenExpiresAt: 'When the current access token expires (it is refreshed before then while `active`).',
  lastRefreshedAt: 'When the access token was last refreshed (automatically or by `POST …/refresh`).',
}

/** What a post's status, `waitingFor`, `history`, `failReason` and `failMessage` mean. */
const postFields = {
  status:
    '`queued`: accepted, not yet at TikTok. `uploading`: TikTok initialised the post (`publishId` is set) and ' +
    'the video is being sent (`uploadedBytes` of `totalBytes`). `processing`: TikTok has the video and is ' +
    'processing it. `sent_to_inbox` (inbox mode): the draft waits in the creator’s TikTok inbox; it becomes ' +
    '`published` once they post it in the app. `published`: public on TikTok (`tiktokPostIds`, `shareUrl`). ' +
    '`failed`: see `failReason` and `failMessage`. `published` and `failed` are final.',
  waitingFor:
    'Set while the post is held back and will continue by itself, no action needed: `reason` (a TikTok ' +
    'per-account limit such as `init_rate_limit` 6 a minute, `tiktok_rate_limited`, `temporarily_unavailable`, ' +
    'or `init_outcome_unknown_retry`), `message` for the CRM user, and `retryAt`, when work resumes. ' +
    'null when nothing is waited for.',
  history:
    'Only in `GET /v1/posts/{id}`: every status change, oldest first, each with `from`, `to`, `reason`, ' +
    '`message`, `cause` (`api`, `worker`, `poll` or `webhook`) and `at`. An entry whose `from` equals `to` ' +
    'records something that happened without a status change (e.g. a retried init).',
  failReason:
    "When `status` is `failed`: the machine-readable reason, TikTok's `fail_reason` or error code (e.g. " +
    '`file_format_check_failed`, `spam_risk_too_many_posts`) or ours; null otherwise.',
  failMessage:
    'When `status` is `failed`: a sentence for the CRM user saying what went wrong and what to do ' +
    '(from `failReason`); null otherwise.',
}

export const ConnectionDoc = withDescriptions(Connection, connectionFields)
export const ConnectionListDoc = withDescriptions(ConnectionList, connectionFields)
export const ConnectionDetailDoc = withDescriptions(ConnectionDetail, connectionFields)
export const PostDoc = withDescriptions(Post, postFields)
export const PostListDoc = withDescriptions(PostList, postFields)
export const SyncAcceptedDoc = withDescriptions(SyncAccepted, {
  queuedAt:
    'When the sync was queued. It has finished once `lastSyncedAt` of `GET /v1/analytics/connections/{id}` is later.',
})
export const ConnectionAnalyticsDoc = withDescriptions(ConnectionAnalytics, {
  lastSyncedAt: 'When the account was last synced (on schedule or on demand); null before the first sync.',
  stale:
    'True when the account is not `active` (reauth_required, revoked or disconnected): it is not synced.',
})
