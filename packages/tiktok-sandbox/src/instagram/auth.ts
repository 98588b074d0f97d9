/**
 * The access-token check of Graph routes (docs/instagram-api.md "Connect", "Rate limits"): the
 * `access_token` parameter (query or body) or `Authorization: Bearer`, a live unexpired token,
 * optional permissions, the object's owner, and the per-account call count behind the usage
 * headers (`X-App-Usage`, `X-Business-Use-Case-Usage`, added by index.ts on every Graph answer).
 */
import type { FastifyRequest } from 'fastify'
import { graphErrors, graphParams } from './http.js'
import type { IgAccount, IgToken, InstagramStore } from './store.js'

/** The caller of a Graph route. */
export interface IgCaller {
  account: IgAccount
  token: IgToken
  /** The merged call parameters (see `graphParams`), `access_token` removed. */
  params: Record<string, string>
}

/** The account a request was made for (read by the usage-header hook). */
const callerOf = new WeakMap<FastifyRequest, string>()

/** The ig-user-id of the authenticated caller of `request`, if any. */
export function callerAccount(request: FastifyRequest): string | undefined {
  return callerOf.get(request)
}

/**
 * Resolves the token, counts the call and checks permissions.
 * @throws GraphApiError 190 (no, unknown, revoked token; subcode 463 when expired), 10 (a missing
 *   permission of `anyOfScopes`), 80002 (the account's calls per hour are used up).
 */
export function authenticate(
  store: InstagramStore,
  request: FastifyRequest,
  anyOfScopes: string[] = [],
): IgCaller {
  const { access_token: fromParams, ...params } = graphParams(request)
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1]
  const value = fromParams ?? bearer ?? ''
  const known = store.tokens.get(value)
  if (!known?.live) throw graphErrors.invalidToken()
  const token = store.liveToken(value)
  if (!token) throw graphErrors.invalidToken(463)
  const account = store.account(token.igUserId)
  if (!account) throw graphErrors.invalidToken()
  request.tt.openId = account.igUserId
  callerOf.set(request, account.igUserId)
  if (store.recordCall(account.igUserId) > store.settings.accountCallsPerHour)
    throw graphErrors.accountRateLimited()
  if (anyOfScopes.length && !anyOfScopes.some((s) => token.scopes.includes(s)))
    throw graphErrors.permission(anyOfScopes.join(' or '))
  return { account, token, params }
}

/**
 * Checks that the path's `{ig-user-id}` (or app-scoped id) is the caller's own account.
 * @throws GraphApiError 100/33 otherwise (as Graph answers for objects a token may not see).
 */
export function requireOwnAccount(caller: IgCaller, id: string, method: string): IgAccount {
  if (id !== caller.account.igUserId && id !== caller.account.appScopedId)
    throw graphErrors.unknownObject(method, id)
  return caller.account
}

/**
 * The usage headers' values for an account (docs/instagram-api.md "Rate limits"): percentages of
 * the account's and the app's hourly calls, and the minutes until the account may call again.
 */
export function usageHeaders(store: InstagramStore, igUserId: string): Record<string, string> {
  const now = store.clock.now()
  const hourAgo = now - 3_600_000
  const recent = (store.calls.get(igUserId) ?? []).filter((t) => t > hourAgo)
  const limit = Math.max(1, store.settings.accountCallsPerHour)
  const pct = Math.round((recent.length / limit) * 100)
  // the oldest call that has to leave the window before the account is under its limit again
  const blocking = recent.length >= limit ? recent[recent.length - limit] : undefined
  const regainMin = blocking === undefined ? 0 : Math.max(1, Math.ceil((blocking + 3_600_000 - now) / 60_000))
  let appCalls = 0
  for (const times of store.calls.values()) appCalls += times.filter((t) => t > hourAgo).length
  const appPct = Math.round((appCalls / Math.max(1, store.settings.appCallsPerHour)) * 100)
  return {
    'x-app-usage': JSON.stringify({ call_count: appPct, total_time: appPct, total_cputime: appPct }),
    'x-business-use-case-usage': JSON.stringify({
      [igUserId]: [
        {
          type: 'instagram',
          call_count: pct,
          total_cputime: pct,
          total_time: pct,
          estimated_time_to_regain_access: regainMin,
        },
      ],
    }),
  }
}
