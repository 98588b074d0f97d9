/**
 * @social-bridge/auth-client — the one client of auth-service's internal API (contracts
 * `rest/internal.ts`): the access-token hand-out (`getAccessToken`, with tenant scoping and the
 * forced refresh after TikTok rejected a token) and the active-connection list, signed with the
 * calling service's internal token, failing with one error type whose codes come from contracts.
 */
export * from './client.js'
export * from './errors.js'
export * from './plugin.js'
