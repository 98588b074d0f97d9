/**
 * `createInstagramClient` — composes the client's areas over one {@link GraphHttp}. Each area is a
 * file exporting `create<Area>(graph, options)` (oauth.ts, publishing.ts, insights.ts, comments.ts,
 * webhooks.ts); add it to {@link InstagramClient} and to the object below, one line each.
 */
import { type CommentsApi, createComments } from './comments.js'
import { createGraphHttp, type GraphHttp, type GraphHttpOptions } from './graph.js'
import { createInsightsApi, type InsightsApi } from './insights.js'
import { createOAuth, type InstagramOAuth } from './oauth.js'
import { createPublishing, type InstagramPublishing } from './publishing.js'

/** Options of {@link createInstagramClient}: one app of Business Login for Instagram. */
export interface InstagramClientOptions extends GraphHttpOptions {
  /** The Instagram app id (`client_id`). */
  appId: string
  /** The Instagram app secret: sent to the token calls, signs webhooks; never logged or put in a message. */
  appSecret: string
  /** Authorize page host, default `https://www.instagram.com` (docs/instagram-api.md "Connect"). */
  authorizeBaseUrl?: string | undefined
  /** Code-exchange host, default `https://api.instagram.com` ("Connect"). */
  apiBaseUrl?: string | undefined
}

/** The Instagram client: the only code in Social Bridge speaking Instagram's wire format. */
export interface InstagramClient {
  /** The shared request helper (usage headers, typed errors); areas build on it. */
  readonly graph: GraphHttp
  /** Business Login: authorize URL, code exchange, long-lived exchange, refresh, profile. */
  readonly oauth: InstagramOAuth
  /** Reels publishing: containers, their status, media_publish, the publishing limit. */
  readonly publishing: InstagramPublishing
  /** Reel and account insights (insights.ts, docs/instagram-api.md "Insights"). */
  readonly insights: InsightsApi
  /** Comments on IG media (comments.ts). Webhooks are pure functions of webhooks.ts (no Graph calls). */
  readonly comments: CommentsApi
  close(): Promise<void>
}

/** Builds the client. Close it to free its sockets. */
export function createInstagramClient(opts: InstagramClientOptions): InstagramClient {
  const graph = createGraphHttp({ ...opts, secrets: [opts.appSecret, ...(opts.secrets ?? [])] })
  return {
    graph,
    oauth: createOAuth(graph, opts),
    // areas: one line each
    publishing: createPublishing(graph),
    insights: createInsightsApi(graph),
    comments: createComments(graph),
    close: () => graph.close(),
  }
}
