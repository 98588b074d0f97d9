/**
 * @social-bridge/instagram-client — the only code in Social Bridge that speaks the Instagram API
 * with Instagram Login (graph.instagram.com): Business Login (OAuth), Reels publishing, insights,
 * comments and webhooks. Built from docs/instagram-api.md. See README.md.
 */
export { createInstagramClient, type InstagramClient, type InstagramClientOptions } from './client.js'
export {
  COMMENT_FIELDS_QUERY,
  type CommentsApi,
  type CommentsPage,
  createComments,
  type IgComment,
  MAX_COMMENTS_PAGE_SIZE,
} from './comments.js'
export {
  classifyGraphError,
  GraphCodes,
  INSTAGRAM_ERROR_KINDS,
  type InstagramErrorCategory,
  type InstagramErrorKind,
  InstagramGraphError,
  type InstagramGraphErrorOptions,
  redactGraphSecrets,
} from './errors.js'
export {
  createGraphHttp,
  GRAPH_BASE_URL,
  type GraphCall,
  type GraphHttp,
  type GraphHttpOptions,
  type GraphParam,
  type GraphResponse,
} from './graph.js'
export {
  type AccountProfileCounts,
  createInsightsApi,
  DEPRECATED_MEDIA_METRICS,
  type InsightsApi,
  type MediaInsights,
  REEL_METRICS,
  type ReelMetric,
  type WithUsage,
} from './insights.js'
export {
  createOAuth,
  INSTAGRAM_SCOPES,
  type InstagramAccountType,
  type InstagramOAuth,
  type InstagramProfile,
  isProfessional,
  type LongLivedToken,
  type OAuthOptions,
  REFRESH_MIN_AGE_SEC,
  type ShortLivedToken,
} from './oauth.js'
export {
  type ContainerStatus,
  type ContainerStatusCode,
  createPublishing,
  type InstagramPublishing,
  isContainerNotReadyError,
  isPublishingLimitError,
  type PublishedMedia,
  type PublishingLimit,
  type ReelContainerParams,
} from './publishing.js'
export { type AppUsage, type BusinessUseCaseUsage, type GraphUsage, parseUsage } from './usage.js'
export {
  answerHandshake,
  COMMENT_FIELDS,
  type HandshakeQuery,
  INSTAGRAM_SIGNATURE_HEADER,
  type InstagramSignatureCheck,
  type InstagramSignatureFailure,
  InstagramWebhookPayloadError,
  MAX_UPDATES_PER_NOTIFICATION,
  parseCommentValue,
  parseWebhookNotification,
  signWebhookPayload,
  verifyWebhookSignature,
  type WebhookChange,
  type WebhookComment,
  type WebhookNotification,
} from './webhooks.js'
