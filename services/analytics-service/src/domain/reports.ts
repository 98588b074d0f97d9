import type { ConnectionAnalytics, PostAnalytics, TenantAnalyticsSummary } from '@social-bridge/contracts'
import type { ConnectionsRepository } from '../repositories/connections-repository.js'
import type { Range, ReadModel } from '../repositories/read-model.js'
import { delta, engagementRate } from './engagement.js'
import { rangeDto } from './range.js'

const ACCOUNT_STATS = ['followers', 'following', 'likes', 'videoCount'] as const
const VIDEO_COUNTS = ['views', 'likes', 'comments', 'shares'] as const

/** Who asks and for which range: every report is scoped to the caller's tenant. */
export interface ReportScope {
  tenantId: string
  range: Range
}

/**
 * The analytics answers of the REST API (contracts `rest/analytics.ts`), each read in one snapshot
 * of the data (ReadModel.snapshot). A report on one resource is null when the id is unknown or
 * another tenant's.
 */
export interface Reports {
  /** An account: stats latest and within the range, their growth, totals over its tracked videos. */
  connection(id: string, scope: ReportScope): Promise<ConnectionAnalytics | null>
  /** A post published through us: its videos' counts summed, latest and within the range, growth. */
  post(postId: string, scope: ReportScope): Promise<PostAnalytics | null>
  /** The tenant across all its accounts. */
  summary(scope: ReportScope): Promise<TenantAnalyticsSummary>
}

export function createReports(deps: { readModel: ReadModel; connections: ConnectionsRepository }): Reports {
  const { readModel, connections } = deps
  return {
    async connection(id, { tenantId, range }) {
      const conn = await connections.findForTenant(id, tenantId)
      if (!conn) return null
      const [history, latest, totals] = await readModel.snapshot((reads) =>
        Promise.all([
          reads.accountHistory(conn.id, range),
          reads.accountLatest(conn.id),
          reads.accountVideoTotals(conn.id),
        ]),
      )
      return {
        connectionId: conn.id,
        ...seriesView({ history, latest }, range, ACCOUNT_STATS),
        totals,
        stale: conn.status !== 'active',
        engagementRate: engagementRate(totals),
        lastSyncedAt: conn.lastSyncedAt?.toISOString() ?? null,
      }
    },

    async post(postId, { tenantId, range }) {
      const post = await readModel.findPost(postId, tenantId)
      if (!post) return null
      const [history, latest] = await readModel.snapshot((reads) =>
        Promise.all([reads.postHistory(post, range), reads.postLatest(post)]),
      )
      return {
        postId,
        ...seriesView({ history, latest }, range, VIDEO_COUNTS),
        engagementRate: engagementRate(latest),
        stale: post.stale,
      }
    },

    async summary({ tenantId, range }) {
      const s = await readModel.snapshot((reads) => reads.tenantSummary(tenantId, range))
      return {
        ...s,
        range: rangeDto(range),
        engagementRate: engagementRate(s.totals),
        lastSyncedAt: s.lastSyncedAt?.toISOString() ?? null,
      }
    },
  }
}

/**
 * A measured series as the reports show it: the `latest` point (or null), the `history` within
 * `range` (oldest first), the `range`, and `delta`, the growth of each of `keys` from the
 * history's first point to its last (0 with fewer than two). Times as ISO 8601 strings.
 */
function seriesView<K extends string, P extends { measuredAt: Date } & Record<K, number>>(
  series: { history: P[]; latest: P | null },
  range: Range,
  keys: readonly K[],
) {
  const dto = (p: P) => ({ ...p, measuredAt: p.measuredAt.toISOString() })
  return {
    latest: series.latest ? dto(series.latest) : null,
    history: series.history.map(dto),
    range: rangeDto(range),
    delta: delta(series.history[0], series.history.at(-1), keys),
  }
}
