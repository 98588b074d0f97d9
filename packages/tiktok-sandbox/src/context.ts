import type { Faults } from './faults.js'
import type { Processor } from './processing/processor.js'
import type { RateLimiter } from './rate-limit.js'
import type { SandboxSettings } from './settings.js'
import type { Clock } from './state/clock.js'
import type { PostsStore } from './state/posts.js'
import type { RequestLog } from './state/request-log.js'
import type { TokensStore } from './state/tokens.js'
import type { UploadsStore } from './state/uploads.js'
import type { UsersStore } from './state/users.js'
import type { WebhookSender } from './webhooks/sender.js'

/** The app's registration at TikTok: credentials, redirect URIs, verified URL prefixes, webhook URL. */
export interface AppConfig {
  clientKey: string
  clientSecret: string
  /** Registered redirect URIs, matched exactly; desktop-style `http://127.0.0.1:*\/path` port wildcards allowed (docs/tiktok-api.md §1.1). */
  redirectUris: string[]
  /** URL prefixes (`https://host/path/`) or domains (`static.example.com`) verified for PULL_FROM_URL (docs/tiktok-api.md §3.6). */
  verifiedUrlPrefixes: string[]
  /** Webhook callback URL; events are only logged when absent. */
  webhookUrl?: string
}

/** Everything route handlers share. One per sandbox instance. */
export interface SandboxContext {
  config: AppConfig
  settings: SandboxSettings
  clock: Clock
  users: UsersStore
  tokens: TokensStore
  posts: PostsStore
  uploads: UploadsStore
  requestLog: RequestLog
  faults: Faults
  rateLimiter: RateLimiter
  webhooks: WebhookSender
  processor: Processor
  /** Absolute base URL used in `upload_url`, e.g. `http://127.0.0.1:41234`. */
  baseUrl(): string
  /** Directory holding uploaded and pulled bytes; removed on close. */
  dataDir: string
  /**
   * Notes that durable state may have changed: with a state file, a debounced save follows
   * (persistence/README.md); without one, nothing happens.
   */
  changed(): void
}
