import type { TSchema } from 'typebox'
import { QuotaChangedEvent } from '../public-events.js'
import { Subjects } from '../subjects.js'
import {
  ConnectionConnectedV1,
  ConnectionDisconnectedV1,
  ConnectionReauthRequiredV1,
  ConnectionRefreshedV1,
} from './connection.js'
import { MetricsSyncedV1 } from './metrics.js'
import { PostCreatedV1, PostFailedV1, PostPublishedV1, PostStatusChangedV1 } from './post.js'

export * from './connection.js'
export * from './instagram-webhook.js'
export * from './metrics.js'
export * from './post.js'
export * from './tiktok-webhook.js'

/** Payload schema (version 1) of each domain subject: what a consumer validates `data` against. */
export const EventPayloads = {
  [Subjects.connectionConnected]: ConnectionConnectedV1,
  [Subjects.connectionRefreshed]: ConnectionRefreshedV1,
  [Subjects.connectionReauthRequired]: ConnectionReauthRequiredV1,
  [Subjects.connectionDisconnected]: ConnectionDisconnectedV1,
  [Subjects.postCreated]: PostCreatedV1,
  [Subjects.postStatusChanged]: PostStatusChangedV1,
  [Subjects.postPublished]: PostPublishedV1,
  [Subjects.postFailed]: PostFailedV1,
  [Subjects.metricsSynced]: MetricsSyncedV1,
  [Subjects.quotaChanged]: QuotaChangedEvent,
} as const satisfies Record<string, TSchema>
