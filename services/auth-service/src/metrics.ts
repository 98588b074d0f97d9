import { Counter } from 'prom-client'

/**
 * auth-service's business metrics (docs/operations.md lists the alerts and dashboards over them).
 * Process-wide; `domainPlugin` adds them to `app.metrics` (service-kit `registerMetrics`). Counted
 * where the outcome is decided, so a transaction that then rolls back is still counted.
 */
export const authMetrics = {
  /** The OAuth funnel: `outcome` = started (authorize URL handed out), connected, denied, failed. */
  connects: new Counter({
    name: 'social_bridge_oauth_connects_total',
    help: 'OAuth connects by funnel step: started, connected, denied, failed',
    labelNames: ['outcome'] as const,
    registers: [],
  }),
  /** Refreshes by `outcome` (refreshed, transient_failure, failed, reauth_required, key_unavailable) and `trigger`. */
  refreshes: new Counter({
    name: 'social_bridge_token_refreshes_total',
    help: 'Access-token refreshes by outcome and trigger',
    labelNames: ['outcome', 'trigger'] as const,
    registers: [],
  }),
  /**
   * Valid tokens handed out without a refresh, by `source`: `cache` (this replica's access-token
   * cache) or `database` (the row read); their ratio is the cache's hit rate.
   */
  accessTokens: new Counter({
    name: 'social_bridge_access_tokens_handed_out_total',
    help: 'Valid access tokens handed out without a refresh, by source: cache or database',
    labelNames: ['source'] as const,
    registers: [],
  }),
  /** Connections leaving `active`: `status` = reauth_required, revoked (by TikTok), disconnected (by an admin). */
  transitions: new Counter({
    name: 'social_bridge_connection_transitions_total',
    help: 'Connections that became reauth_required, revoked or disconnected',
    labelNames: ['status'] as const,
    registers: [],
  }),
}
