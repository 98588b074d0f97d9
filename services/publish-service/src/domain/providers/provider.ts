import type { AuthClient } from '@social-bridge/auth-client'
import type { ConnectionAccessToken, CreatePostRequest } from '@social-bridge/contracts'
import type { InstagramClient } from '@social-bridge/instagram-client'
import type { TikTokClient } from '@social-bridge/tiktok-client'
import type { MediaRepository } from '../../repositories/media-repository.js'
import type { Quota } from '../../repositories/quota.js'
import type { Interactions } from '../post-options.js'

/** What the checks of `POST /posts` use: the app's repositories, auth-service client, network clients and settings. */
export interface PostCheckDeps {
  media: MediaRepository
  quota: Quota
  authClient: AuthClient
  tiktok: TikTokClient
  instagram: InstagramClient
  /** The verified PULL_FROM_URL prefixes (`pullPrefixes(config)`). */
  pullPrefixes: string[]
  /** `MEDIA_PUBLIC_BASE_URL` (stored photos and Reel videos are offered to the network there). */
  publicBaseUrl: string
  /** `INSTAGRAM_REEL_MAX_BYTES`: the largest video accepted as a Reel, bytes. */
  reelMaxBytes: number
}

/** What the checks learnt, stored with the post. */
export interface CheckedPost {
  videoSize?: number
  creatorUsername?: string
  interactions: Interactions
}

/**
 * The request side of a provider in publish-service (services/README.md "Providers"): the
 * synchronous checks of `POST /posts` (and of a scheduled post's edit) for a connection of that
 * provider, run before the network is asked to post anything. One per provider in this folder,
 * registered in `index.ts`; the worker side is `src/workers/providers/`.
 */
export interface PostRequestProvider {
  /**
   * Checks `body` for the connection whose access token auth-service just handed out (`handed`:
   * it also proved the connection is the tenant's).
   * @throws the public errors of the provider's rules (4xx in the shared error shape).
   */
  check(
    deps: PostCheckDeps,
    tenantId: string,
    body: CreatePostRequest,
    handed: ConnectionAccessToken,
  ): Promise<CheckedPost>
}
