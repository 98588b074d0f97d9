/**
 * @social-bridge/tiktok-sandbox — a local emulator of TikTok's authorize page, open API and
 * upload host (docs/tiktok-api.md sections 0–5). Start one with `createSandbox()`.
 */
export type { AdminApi, PublishView, SeedVideosOptions, VideoView } from './admin.js'
export type { AppConfig } from './context.js'
export { AuthorizeRequestError } from './errors.js'
export type { Fault, FaultInput, FaultKind } from './faults.js'
export { type AddIgCommentInput, addIgComment } from './instagram/comments.js'
export type {
  AddIgAccountInput,
  IgAccount,
  IgAccountType,
  InstagramAdminApi,
  InstagramApp,
  InstagramOptions,
  InstagramSettings,
  InstagramStore,
} from './instagram/index.js'
export { accountDayMetricsAt, mediaMetricsAt, seedPublishedReel } from './instagram/insights.js'
export { containerStatus, type IgMediaSettings, igMediaSettings } from './instagram/media.js'
export type { IgComment, IgMedia } from './instagram/store.js'
export {
  DEFAULT_RETRY_DELAYS_MS as IG_WEBHOOK_RETRY_DELAYS_MS,
  type IgHandshakeResult,
  type IgWebhookAttempt,
  type IgWebhookDelivery,
  type IgWebhookFault,
  type IgWebhookSettings,
  type IgWebhooks,
} from './instagram/webhooks.js'
export { KNOWN_SCOPES } from './oauth/authorize-request.js'
export { CHUNK_LIMITS, checkChunks } from './posting/chunks.js'
export { urlOwnershipVerified } from './posting/url-ownership.js'
export { checkMedia, MEDIA_LIMITS } from './processing/checks.js'
export type { MediaSummary } from './processing/inspect.js'
export { inspectFile } from './processing/inspect.js'
export type { PostDraftOptions } from './processing/processor.js'
export { createSandbox, type Sandbox, type SandboxOptions } from './sandbox.js'
export {
  CURRENT_TOKEN_RULES,
  DEFAULT_RATE_LIMITS,
  defaultSettings,
  LEGACY_TOKEN_RULES,
  type SandboxSettings,
} from './settings.js'
export type {
  AddSellerInput,
  ShopAdminApi,
  ShopApp,
  ShopOptions,
  ShopSeller,
  ShopSettings,
} from './shop/index.js'
export type { FailReason, PrivacyLevel, PublishStatus } from './state/posts.js'
export type { RequestLogEntry } from './state/request-log.js'
export type { RefreshTokenState } from './state/tokens.js'
export type { AddUserInput, SandboxUser } from './state/users.js'
export type { WebhookAttempt, WebhookDelivery, WebhookEvent } from './webhooks/sender.js'
export { signWebhook } from './webhooks/sign.js'
