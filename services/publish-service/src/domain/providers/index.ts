import type { CreatePostRequest } from '@social-bridge/contracts'
import { ProviderNotSupportedError } from '../../errors.js'
import { toPublicError } from '../public-errors.js'
import { instagramPosts } from './instagram.js'
import type { CheckedPost, PostCheckDeps, PostRequestProvider } from './provider.js'
import { tiktokPosts } from './tiktok.js'

export type { CheckedPost, PostCheckDeps, PostRequestProvider } from './provider.js'
export { inboxCapError } from './tiktok.js'

/** The one place request providers are registered: the providers that can post. */
const PROVIDERS: Partial<Record<string, PostRequestProvider>> = {
  tiktok: tiktokPosts,
  instagram: instagramPosts,
}

/**
 * The synchronous checks of `POST /posts` (and of a scheduled post's edit): asks auth-service for
 * the connection's access token — the ownership check too (another tenant's connection answers
 * 404) — and runs its provider's checks. @returns what they learnt and the provider, stored with the post.
 * @throws 422 `PROVIDER_NOT_SUPPORTED` for a connection of a provider that cannot post (TikTok
 *   Shop); auth-service failures as public errors (`toPublicError`); the provider's rule errors.
 */
export async function checkPostRequest(
  deps: PostCheckDeps,
  tenantId: string,
  body: CreatePostRequest,
): Promise<CheckedPost & { provider: string }> {
  let handed: Awaited<ReturnType<PostCheckDeps['authClient']['getAccessToken']>>
  try {
    handed = await deps.authClient.getAccessToken(body.connectionId, { tenantId })
  } catch (err) {
    throw toPublicError(err)
  }
  const provider = PROVIDERS[handed.provider]
  if (!provider) {
    throw new ProviderNotSupportedError(
      `Posting needs a TikTok account or an Instagram account; this connection is ${handed.provider}`,
    )
  }
  return { provider: handed.provider, ...(await provider.check(deps, tenantId, body, handed)) }
}
