/**
 * @social-bridge/tiktok-client/testing — a client pointed at a TikTok stand-in and Login Kit
 * through its consent shortcut, for tests and benchmarks. Not part of the main entry.
 *
 * Written against the stand-in's shape only ({@link ConsentServer}); `@social-bridge/tiktok-sandbox`'s
 * `Sandbox` fits, and this package does not depend on it.
 */
import { createTikTokClient, type TikTokClient, type TikTokClientOptions } from '../client.js'
import type { TokenSet } from '../oauth.js'
import { createPkcePair } from '../pkce.js'

/** What the helpers use of a TikTok stand-in such as the sandbox. */
export interface ConsentServer {
  /** Base URL serving both TikTok hosts (browser authorization and API). */
  readonly url: string
  /**
   * The user `openId` consents to `authorizeUrl`, granting `scopes` (default: all requested);
   * returns the redirect to `redirect_uri` with `code` or `error` (docs/tiktok-api.md §1.3).
   */
  approve(authorizeUrl: string, options: { openId: string; scopes?: string[] }): string | Promise<string>
}

/** A client whose authorization and API hosts are both `server.url`; other options as given. */
export function createClientFor(
  server: Pick<ConsentServer, 'url'>,
  options: Omit<TikTokClientOptions, 'authBaseUrl' | 'apiBaseUrl'>,
): TikTokClient {
  return createTikTokClient({ ...options, authBaseUrl: server.url, apiBaseUrl: server.url })
}

/**
 * Login Kit for `openId` (docs/tiktok-api.md §1.2–§1.4): the authorize URL for `scopes` with a
 * fresh PKCE pair and `state`, the server's consent (granting `grantedScopes`, default all), then
 * the code exchange through `client`.
 * @throws Error naming the callback's `error` when consent gave no code; the exchange's
 *   `TikTokOAuthError` otherwise.
 */
export async function loginThrough(
  server: ConsentServer,
  client: TikTokClient,
  params: { openId: string; scopes: string[]; grantedScopes?: string[]; state?: string },
): Promise<TokenSet> {
  const pkce = createPkcePair()
  const authorizeUrl = client.oauth.buildAuthorizeUrl({
    scopes: params.scopes,
    state: params.state ?? 'st',
    codeChallenge: pkce.codeChallenge,
  })
  const consent = { openId: params.openId, scopes: params.grantedScopes }
  const callback = client.oauth.parseCallback(await server.approve(authorizeUrl, consent))
  if (!callback.code) throw new Error(`no code in callback: ${callback.error} ${callback.errorDescription}`)
  return client.oauth.exchangeCode({ code: callback.code, codeVerifier: pkce.codeVerifier })
}
