/**
 * @social-bridge/tiktok-client — the only code in Social Bridge that speaks TikTok's wire format.
 * Built from docs/tiktok-api.md §0–§5. See README.md.
 */
export {
  buildPlan,
  type Chunk,
  type ChunkPlan,
  DEFAULT_CHUNK_SIZE,
  MAX_CHUNK_COUNT,
  MAX_CHUNK_SIZE,
  MAX_LAST_CHUNK_SIZE,
  MIB,
  MIN_CHUNK_SIZE,
  planChunks,
} from './chunk-plan.js'
export { createTikTokClient, type TikTokClient, type TikTokClientOptions } from './client.js'
export {
  type DisplayApi,
  type ListVideosParams,
  MAX_VIDEOS_PER_CALL,
  USER_INFO_FIELDS_BY_SCOPE,
  type UserInfo,
  type UserInfoField,
  userInfoFieldsForScopes,
  VIDEO_FIELDS,
  type Video,
  type VideoField,
  type VideoPage,
} from './display.js'
export {
  classifyTikTokError,
  DEFAULT_RATE_LIMIT_BACKOFF_MS,
  redactSecrets,
  TIKTOK_CLIENT_ERROR_CODES,
  TikTokApiError,
  type TikTokClientErrorCode,
  TikTokConnectionError,
  TikTokError,
  type TikTokErrorCategory,
  type TikTokErrorOptions,
  TikTokInvalidArgumentError,
  TikTokInvalidResponseError,
  TikTokOAuthError,
  TikTokTimeoutError,
  TikTokUploadError,
  TikTokUploadProgressUnknownError,
  TikTokUploadUrlExpiredError,
  TikTokWebhookPayloadError,
} from './errors.js'
export { parseJson, toIdString } from './json.js'
export { endpointLabel, registerTikTokClientMetrics, tiktokClientMetrics } from './metrics.js'
export type {
  AuthorizeCallback,
  AuthorizeUrlParams,
  ExchangeCodeParams,
  OAuthApi,
  TokenSet,
} from './oauth.js'
export { splitScopes } from './oauth.js'
export { createPkcePair, type PkcePair, pkceChallenge } from './pkce.js'
export type {
  CreatorInfo,
  InitResult,
  PhotoPostParams,
  PostInfo,
  PostingApi,
  PrivacyLevel,
  PublishStatus,
  PublishStatusValue,
  VideoSource,
} from './posting.js'
export type {
  ChunkAck,
  ChunkSource,
  TransferApi,
  UploadResult,
  UploadVideoParams,
  VideoContentType,
} from './transfer.js'
export { chunkIndexAt, resumeIndex } from './upload-progress.js'
export {
  parseWebhookEvent,
  type WebhookContent,
  type WebhookEvent,
  type WebhookEventName,
} from './webhook-event.js'
export {
  DEFAULT_WEBHOOK_TOLERANCE_SEC,
  type SignWebhookParams,
  signWebhook,
  type VerifyWebhookParams,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
  type WebhookSignatureFailure,
  type WebhookVerification,
} from './webhook-signature.js'
