import { type Static, Type } from 'typebox'
import { IsoDateTime, Uuid } from '../common.js'

/** `social.metrics.synced` v1: a sync of one account (and its videos) was stored. */
export const MetricsSyncedV1 = Type.Object({
  connectionId: Uuid,
  measuredAt: IsoDateTime,
  videoCount: Type.Integer({ minimum: 0 }),
  /** Provider API calls this sync made to measure (TikTok: user info + video query batches; Instagram: one insights call per Reel + profile + account reach). */
  apiCalls: Type.Integer({ minimum: 0 }),
})
export type MetricsSyncedV1 = Static<typeof MetricsSyncedV1>
